"""Search endpoints for the pickers of groups and venues (tracker/core/pickers.py):
a page of matches among the records the user may see, in name order."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from partners.models import CommunityGroup, Venue
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.permissions import PARTNERS, roles_required
from tracker.core.pickers import PAGE_SIZE, clean_query, search_response


def group_label(group: CommunityGroup) -> str:
    return group.name if group.active else f"{group.name} (no longer active)"


def venue_label(venue: Venue) -> str:
    return venue.picker_label


def search_groups(queryset: QuerySet[Any], text: str) -> QuerySet[Any]:
    """Each word typed is part of the group's name."""
    for word in clean_query(text).split()[:5]:
        queryset = queryset.filter(name__icontains=word)
    return queryset


def search_venues(queryset: QuerySet[Any], text: str) -> QuerySet[Any]:
    """Each word typed is part of the name or address (so the town), the start of
    the postcode or of the licence number."""
    for word in clean_query(text).split()[:5]:
        queryset = queryset.filter(
            Q(name__icontains=word)
            | Q(address__icontains=word)
            | Q(postcode__istartswith=word)
            | Q(licence_number__istartswith=word)
        )
    return queryset


@require_GET
@roles_required(PARTNERS)
def groups(request: AuthenticatedHttpRequest) -> HttpResponse:
    text = clean_query(request.GET.get("q", ""))
    visible = CommunityGroup.objects.visible_to(request.user)
    found = search_groups(visible, text) if text else visible.none()
    page = list(found.only("id", "name", "active").order_by("name", "id")[: PAGE_SIZE + 1])
    return search_response(page, group_label)


@require_GET
@roles_required(PARTNERS)
def venues(request: AuthenticatedHttpRequest) -> HttpResponse:
    text = clean_query(request.GET.get("q", ""))
    found = search_venues(Venue.objects.visible_to(request.user), text) if text else Venue.objects.none()
    fields = ("id", "name", "address", "postcode", "licence_number")
    page = list(found.only(*fields).order_by("name", "licence_number")[: PAGE_SIZE + 1])
    return search_response(page, venue_label)
