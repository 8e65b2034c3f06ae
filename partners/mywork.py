"""The partnership strand's part of My work: follow-ups, reviews and this week's engagements."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from partners.models import CommunityGroup, Engagement, FollowUpAction, Partnership, Venue
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


def _with_whom(prefix: str) -> list[Prefetch[Any]]:
    """The groups and venues an engagement was with: two queries for the whole list."""
    return [
        Prefetch(f"{prefix}groups", queryset=CommunityGroup.objects.only("id", "name").order_by("name")),
        Prefetch(f"{prefix}venues", queryset=Venue.objects.order_by("name")),
    ]


def with_whom(engagement: Engagement) -> str:
    """ "Hereford Faith Forum and The Plough, Leominster": what the engagement was with."""
    names = [str(g) for g in engagement.groups.all()] + [str(v) for v in engagement.venues.all()]
    if len(names) > 3:
        names = [*names[:2], f"{len(names) - 2} more"]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def _engagement_name(engagement: Engagement) -> str:
    whom = with_whom(engagement)
    when = timezone.localtime(engagement.starts_at)
    return f"{engagement.kind} with {whom}, {when.day} {when:%b %Y}" if whom else str(engagement)


def sections(user: User) -> list[WorkSection]:
    today = timezone.localdate()
    follow_ups = (
        _follow_ups(user, today)
        .with_overdue(today)
        .select_related("engagement__kind")
        .prefetch_related(*_with_whom("engagement__"))
        .order_by("due_on", "id")
    )
    reviews = _reviews(user, today).with_review_overdue(today).select_related("venue").order_by("next_review_on", "id")
    engagements = (
        _engagements(user, today)
        .select_related("kind", "area")
        .prefetch_related(*_with_whom(""))
        .order_by("starts_at", "id")
    )
    return [
        WorkSection(
            "Follow-up actions due within 7 days or overdue",
            [
                WorkItem(
                    label=a.description,
                    url=reverse("partners:engagement-detail", args=[a.engagement_id]),
                    due=a.due_on,
                    overdue=a.overdue,
                    detail=f"From: {_engagement_name(a.engagement)}",
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
                    label=f"{e.kind} with {with_whom(e)}" if with_whom(e) else str(e.kind),
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
