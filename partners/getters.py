"""Permission-checked getters: a record the user may not see is a 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from partners.models import CommunityGroup, Engagement, FollowUpAction, Partnership, Venue
from tracker.core.models import User


def _get(queryset: QuerySet[Any], pk: int) -> Any:
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist as error:
        raise Http404(f"No {queryset.model._meta.verbose_name} found") from error


def get_group_for(user: User, pk: int) -> CommunityGroup:
    return _get(CommunityGroup.objects.visible_to(user).select_related("area"), pk)


def get_venue_for(user: User, pk: int) -> Venue:
    return _get(Venue.objects.visible_to(user).select_related("area"), pk)


def get_partnership_for(user: User, pk: int) -> Partnership:
    return _get(Partnership.objects.visible_to(user).select_related("venue__area", "lead_officer", "end_reason"), pk)


def get_engagement_for(user: User, pk: int) -> Engagement:
    return _get(Engagement.objects.visible_to(user).select_related("kind", "lead_officer", "area"), pk)


def get_follow_up_for(user: User, pk: int) -> FollowUpAction:
    return _get(FollowUpAction.objects.visible_to(user).select_related("engagement", "owner"), pk)
