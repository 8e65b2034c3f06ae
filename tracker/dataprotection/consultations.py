"""The consultation log as the data protection officer reads it: who consulted whom,
a person's access history, unusual volume, and pruning.

The log holds no personal data (tracker.core.access_log): it names people by their
Offender id. The pages look the names up here, one query per page, among *all* people,
because the officer answers for everyone; a disposed person shows as what disposal
left of them, their pseudonymous stub.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Count, Max, Min, OuterRef, Prefetch, Q, QuerySet, StringAgg, Subquery, Value
from django.db.models.functions import Cast
from django.utils import timezone

from interventions.filters import search_people
from interventions.models import Offender
from tracker.core.models import AccessLog, ConsultedPerson

from .models import UnusualVolumeFlag

# People named on each row of a log page; the rest are counted ("and 12 more").
PEOPLE_PER_ROW = 3
# People offered by one person search; the officer narrows a longer list.
PEOPLE_FOUND_SHOWN = 50
PRUNE_BATCH = 5000


def day_start(day: date) -> datetime:
    """Midnight at the start of `day`, local time, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def day_bounds(since: date | None, until: date | None) -> Q:
    """Rows at or after the start of `since` and before the end of `until` (local
    days, both included), as a range on the indexed `at` column."""
    bounds = Q()
    if since is not None:
        bounds &= Q(at__gte=day_start(since))
    if until is not None and until < date.max:
        bounds &= Q(at__lt=day_start(until + timedelta(days=1)))
    return bounds


# Reading the log ---------------------------------------------------------------


def log_rows() -> QuerySet[AccessLog]:
    """Every log row, newest first, with the user and their organisation joined and
    the first few people of each row fetched in one query."""
    first_people = ConsultedPerson.objects.order_by("person_id")[:PEOPLE_PER_ROW]
    return AccessLog.objects.select_related("user__organisation").prefetch_related(
        Prefetch("consulted", queryset=first_people, to_attr="first_people")
    )


def logs_showing(person_ids: QuerySet[Any] | Iterable[int]) -> QuerySet[AccessLog]:
    """Rows that showed any of the people (ids, or a query of ids), each row once."""
    return AccessLog.objects.filter(pk__in=ConsultedPerson.objects.filter(person_id__in=person_ids).values("log_id"))


def find_people(text: str) -> QuerySet[Offender]:
    """Everyone whose case reference or name matches `text` (every word must match),
    or, for a number, whose id or case reference it is: among all people, whoever
    holds them."""
    text = text.strip()
    people: QuerySet[Offender]
    if text.isdigit():
        # A number is a person's id, or a case reference that is all digits.
        by_id = Q(pk=int(text)) if len(text) < 19 else Q()
        people = Offender.objects.filter(by_id | Q(case_reference__iexact=text))
    else:
        people = search_people(Offender.objects.all(), text) if text else Offender.objects.none()
    return people.select_related("holding_organisation").order_by("last_name", "first_name", "id")


def people_by_id(ids: Iterable[int]) -> dict[int, Offender]:
    """The people with these ids, in one query. An id with no person (there should be
    none: people are never deleted, only disposed of) is simply absent."""
    wanted = set(ids)
    if not wanted:
        return {}
    return {p.pk: p for p in Offender.objects.filter(pk__in=wanted).only("case_reference", "first_name", "last_name")}


@dataclass(frozen=True)
class PersonShown:
    id: int
    person: Offender | None

    @property
    def label(self) -> str:
        if self.person is None:
            return f"Person {self.id}"
        return f"{self.person.full_name} ({self.person.case_reference})"


def name_people(rows: Sequence[AccessLog]) -> set[int]:
    """Give each row (from `log_rows()`) `people_shown`, its first people with their
    names, and `more_people`, how many it showed beyond them; one query for the whole
    page. Returns the ids named, which the page's own log row records."""
    ids = {c.person_id for row in rows for c in getattr(row, "first_people", [])}
    people = people_by_id(ids)
    for row in rows:
        shown = [PersonShown(c.person_id, people.get(c.person_id)) for c in getattr(row, "first_people", [])]
        row.people_shown = shown  # type: ignore[attr-defined]  # display-only attributes for the template
        row.more_people = max(row.people - len(shown), 0)  # type: ignore[attr-defined]
    return ids


