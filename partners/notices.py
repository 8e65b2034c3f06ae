"""The partnership strand's lines in the weekly digest (tracker.notifications.digest):
for every officer at once, one query a section, the same rules as My work
(partners/mywork.py). Records are named by number ("Engagement 12"), never by the
group, venue or person they are about."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.urls import reverse

from tracker.core.models import User
from tracker.notifications import digest

from .models import Engagement, FollowUpAction, Partnership
from .mywork import this_week

REVIEW_WINDOW_DAYS = 14


def _grouped(rows: Iterable[tuple[int, int]], noun: str, url_name: str) -> dict[int, list[digest.Entry]]:
    found: dict[int, list[digest.Entry]] = {}
    for user_id, pk in rows:
        found.setdefault(user_id, []).append(digest.Entry(f"{noun} {pk}", reverse(url_name, args=[pk])))
    return found


def follow_ups_overdue(officers: Sequence[User], monday: date) -> dict[int, list[digest.Entry]]:
    rows = (
        FollowUpAction.objects.outstanding()
        .with_overdue(monday)
        .filter(owner__in=officers, overdue=True)
        .order_by("due_on", "id")
        .values_list("owner_id", "engagement_id")
    )
    return _grouped(rows, "Engagement", "partners:engagement-detail")


def reviews_due(officers: Sequence[User], monday: date) -> dict[int, list[digest.Entry]]:
    rows = (
        Partnership.objects.filter(lead_officer__in=officers)
        .reviews_due(monday, within_days=REVIEW_WINDOW_DAYS)
        .order_by("next_review_on", "id")
        .values_list("lead_officer_id", "id")
    )
    return _grouped(rows, "Partnership", "partners:partnership-detail")


def engagements_this_week(officers: Sequence[User], monday: date) -> dict[int, list[digest.Entry]]:
    start, end = this_week(monday)
    rows = (
        Engagement.objects.filter(lead_officer__in=officers, starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at", "id")
        .values_list("lead_officer_id", "id")
    )
    return _grouped(rows, "Engagement", "partners:engagement-detail")


def register() -> None:
    digest.register(digest.Section("Follow-up actions overdue", follow_ups_overdue, order=10))
    digest.register(
        digest.Section(f"Partnership reviews due within {REVIEW_WINDOW_DAYS} days or overdue", reviews_due, order=20)
    )
    digest.register(digest.Section("Engagements you lead this week", engagements_this_week, order=30))
