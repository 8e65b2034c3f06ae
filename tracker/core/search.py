"""Search endpoints of core's own records, for the pickers (tracker/core/pickers.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.models import User
from tracker.core.permissions import PARTNERS, roles_required
from tracker.core.pickers import PAGE_SIZE, clean_query, search_response

# People who can lead partnership work or own a follow-up.
PARTNERSHIP_OFFICER = (Q(is_partnership_officer=True) | Q(is_administrator=True)) & Q(is_active=True)


def partnership_officers() -> QuerySet[User]:
    return User.objects.filter(PARTNERSHIP_OFFICER)


def officer_label(user: User) -> str:
    name = user.get_full_name() or user.get_username()
    return f"{name}, {user.organisation}" if user.organisation_id else name


def search_users(queryset: QuerySet[Any], text: str) -> QuerySet[Any]:
    """Each word typed matches the start of a first name, last name or username."""
    for word in clean_query(text).split()[:5]:
        queryset = queryset.filter(
            Q(first_name__istartswith=word) | Q(last_name__istartswith=word) | Q(username__istartswith=word)
        )
    return queryset


@require_GET
@roles_required(PARTNERS)
def officers(request: AuthenticatedHttpRequest) -> HttpResponse:
    text = clean_query(request.GET.get("q", ""))
    found = search_users(partnership_officers(), text) if text else User.objects.none()
    page = list(found.select_related("organisation").order_by("last_name", "first_name", "id")[: PAGE_SIZE + 1])
    return search_response(page, officer_label)
