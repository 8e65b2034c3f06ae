"""A number too big for the database, in any filter, page number or path id, is a
field error on the page, a 400 from the API or a 404 — never a 500.

SQLite raises OverflowError for integers beyond 64 bits and PostgreSQL a DataError,
so each walk below covers every filter of every list (the pages and the API), and every
URL with a record id in its path, with such a number."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import django_filters
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from rest_framework.test import APIClient

from tracker.api_urls import router
from tracker.core.filters import FilterSet, IntegerFilter
from tracker.core.lists import FilteredListView

pytestmark = pytest.mark.django_db
HUGE = "9223372036854775808"  # 2**63: one more than the largest 64-bit integer
HUGER = "99999999999999999999"
NUMBERS = [HUGE, HUGER, "-" + HUGE, "1e30", "1.5"]

API_LISTS = [(f"/api/v1/{prefix}/", viewset) for prefix, viewset, _ in router.registry]
API_FILTERED = [
    (url, viewset.filterset_class) for url, viewset in API_LISTS if getattr(viewset, "filterset_class", None)
]


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for entry in patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # the admin site and the router's format suffixes
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield "/" + route, entry.callback


ROUTES = list(_routes(get_resolver().url_patterns))
UI_LISTS = [
    (route, callback.view_class.filterset_class)
    for route, callback in ROUTES
    if issubclass(getattr(callback, "view_class", object), FilteredListView)
]
PATHS_WITH_IDS = [route for route, _ in ROUTES if "<int:" in route]


def _params(filterset: type[django_filters.FilterSet]) -> list[str]:
    return [*filterset.base_filters, "page"]


def test_the_walks_cover_the_lists() -> None:
    # A walk that silently finds nothing would pass; these lists exist today.
    assert {route for route, _ in UI_LISTS} >= {
        "/interventions/",
        "/interventions/offenders/",
        "/interventions/programmes/",
        "/partners/groups/",
        "/partners/venues/",
        "/partners/partnerships/",
        "/partners/engagements/",
        "/reports/issued/",
    }
    assert {"/api/v1/referrals/", "/api/v1/sessions/", "/api/v1/engagements/", "/api/v1/outcomes/"} <= {
        url for url, _ in API_FILTERED
    }
    assert "/interventions/referrals/<int:pk>/" in PATHS_WITH_IDS


@pytest.mark.parametrize("filterset", sorted({f for _, f in UI_LISTS + API_FILTERED}, key=str))
def test_every_filterset_takes_whole_numbers_only_through_bounded_filters(filterset: Any) -> None:
    assert issubclass(filterset, FilterSet)
    for name, field in filterset.base_filters.items():
        if isinstance(field, django_filters.NumberFilter):
            assert isinstance(field, IntegerFilter), f"{filterset.__name__}.{name} accepts any number"


@pytest.mark.parametrize(("url", "filterset"), API_FILTERED, ids=[url for url, _ in API_FILTERED])
def test_api_lists_answer_a_huge_number_in_any_filter_with_a_400_or_404(
    url: str, filterset: Any, admin_user: Any
) -> None:
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(admin_user)
    for name in [*_params(filterset), "page_size"]:
        for number in NUMBERS:
            response = api.get(url, {name: number})
            assert response.status_code < 500, (name, number, response.status_code)
            assert response["Content-Type"] == "application/json"
            if isinstance(filterset.base_filters.get(name), IntegerFilter):
                assert response.status_code == 400, (name, number)
                assert "whole number" in str(response.json()[name])


def test_the_api_names_the_filter_and_says_what_to_enter(admin_user: Any) -> None:
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(admin_user)
    response = api.get("/api/v1/sessions/", {"referral": HUGE})
    assert response.status_code == 400
    assert response.json()["referral"] == ["Enter the referral as a whole number from 1 to 9223372036854775807"]


@pytest.mark.parametrize(("url", "filterset"), UI_LISTS, ids=[url for url, _ in UI_LISTS])
def test_list_pages_show_a_field_error_for_a_huge_number_in_any_filter(
    url: str, filterset: Any, admin_user: Any
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    for name in _params(filterset):
        for number in (HUGE, "1e30"):
            response = client.get(url, {name: number})
            assert response.status_code in {200, 404}, (name, number, response.status_code)
        # An export of an invalid filter is empty, not a failure.
        assert client.get(url, {name: HUGE, "export": "csv"}).status_code == 200, (name, "export")


def test_the_engagement_list_says_what_is_wrong_with_the_venue(officer: Any) -> None:
    """The venue filter is a picker: a huge id is refused as any unknown venue is."""
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    huge = client.get("/partners/engagements/", {"venue": HUGE})
    unknown = client.get("/partners/engagements/", {"venue": "999"})
    assert huge.status_code == unknown.status_code == 200
    assert "Choose a venue from the search results" in huge.content.decode()
    assert "Choose a venue from the search results" in unknown.content.decode()


@pytest.mark.parametrize("route", PATHS_WITH_IDS)
def test_a_huge_id_in_a_path_is_not_found(route: str, admin_user: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    url = re.sub(r"<int:\w+>", HUGER, route)
    url = re.sub(r"<(?:\w+:)?\w+>", "sample", url)
    response = client.get(url)
    assert response.status_code in {404, 405}, (url, response.status_code)


@pytest.mark.parametrize(("url", "viewset"), API_LISTS, ids=[url for url, _ in API_LISTS])
def test_a_huge_id_in_an_api_path_is_not_found(url: str, viewset: Any, admin_user: Any) -> None:
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(admin_user)
    for method in ("get", "patch", "delete"):
        response = getattr(api, method)(f"{url}{HUGER}/", {}, format="json")
        assert response.status_code in {404, 405}, (method, response.status_code)
