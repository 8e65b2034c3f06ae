"""The strand's part of My work.

Liaisons: referrals submitted to their organisation and waiting for acceptance, and
open referrals nobody is assigned to. A referral waiting more than 7 calendar days
is marked overdue (kept deliberately simple: calendar days, no bank holidays).
Referrers: concerns raised in sessions of their referrals not yet acknowledged,
and 12-month follow-ups due within the next 30 days or overdue."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from tracker.core.access_log import consulted
from tracker.core.models import AccessLog, User
from tracker.core.mywork import WorkItem, WorkSection

from .models import FollowUp, Referral, Session

WAITING_TOO_LONG = timedelta(days=7)
FOLLOW_UP_NOTICE = timedelta(days=30)
LIMIT = 50


def _handled(user: User) -> QuerySet[Referral]:
    return Referral.objects.visible_to(user).filter(handling_organisation_id=user.organisation_id)


def waiting(user: User) -> QuerySet[Referral]:
    cutoff = timezone.now() - WAITING_TOO_LONG
    return (
        _handled(user)
        .filter(status="submitted")
        .annotate(
            overdue=Case(
                When(submitted_at__lt=cutoff, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .select_related("offender", "programme")
        .order_by("submitted_at", "id")
    )


def unassigned(user: User) -> QuerySet[Referral]:
    return (
        _handled(user)
        .filter(status__in=["accepted", "started"], assigned_liaison=None)
        .select_related("offender", "programme")
        .order_by("accepted_at", "id")
    )


def concerns(user: User) -> QuerySet[Session]:
    referrals = Referral.objects.visible_to(user).filter(referred_by=user)
    return (
        Session.objects.filter(referral__in=referrals, concern=True, concern_acknowledged_at=None)
        .select_related("referral__offender")
        .order_by("scheduled_on", "id")
    )


def follow_ups(user: User) -> QuerySet[FollowUp]:
    today = timezone.localdate()
    referrals = Referral.objects.visible_to(user).filter(referred_by=user)
    return (
        FollowUp.objects.filter(referral__in=referrals, result="", due__lte=today + FOLLOW_UP_NOTICE)
        .annotate(overdue=Q(due__lt=today))
        .select_related("referral__offender")
        .order_by("due", "id")
    )


def _referral_url(pk: int, anchor: str = "") -> str:
    return reverse("interventions:referral", args=[pk]) + anchor


def sections(user: User) -> list[WorkSection]:
    """The items; every person named is marked for the page's access-log row."""
    result: list[WorkSection] = []
    shown: list[Any] = []
    if user.is_probation_liaison:
        result.append(
            WorkSection(
                "Referrals waiting for acceptance",
                [
                    WorkItem(
                        f"{r.reference}: {r.offender.full_name}",
                        _referral_url(r.pk),
                        due=timezone.localdate(r.submitted_at + WAITING_TOO_LONG) if r.submitted_at else None,
                        overdue=r.overdue,
                        detail=f"{r.programme}, submitted {timezone.localdate(r.submitted_at):%d %b %Y}"
                        if r.submitted_at
                        else str(r.programme),
                    )
                    for r in _note(shown, waiting(user)[:LIMIT])
                ],
                "No referrals are waiting.",
            )
        )
        result.append(
            WorkSection(
                "Open referrals nobody is assigned to",
                [
                    WorkItem(f"{r.reference}: {r.offender.full_name}", _referral_url(r.pk), detail=str(r.programme))
                    for r in _note(shown, unassigned(user)[:LIMIT])
                ],
                "Every open referral has a liaison.",
            )
        )
    if user.is_partnership_officer or user.is_probation_liaison or user.is_administrator:
        result.append(
            WorkSection(
                "Concerns raised in sessions",
                [
                    WorkItem(
                        f"{s.referral.reference}: {s.referral.offender.full_name}",
                        _referral_url(s.referral_id, "#sessions"),
                        due=s.scheduled_on,
                        detail=s.concern_note[:120],
                    )
                    for s in _note(shown, concerns(user)[:LIMIT], "referral")
                ],
                "No concerns waiting for you.",
            )
        )
        result.append(
            WorkSection(
                "12-month follow-ups due",
                [
                    WorkItem(
                        f"{f.referral.reference}: {f.referral.offender.full_name}",
                        _referral_url(f.referral_id, "#follow-up"),
                        due=f.due,
                        overdue=f.overdue,
                        detail="Has the person been charged with another assault on an emergency worker?",
                    )
                    for f in _note(shown, follow_ups(user)[:LIMIT], "referral")
                ],
                "No follow-ups due.",
            )
        )
    consulted(shown, action=AccessLog.Action.LIST)
    return result


def _note(shown: list[Any], rows: Iterable[Any], attribute: str = "") -> list[Any]:
    """The rows, remembering the referrals they name for the access log."""
    rows = list(rows)
    shown.extend(getattr(row, attribute) if attribute else row for row in rows)
    return rows


def count(user: User) -> int:
    """Items that need acting on now: overdue waiting referrals, concerns and
    follow-ups already due. One COUNT query each."""
    total = 0
    if user.is_probation_liaison:
        total += waiting(user).filter(submitted_at__lt=timezone.now() - WAITING_TOO_LONG).count()
    total += concerns(user).count()
    total += follow_ups(user).filter(due__lte=timezone.localdate()).count()
    return total