def with_person_ids(rows: QuerySet[AccessLog]) -> QuerySet[AccessLog]:
    """Rows with `person_ids`, every person shown as space-separated ids in no set
    order, computed by the database (an export may hold many thousands of rows; not
    every SQLite orders within an aggregate)."""
    ids = (
        ConsultedPerson.objects.filter(log=OuterRef("pk"))
        .order_by()
        .values("log")
        .annotate(ids=StringAgg(Cast("person_id", CharField()), Value(" ")))
        .values("ids")
    )
    # No prefetch: the export then streams the rows (django-import-export pages a
    # queryset with prefetches, and by id when it has no explicit order).
    return (
        rows.prefetch_related(None)
        .select_related("user__organisation")
        .annotate(person_ids=Subquery(ids))
        .order_by("-at", "-id")
    )


def people_in(rows: QuerySet[AccessLog]) -> list[int]:
    """The distinct people the rows showed, in one query."""
    return list(
        ConsultedPerson.objects.filter(log__in=rows.order_by().values("pk"))
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()
    )


# A person's access history -------------------------------------------------------


@dataclass(frozen=True)
class AccessSummary:
    """Who accessed one person: by organisation and by user, with counts and the first
    and last time."""

    organisations: list[dict[str, Any]]
    users: list[dict[str, Any]]
    requests: int


def access_summary(person_id: int, *, since: date | None = None, until: date | None = None) -> AccessSummary:
    """Two aggregate queries over the rows that showed the person."""
    rows = AccessLog.objects.filter(consulted__person_id=person_id).filter(day_bounds(since, until)).order_by()
    organisations: list[dict[str, Any]] = [
        dict(entry)
        for entry in rows.values("user__organisation_id", "user__organisation__name")
        .annotate(users=Count("user_id", distinct=True), requests=Count("id"), first=Min("at"), last=Max("at"))
        .order_by("-last")
    ]
    users: list[dict[str, Any]] = [
        dict(entry)
        for entry in rows.values(
            "user_id", "user__username", "user__first_name", "user__last_name", "user__organisation__name"
        )
        .annotate(requests=Count("id"), first=Min("at"), last=Max("at"))
        .order_by("-last")
    ]
    for entry in users:
        full_name = f"{entry['user__first_name'] or ''} {entry['user__last_name'] or ''}".strip()
        entry["name"] = full_name or entry["user__username"] or "Unknown user"
    return AccessSummary(organisations=organisations, users=users, requests=sum(o["requests"] for o in organisations))


# Unusual volume -------------------------------------------------------------------


@transaction.atomic
def flag_unusual_volume(day: date) -> list[UnusualVolumeFlag]:
    """Flag every user who viewed more distinct people on `day` (a local day) than
    ACCESS_LOG_DAILY_PEOPLE_THRESHOLD. Counts come from one aggregate query; each
    (day, user) is flagged once, so running it again changes nothing, except to
    bring a flag's count up to date when the day had not ended at the first run.
    Returns the day's flags for the users over the threshold, most people first."""
    threshold: int = settings.ACCESS_LOG_DAILY_PEOPLE_THRESHOLD
    bounds = Q(log__at__gte=day_start(day), log__at__lt=day_start(day + timedelta(days=1)))
    counts = list(
        ConsultedPerson.objects.filter(bounds, log__user__isnull=False)
        .values("log__user")
        .annotate(people=Count("person_id", distinct=True))
        .filter(people__gt=threshold)
        .values_list("log__user", "people")
    )
    if counts:
        UnusualVolumeFlag.objects.bulk_create(
            [
                UnusualVolumeFlag(day=day, user_id=user_id, people=people, threshold=threshold)
                for user_id, people in counts
            ],
            update_conflicts=True,
            unique_fields=["day", "user"],
            update_fields=["people", "threshold"],
        )
    return list(
        UnusualVolumeFlag.objects.filter(day=day, user_id__in=[user_id for user_id, _ in counts]).select_related(
            "user__organisation"
        )
    )


def recent_flags() -> QuerySet[UnusualVolumeFlag]:
    return UnusualVolumeFlag.objects.select_related("user__organisation")


# Pruning ---------------------------------------------------------------------------


def prune_access_log(now: datetime) -> int:
    """Delete log rows older than ACCESS_LOG_RETENTION_DAYS (and the volume flags of
    days before then), in batches so that a first run over years of rows holds no long
    lock. Returns how many log rows were deleted; a second run deletes none."""
    cutoff = now - timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(AccessLog.objects.filter(at__lt=cutoff).order_by().values_list("pk", flat=True)[:PRUNE_BATCH])
            if not batch:
                break
            ConsultedPerson.objects.filter(log_id__in=batch).delete()
            deleted += AccessLog.objects.filter(pk__in=batch).delete()[1].get(AccessLog._meta.label, 0)
    UnusualVolumeFlag.objects.filter(day__lt=timezone.localdate(cutoff)).delete()
    return deleted
