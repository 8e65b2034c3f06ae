"""The data protection officer's pages over the consultation log: search the log (and
export it), find a person, a person's access history, and unusual volume.

These pages show people's names, so each writes its own log row naming the people
it showed, as every page with personal data does. Nothing here edits or deletes a row.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from interventions.models import Offender
from tracker.core.access_log import log_access
from tracker.core.forms import DateInput
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.lists import FilteredListView
from tracker.core.models import AccessLog, User
from tracker.core.permissions import DATA_PROTECTION, roles_required

from . import consultations
from .log_filters import AccessLogSearch
from .log_resources import AccessLogResource

PAGE_SIZE = 25


class AccessLogListView(FilteredListView):
    """Search the log by person, user, period, way in and action; newest first; export
    exactly the filtered rows."""

    allowed_roles = DATA_PROTECTION
    filterset_class = AccessLogSearch
    resource_class = AccessLogResource
    export_name = "access-log"
    template_name = "dataprotection/log/list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[Any]:
        return consultations.log_rows()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = context["object_list"]
        named = consultations.name_people(list(rows))
        searched = bool(self.request.GET.get("person", "").strip())
        action = AccessLog.Action.SEARCH if searched else AccessLog.Action.LIST
        log_access(self.request.user, action=action, people=named, request=self.request)
        context["title"] = "Consultation log"
        context["retention_days"] = settings.ACCESS_LOG_RETENTION_DAYS
        return context

    def export_people(self, rows: QuerySet[Any]) -> list[int]:
        return consultations.people_in(rows)

    @classmethod
    def log_export(cls, request: HttpRequest, people: Collection[int]) -> None:
        # The file names people by id only, and is itself a consultation of the log:
        # logged even when the rows showed nobody.
        user = request.user
        log_access(
            user if isinstance(user, User) else None,
            action=AccessLog.Action.EXPORT,
            way=AccessLog.Way.EXPORT,
            people=people,
            request=request,
        )

    def export_queryset(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        return consultations.with_person_ids(rows)


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Case reference, name or id",
        max_length=200,
        error_messages={"required": "Enter a case reference, a name or a person's id"},
    )


@roles_required(DATA_PROTECTION)
@require_safe
def person_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a person among everyone, whoever holds them, to read their access history."""
    form = PersonSearchForm(request.GET if "q" in request.GET else None)
    people: list[Offender] = []
    found = 0
    if form.is_valid():
        matches = consultations.find_people(form.cleaned_data["q"])
        found = matches.count()
        people = list(matches[: consultations.PEOPLE_FOUND_SHOWN])
        log_access(request.user, action=AccessLog.Action.SEARCH, people=[p.pk for p in people], request=request)
    context = {"form": form, "people": people, "found": found, "searched": form.is_bound, "title": "Find a person"}
    return render(request, "dataprotection/log/person_search.html", context)


class PeriodForm(forms.Form):
    since = forms.DateField(label="From", required=False, widget=DateInput)
    until = forms.DateField(label="To", required=False, widget=DateInput)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "Enter a 'to' date the same as or after the 'from' date")
        return cleaned


@roles_required(DATA_PROTECTION)
@require_safe
def person_history(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """Every request that showed one person, newest first, and who accessed them: by
    organisation and by user, with counts and the first and last time."""
    person = Offender.objects.filter(pk=person_id).select_related("holding_organisation").first()
    if person is None:
        raise Http404
    period = PeriodForm(request.GET if request.GET.keys() & {"since", "until"} else None)
    since = until = None
    if period.is_valid():
        since, until = period.cleaned_data["since"], period.cleaned_data["until"]
    summary = consultations.access_summary(person_id, since=since, until=until)
    rows = (
        consultations.log_rows().filter(consulted__person_id=person_id).filter(consultations.day_bounds(since, until))
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    named = consultations.name_people(list(page.object_list))
    log_access(request.user, action=AccessLog.Action.VIEW, people=named | {person_id}, request=request)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "person": person,
        "period": period,
        "summary": summary,
        "page_obj": page,
        "is_paginated": page.has_other_pages(),
        "object_list": page.object_list,
        "query_string": query.urlencode(),
        "title": f"Access history of {person.full_name}",
    }
    return render(request, "dataprotection/log/person.html", context)


@roles_required(DATA_PROTECTION)
@require_safe
def unusual_volume(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The daily flags: users who viewed more distinct people in a day than the threshold."""
    page = Paginator(consultations.recent_flags(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "is_paginated": page.has_other_pages(),
        "flags": page.object_list,
        "threshold": settings.ACCESS_LOG_DAILY_PEOPLE_THRESHOLD,
        "title": "Unusual volume",
    }
    return render(request, "dataprotection/log/unusual_volume.html", context)
