"""Subject access (issue #14, part 3): requests, their statutory deadline, the
redactions the DPO marks, producing the disclosure pack (built by
`disclosure_pack.build_pack`), and the DPO's My work."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Case, Q, QuerySet, Value, When
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from interventions.models import Offender
from tracker.core.access_log import log_access
from tracker.core.errors import DomainError
from tracker.core.history import set_history_user
from tracker.core.models import AccessLog, User
from tracker.core.mywork import WorkItem, WorkSection

from .disclosure_pack import Pack, build_pack
from .models import Redaction, SubjectAccessRequest

# My work's count: open requests due within this many days, or overdue.
DUE_SOON = timedelta(days=7)
Status = SubjectAccessRequest.Status


class SubjectAccessError(DomainError):
    """A change to a subject access request the rules do not allow."""


# The deadline ----------------------------------------------------------------------


def deadline_for(received_on: date) -> date:
    """One calendar month after receipt: the same day of the next month, or that
    month's last day when it has no such day (31 January -> 28 or 29 February).
    Calendar days only; a deadline on a weekend or bank holiday is not moved."""
    year, month = (received_on.year + 1, 1) if received_on.month == 12 else (received_on.year, received_on.month + 1)
    return date(year, month, min(received_on.day, calendar.monthrange(year, month)[1]))


# Read paths ------------------------------------------------------------------------


def requests_for_list() -> QuerySet[Any]:
    """Open first, then by deadline; `overdue` computed in SQL."""
    today = timezone.localdate()
    return (
        SubjectAccessRequest.objects.select_related("person")
        .annotate(
            overdue=Q(status=Status.OPEN, deadline__lt=today),
            open_first=Case(When(status=Status.OPEN, then=Value(0)), default=Value(1)),
        )
        .order_by("open_first", "deadline", "id")
    )


def open_requests() -> QuerySet[Any]:
    return requests_for_list().filter(status=Status.OPEN)


def find_people(query: str, *, limit: int = 20) -> list[Offender]:
    """Everyone held, whichever organisation holds them: a person may ask any part of
    the force what it holds, so the DPO searches all people for this purpose only."""
    query = query.strip()
    if not query:
        return []
    condition = Q(case_reference__icontains=query) | Q(last_name__icontains=query) | Q(first_name__icontains=query)
    words = query.split()
    if len(words) >= 2:
        condition |= Q(first_name__icontains=words[0], last_name__icontains=words[-1])
    return list(Offender.objects.filter(condition).select_related("holding_organisation")[:limit])


def redactions_of(request: SubjectAccessRequest) -> dict[str, str]:
    return dict(request.redactions.values_list("item", "reason"))


def latest_request_for(person: Offender) -> SubjectAccessRequest | None:
    return SubjectAccessRequest.objects.filter(person=person).order_by("-received_on", "-id").first()


# Services --------------------------------------------------------------------------


@transaction.atomic
def record_request(*, person: Offender, received_on: date, by: User, notes: str = "") -> SubjectAccessRequest:
    """Record a request as received; its deadline follows from the date received."""
    if received_on > timezone.localdate():
        raise SubjectAccessError("The date the request was received must be today or in the past")
    request = SubjectAccessRequest(
        person=person, received_on=received_on, deadline=deadline_for(received_on), notes=notes, recorded_by=by
    )
    set_history_user(request, by)
    request.save()
    return request


@transaction.atomic
def set_redactions(request: SubjectAccessRequest, *, by: User, marks: Mapping[str, str]) -> None:
    """Make the request's redactions exactly `marks` (item key -> reason): new ones
    are recorded with who and when, unmarked ones deleted (their history keeps them)."""
    if request.status == Status.CLOSED:
        raise SubjectAccessError("This request is closed: its redactions can no longer change")
    if any(not reason.strip() for reason in marks.values()):
        raise SubjectAccessError("Give a reason for each item withheld")
    existing = {r.item: r for r in request.redactions.all()}
    for item, redaction in existing.items():
        if item not in marks:
            set_history_user(redaction, by)
            redaction.delete()
        elif redaction.reason != marks[item].strip():
            redaction.reason = marks[item].strip()
            redaction.by = by
            set_history_user(redaction, by)
            redaction.save(update_fields=["reason", "by"])
    for item, reason in marks.items():
        if item not in existing:
            redaction = Redaction(request=request, item=item, reason=reason.strip(), by=by)
            set_history_user(redaction, by)
            redaction.save()


@transaction.atomic
def produce_pack(request: SubjectAccessRequest, *, by: User, way: str, http_request: HttpRequest | None = None) -> Pack:
    """The pack with the request's redactions applied. Producing it is logged
    (a disclosure naming the person) and recorded on the request."""
    if request.status == Status.CLOSED:
        raise SubjectAccessError("This request is closed: open a new request to produce another pack")
    pack = build_pack(request.person, redactions=redactions_of(request), request=request)
    request.status = Status.PRODUCED
    request.produced_at = timezone.now()
    request.produced_by = by
    set_history_user(request, by)
    request.save(update_fields=["status", "produced_at", "produced_by"])
    log_access(by, [request], action=AccessLog.Action.DISCLOSURE, way=way, request=http_request)
    return pack


@transaction.atomic
def close_request(request: SubjectAccessRequest, *, by: User) -> SubjectAccessRequest:
    """The pack has gone to the requester (or the request is answered otherwise)."""
    if request.status == Status.CLOSED:
        raise SubjectAccessError("This request is already closed")
    request.status = Status.CLOSED
    request.closed_at = timezone.now()
    set_history_user(request, by)
    request.save(update_fields=["status", "closed_at"])
    return request


# My work -------------------------------------------------------------------------

MY_WORK_LIMIT = 50


def work_sections(user: User) -> list[WorkSection]:
    """Open requests, soonest due first; overdue ones flagged. The list names people,
    so it is logged like any other list."""
    rows = list(open_requests()[:MY_WORK_LIMIT])
    log_access(user, rows, action=AccessLog.Action.LIST)
    items = [
        WorkItem(
            f"{r.reference}: {r.person.full_name}",
            reverse("dataprotection:sar", args=[r.pk]),
            due=r.deadline,
            overdue=r.overdue,
            detail=f"Subject access request received {date_format(r.received_on, 'j M Y')}",
        )
        for r in rows
    ]
    return [WorkSection("Subject access requests to answer", items, "No subject access requests are open.")]


def work_count(user: User) -> int:
    """Open requests due within a week or overdue: one COUNT query."""
    return SubjectAccessRequest.objects.filter(
        status=Status.OPEN, deadline__lte=timezone.localdate() + DUE_SOON
    ).count()
