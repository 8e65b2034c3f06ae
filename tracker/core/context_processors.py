from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tracker.core.navigation import sections_for


def navigation(request: HttpRequest) -> dict[str, object]:
    # Lazy: pages that do not render the navigation (PDFs, errors) pay nothing.
    return {"navigation": SimpleLazyObject(lambda: sections_for(request))}
