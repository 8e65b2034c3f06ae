"""Read paths of the partnership strand. Every page, export, count and (later) API
answer starts from `visible_to(user)`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import BooleanField, Case, Q, Value, When

from tracker.core.permissions import PARTNERS

if TYPE_CHECKING:
    from tracker.core.models import User


def can_use_partners(user: User) -> bool:
    return bool(user.is_authenticated and user.has_role(*PARTNERS))


class ScopedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: User) -> Self:
        """The strand's records are shared by every officer and administrator, and
        hidden from everyone else (liaisons and board members see figures only)."""
        return self if can_use_partners(user) else self.none()


class CommunityGroupQuerySet(ScopedQuerySet):
    pass


class VenueQuerySet(ScopedQuerySet):
    pass


class PartnershipQuerySet(ScopedQuerySet):
    def open(self) -> Self:
        return self.exclude(status__in=["lapsed", "withdrawn"])

    def with_review_overdue(self, today: date) -> Self:
        return self.annotate(
            review_overdue=Case(
                When(Q(next_review_on__lt=today) & ~Q(status__in=["lapsed", "withdrawn"]), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )

    def reviews_due(self, today: date, *, within_days: int = 30) -> Self:
        """Open partnerships whose review is overdue or falls within `within_days`."""
        return self.open().filter(next_review_on__lte=today + timedelta(days=within_days))


class EngagementQuerySet(ScopedQuerySet):
    pass


class FollowUpQuerySet(ScopedQuerySet):
    def outstanding(self) -> Self:
        return self.filter(done_on=None)

    def with_overdue(self, today: date) -> Self:
        return self.annotate(
            overdue=Case(
                When(done_on=None, due_on__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
