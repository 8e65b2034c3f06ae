"""Retention review (issue #14): which people are due for the data protection officer's
review, and the officer's decisions.

A person is due when their last referral closed at least RETENTION_REVIEW_YEARS ago and
none is open, or when a "keep" decision's next review date has come. Disposed people are
never due again. Disposal itself is the interventions strand's service (it changes the
person's records); deciding to dispose records the decision and calls it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from interventions.lifecycle import months_later
from interventions.models import OPEN_STATUSES, FollowUp, Offender, Referral, Session
from interventions.retention import ReasonMissing, RetentionError, dispose_of_person, require_officer
from tracker.core.models import Outcome, User

from .models import RetentionDecision


def review_years() -> int:
    return int(settings.RETENTION_REVIEW_YEARS)


def review_cutoff(today: date) -> date:
    """A last referral closed on or before this day is due for review today."""
    return months_later(today, -12 * settings.RETENTION_REVIEW_YEARS)


def with_review_dates(people: QuerySet[Offender]) -> QuerySet[Any]:
    """Annotate each person with `last_closed_on`, `has_open`, and their newest
    decision's `kept_until` (its next review date, if it was a keep)."""
    newest = RetentionDecision.objects.filter(person=OuterRef("pk")).order_by("-at", "-id")
    return people.annotate(
        last_closed_on=Max(TruncDate("referrals__ended_at")),
        has_open=Exists(Referral.objects.filter(offender=OuterRef("pk"), status__in=OPEN_STATUSES)),
        kept_until=Subquery(newest.filter(decision=RetentionDecision.Decision.KEEP).values("next_review_on")[:1]),
    )


def reviews_due(today: date | None = None) -> QuerySet[Any]:
    """The people due for review on `today` (default: today), earliest due first.
    One query, whatever the number of people."""
    today = today or timezone.localdate()
    people = with_review_dates(Offender.objects.filter(disposed_at=None))
    due = people.filter(has_open=False, last_closed_on__isnull=False).filter(
        Q(kept_until__isnull=True, last_closed_on__lte=review_cutoff(today)) | Q(kept_until__lte=today)
    )
    return due.order_by(F("kept_until").asc(nulls_first=True), "last_closed_on", "id")


def due_on(person: Any) -> date | None:
    """When the person's review is (or was) due, from `with_review_dates` annotations."""
    if person.kept_until is not None:
        return person.kept_until  # type: ignore[no-any-return]
    if person.last_closed_on is None or person.has_open:
        return None
    return months_later(person.last_closed_on, 12 * settings.RETENTION_REVIEW_YEARS)


@dataclass(frozen=True)
class Holdings:
    """What the tracker holds on a person, in counts (the review page's summary)."""

    referrals: int
    open_referrals: int
    sessions: int
    follow_ups: int
    outcomes: int


def holdings(person: Offender) -> Holdings:
    referrals = Referral.objects.filter(offender=person)
    counts = referrals.aggregate(all=Count("pk"), open=Count("pk", filter=Q(status__in=OPEN_STATUSES)))
    return Holdings(
        referrals=counts["all"],
        open_referrals=counts["open"],
        sessions=Session.objects.filter(referral__offender=person).count(),
        follow_ups=FollowUp.objects.filter(referral__offender=person).count(),
        outcomes=Outcome.objects.filter(
            content_type=ContentType.objects.get_for_model(Referral), object_id__in=referrals.values("pk")
        ).count(),
    )


@transaction.atomic
def decide_keep(person: Offender, *, by: User, reason: str, next_review_on: date) -> RetentionDecision:
    """Keep the person's records, for `reason`, until the next review on `next_review_on`."""
    require_officer(by)
    if not reason.strip():
        raise ReasonMissing("Enter the reason for keeping this person's records")
    if next_review_on <= timezone.localdate():
        raise RetentionError("The next review date must be in the future")
    if Offender.objects.filter(pk=person.pk, disposed_at__isnull=False).exists():
        raise RetentionError("This person's data has already been disposed of.")
    return RetentionDecision.objects.create(
        person=person, decision=RetentionDecision.Decision.KEEP, reason=reason.strip(), next_review_on=next_review_on,
        by=by,
    )  # fmt: skip


@transaction.atomic
def decide_dispose(person: Offender, *, by: User, reason: str) -> RetentionDecision:
    """Dispose of the person's personal data (interventions.retention) and record the
    decision, in one transaction."""
    disposed = dispose_of_person(person, by=by, reason=reason)
    return RetentionDecision.objects.create(
        person=disposed,
        decision=RetentionDecision.Decision.DISPOSE,
        reason=reason.strip(),
        by=by,
        at=disposed.disposed_at or timezone.now(),
    )
