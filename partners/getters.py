"""Permission-checked getters: a record the user may not see is a 404."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404

from partners.models import CommunityGroup, Engagement, FollowUpAction, Partnership, Venue
from tracker.core.models import User


def _get(queryset: QuerySet[Any], pk: int) -> Any:
    # The scoped querysets are QuerySet[Any]: the getters say which model they return.
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist as error:
        raise Http404(f"No {queryset.model._meta.verbose_name} found") from error


def get_group_for(user: User, pk: int) -> CommunityGroup:
    return cast(CommunityGroup, _get(CommunityGroup.objects.visible_to(user).select_related("area"), pk))


def get_venue_for(user: User, pk: int) -> Venue:
    return cast(Venue, _get(Venue.objects.visible_to(user).select_related("area"), pk))


def get_partnership_for(user: User, pk: int) -> Partnership:
    return cast(
        Partnership,
        _get(Partnership.objects.visible_to(user).select_related("venue__area", "lead_officer", "end_reason"), pk),
    )


def get_engagement_for(user: User, pk: int) -> Engagement:
    return cast(
        Engagement, _get(Engagement.objects.visible_to(user).select_related("kind", "lead_officer", "area"), pk)
    )


def get_follow_up_for(user: User, pk: int) -> FollowUpAction:
    return cast(FollowUpAction, _get(FollowUpAction.objects.visible_to(user).select_related("engagement", "owner"), pk))
