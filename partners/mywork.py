"""The partnership strand's part of My work: follow-ups, reviews and this week's engagements."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from partners.models import Engagement, FollowUpAction, Partnership
from partners.querysets import EngagementQuerySet, FollowUpQuerySet, PartnershipQuerySet
from tracker.core.models import User
from tracker.core.mywork import WorkItem, WorkSection

FOLLOW_UP_WINDOW = timedelta(days=7)
REVIEW_WINDOW_DAYS = 30


def this_week(today: date) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00, local time."""
    monday = today - timedelta(days=today.weekday())
    start = timezone.make_aware(datetime.combine(monday, time.min))
    return start, timezone.make_aware(datetime.combine(monday + timedelta(days=7), time.min))


def _follow_ups(user: User, today: date) -> FollowUpQuerySet:
    return FollowUpAction.objects.visible_to(user).filter(
        owner=user, done_on=None, due_on__lte=today + FOLLOW_UP_WINDOW
    )


def _reviews(user: User, today: date) -> PartnershipQuerySet:
    return (
        Partnership.objects.visible_to(user)
        .filter(lead_officer=user)
        .reviews_due(today, within_days=REVIEW_WINDOW_DAYS)
    )


def _engagements(user: User, today: date) -> EngagementQuerySet:
    start, end = this_week(today)
    return Engagement.objects.visible_to(user).filter(lead_officer=user, starts_at__gte=start, starts_at__lt=end)


def sections(user: User) -> list[WorkSection]:
    today = timezone.localdate()
    follow_ups = (
        _follow_ups(user, today).with_overdue(today).select_related("engagement__kind").order_by("due_on", "id")
    )
    reviews = _reviews(user, today).with_review_overdue(today).select_related("venue").order_by("next_review_on", "id")
    engagements = _engagements(user, today).select_related("kind", "area").order_by("starts_at", "id")
    return [
        WorkSection(
            "Follow-up actions due within 7 days or overdue",
            [
                WorkItem(
                    label=a.description,
                    url=reverse("partners:engagement-detail", args=[a.engagement_id]),
                    due=a.due_on,
                    overdue=a.overdue,
                    detail=f"From {a.engagement}",
                )
                for a in follow_ups
            ],
            "No follow-up actions due.",
        ),
        WorkSection(
            "Partnership reviews due within 30 days or overdue",
            [
                WorkItem(
                    label=f"Review partnership with {p.venue}",
                    url=reverse("partners:partnership-detail", args=[p.pk]),
                    due=p.next_review_on,
                    overdue=p.review_overdue,
                    detail=p.get_status_display(),
                )
                for p in reviews
            ],
            "No partnership reviews due.",
        ),
        WorkSection(
            "Engagements you lead this week",
            [
                WorkItem(
                    label=str(e),
                    url=reverse("partners:engagement-detail", args=[e.pk]),
                    due=timezone.localtime(e.starts_at).date(),
                    detail=f"{timezone.localtime(e.starts_at):%H:%M}, {e.area}",
                )
                for e in engagements
            ],
            "No engagements this week.",
        ),
    ]


def count(user: User) -> int:
    """Items due or overdue, for the navigation badge: three COUNT queries."""
    today = timezone.localdate()
    return sum(q.count() for q in (_follow_ups(user, today), _reviews(user, today), _engagements(user, today)))
