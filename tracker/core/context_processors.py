from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tracker.core.navigation import menu_for, subnavigation_for


def navigation(request: HttpRequest) -> dict[str, object]:
    # Lazy: pages that do not render the navigation (PDFs, errors) pay nothing.
    return {
        "navigation": SimpleLazyObject(lambda: menu_for(request)),
        "subnavigation": SimpleLazyObject(lambda: subnavigation_for(request)),
    }
