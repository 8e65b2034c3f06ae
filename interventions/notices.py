"""The strand's emails (tracker.notifications): who hears of each referral move and
concern, the reminder for referrals left waiting, and its lines in the weekly digest.

Emails name the referral's number (`reference`, "R00012") and link to it; never the
person, the notes, the concern or a reason's free text (docs/notifications.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from tracker.core.lifecycle import Move
from tracker.core.models import User
from tracker.core.working_days import add_working_days
from tracker.notifications import digest
from tracker.notifications.models import Kind
from tracker.notifications.services import Gatherer, notify

from .models import ReasonCode, Referral, ReferralTransition, Session, Status

NOT_ACCEPTED_AFTER_WORKING_DAYS = 10

# The move's target → the kind of email the referrer gets.
TO_REFERRER: dict[str, str] = {
    Status.ACCEPTED: Kind.REFERRAL_ACCEPTED,
    Status.DECLINED: Kind.REFERRAL_DECLINED,
    Status.WITHDRAWN: Kind.REFERRAL_WITHDRAWN,
    Status.COMPLETED: Kind.REFERRAL_COMPLETED,
}


def referral_path(referral_id: int, anchor: str = "") -> str:
    return reverse("interventions:referral", args=[referral_id]) + anchor


def liaisons_of(organisation_id: int) -> QuerySet[User]:
    return User.objects.filter(organisation_id=organisation_id, is_probation_liaison=True, is_active=True)


def moved(referral: Referral, move: Move, *, by: User) -> None:
    """Tell whoever needs to know of a move (inside the move's transaction). The
    person who made the move is not told of it."""
    if move.target == Status.SUBMITTED:
        recipients = liaisons_of(referral.handling_organisation_id).exclude(pk=by.pk).values_list("pk", flat=True)
        notify(Kind.REFERRAL_SUBMITTED, recipients, reference=referral.reference, path=referral_path(referral.pk))
        return
    kind = TO_REFERRER.get(move.target)
    if kind is None or referral.referred_by_id == by.pk:
        return
    detail = ""
    if move.target == Status.DECLINED:
        # The reason's group ("Declined: sentence or legal"), never the note.
        group = (
            ReferralTransition.objects.filter(referral=referral, reason__isnull=False)
            .order_by("-at", "-id")
            .values_list("reason__group", flat=True)
            .first()
        )
        detail = f"Declined: {ReasonCode.Group(group or ReasonCode.Group.OTHER).label.lower()}"
    notify(
        kind, [referral.referred_by_id], reference=referral.reference, path=referral_path(referral.pk), detail=detail
    )


def concern_recorded(session: Session, *, by: User) -> None:
    """A concern at a session: the referrer and the assigned liaison, at once."""
    referral = session.referral
    recipients = {referral.referred_by_id, referral.assigned_liaison_id} - {None, by.pk}
    notify(
        Kind.SESSION_CONCERN,
        [pk for pk in recipients if pk is not None],
        reference=referral.reference,
        path=referral_path(referral.pk, "#sessions"),
    )


def import_gatherer() -> Gatherer:
    """For an import: one email for each handling organisation's liaisons, not one a row."""
    return Gatherer(
        kinds=frozenset({Kind.REFERRAL_SUBMITTED}),
        summary_noun="referrals",
        summary_path=reverse("interventions:referrals") + "?status=submitted",
    )


def waiting_since_cutoff(today: date) -> datetime:
    """Referrals submitted before this moment have waited 10 working days by `today`."""
    day = add_working_days(today, -NOT_ACCEPTED_AFTER_WORKING_DAYS) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time.min))


def remind_not_accepted(slot: datetime) -> str:
    """Remind the handling organisation's liaisons of each referral still waiting
    after 10 working days: once for each referral, however often this runs."""
    today = timezone.localdate(slot)
    waiting = Referral.objects.filter(
        status=Status.SUBMITTED, submitted_at__lt=waiting_since_cutoff(today)
    ).values_list("pk", "handling_organisation_id")
    liaisons: dict[int, list[int]] = {}
    queued = 0
    for pk, organisation_id in waiting.order_by("submitted_at", "pk"):
        if organisation_id not in liaisons:
            liaisons[organisation_id] = list(liaisons_of(organisation_id).values_list("pk", flat=True))
        reference = Referral(pk=pk).reference
        queued += len(
            notify(
                Kind.REFERRAL_NOT_ACCEPTED,
                liaisons[organisation_id],
                reference=reference,
                path=referral_path(pk),
                key=f"not-accepted:{pk}",
            )
        )
    return f"Queued {queued} reminder(s) of referrals waiting {NOT_ACCEPTED_AFTER_WORKING_DAYS} working days."


def overdue_follow_ups(officers: Sequence[User], monday: date) -> dict[int, list[digest.Entry]]:
    """12-month follow-ups of the officers' referrals, overdue: one query."""
    from .models import FollowUp

    rows = (
        FollowUp.objects.filter(referral__referred_by__in=officers, result="", due__lt=monday)
        .values_list("referral__referred_by_id", "referral_id")
        .order_by("due", "id")
    )
    found: dict[int, list[digest.Entry]] = {}
    for user_id, referral_id in rows:
        found.setdefault(user_id, []).append(
            digest.Entry(Referral(pk=referral_id).reference, referral_path(referral_id, "#follow-up"))
        )
    return found


def register() -> None:
    from tracker.core import schedule

    schedule.register(
        schedule.Duty(
            name="referrals-not-accepted",
            every=timedelta(days=1),
            offset=timedelta(hours=7, minutes=30),
            run=remind_not_accepted,
            description="Remind liaisons of referrals waiting 10 working days to be accepted or declined.",
        )
    )
    digest.register(digest.Section("12-month follow-ups overdue", overdue_follow_ups, order=40))
