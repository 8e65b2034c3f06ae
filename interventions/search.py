"""Search endpoint for the person picker (tracker/core/pickers.py): a page of the
people the user may see, matching the case reference or name typed. It shows
personal data, so every answer is written to the consultation log."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from tracker.core.access_log import log_access
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.models import AccessLog
from tracker.core.permissions import INTERVENTIONS, roles_required
from tracker.core.pickers import PAGE_SIZE, clean_query, search_response

from .filters import search_people
from .models import Offender


def person_label(person: Offender) -> str:
    born = person.date_of_birth
    return f"{person.first_name} {person.last_name} ({person.case_reference}), born {born.day} {born:%B %Y}"


def search_offenders(queryset: QuerySet[Any], text: str) -> QuerySet[Any]:
    return search_people(queryset, clean_query(text))


@require_GET
@roles_required(INTERVENTIONS)
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    text = clean_query(request.GET.get("q", ""))
    found = search_offenders(Offender.objects.visible_to(request.user), text) if text else Offender.objects.none()
    fields = ("id", "first_name", "last_name", "case_reference", "date_of_birth")
    page = list(found.only(*fields).order_by("last_name", "first_name", "id")[: PAGE_SIZE + 1])
    # The log names the people the answer showed (not the one held back to say "more").
    log_access(request.user, page[:PAGE_SIZE], action=AccessLog.Action.SEARCH, request=request)
    return search_response(page, person_label)
