# The strand's fixtures are imported from tests/partners; tests name them as parameters.
# ruff: noqa: F811
"""Who may do what on the partnership endpoints, and that each list costs the same
number of queries whatever its length."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from partners import services
from tests.api.partners_fixtures import (  # noqa: F401 - fixtures
    lists,
    make_engagement,
    make_group,
    make_partnership,
    make_venue,
)

pytestmark = pytest.mark.django_db

RESOURCES = ("community-groups", "venues", "partnerships", "engagements")
ACTIONS = {
    "community-groups": ("add-contact", "remove-contact"),
    "venues": (),
    "partnerships": ("mark-engaged", "sign-up", "activate", "lapse", "withdraw", "set-commitments"),
    "engagements": ("set-materials", "add-follow-up", "complete-follow-up", "reopen-follow-up"),
}
# Group contacts are personal data: the strand (and so every answer holding a
# contact) is for officers and administrators only.
MAY_USE = {"officer": True, "admin_user": True, "liaison": False, "liaison2": False, "board": False}


@pytest.fixture
def records(
    make_group: Callable[..., Any], make_partnership: Callable[..., Any], make_engagement: Callable[..., Any]
) -> dict[str, Any]:
    group = make_group()
    partnership = make_partnership("prospect")
    engagement = make_engagement(groups=[group])
    return {
        "community-groups": group, "venues": partnership.venue, "partnerships": partnership,
        "engagements": engagement,
    }  # fmt: skip


def api_for(user: Any | None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def test_the_matrix_covers_every_partners_operation(client: Any, officer: Any) -> None:
    client.force_login(officer)
    paths = client.get("/api/schema/?format=json").json()["paths"]
    ours = {p for p in paths if p.split("/")[3] in RESOURCES}
    assert {f"/api/v1/{name}/" for name in LISTS} <= set(paths)
    expected = {f"/api/v1/{r}/" for r in RESOURCES} | {f"/api/v1/{r}/{{id}}/" for r in RESOURCES}
    expected |= {f"/api/v1/{r}/{{id}}/{a}/" for r, actions in ACTIONS.items() for a in actions}
    assert ours == expected


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("role", [*MAY_USE, "anonymous"])
def test_reading(request: Any, records: dict[str, Any], resource: str, role: str) -> None:
    user = None if role == "anonymous" else request.getfixturevalue(role)
    api = api_for(user)
    record = records[resource]
    listing = api.get(f"/api/v1/{resource}/")
    detail = api.get(f"/api/v1/{resource}/{record.pk}/")
    if user is None:
        assert (listing.status_code, detail.status_code) == (401, 401)
    elif MAY_USE[role]:
        assert (listing.status_code, detail.status_code) == (200, 200)
        assert listing.json()["count"] >= 1
        assert detail.json()["version"] == record.version
        assert api.get(f"/api/v1/{resource}/999999/").status_code == 404
    else:
        assert (listing.status_code, detail.status_code) == (403, 403)


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("role", [*MAY_USE, "anonymous"])
def test_writing(request: Any, records: dict[str, Any], resource: str, role: str) -> None:
    user = None if role == "anonymous" else request.getfixturevalue(role)
    api = api_for(user)
    record = records[resource]
    answers = [
        api.post(f"/api/v1/{resource}/", {}, format="json"),
        api.patch(f"/api/v1/{resource}/{record.pk}/", {"version": record.version}, format="json"),
        *(api.post(f"/api/v1/{resource}/{record.pk}/{a}/", {}, format="json") for a in ACTIONS[resource]),
    ]
    codes = [a.status_code for a in answers]
    if user is None:
        assert set(codes) == {401}
    elif MAY_USE[role]:
        # Allowed through: an empty body is a 400, the version-only PATCH a 200.
        assert codes[0] == 400 and codes[1] == 200 and set(codes[2:]) <= {400}, codes
    else:
        assert set(codes) == {403}
    assert api.delete(f"/api/v1/{resource}/{record.pk}/").status_code in {401, 403, 405}


# Queries for every list: the page count and the page itself, plus
#   community-groups: contacts (one prefetch)
#   venues: none (area joined, open partnership as subqueries)
#   partnerships: commitments with their types (one prefetch)
#   engagements: groups, venues, materials, follow-ups (four prefetches)
# (force_authenticate: no session or token lookups).
MAX_QUERIES = {"community-groups": 3, "venues": 2, "partnerships": 3, "engagements": 6}


def _build(
    size: int,
    officer: Any,
    make_group: Callable[..., Any],
    make_partnership: Callable[..., Any],
    make_engagement: Callable[..., Any],
    lists: dict[str, Any],
) -> None:
    material = next(iter(lists["materials"].values()))
    commitment = next(c for c in lists["commitments"].values() if not c.needs_training_date)
    for _ in range(size):
        group = make_group()
        services.add_contact(group, by=officer, expected_version=group.version, name="Ann Example")
        partnership = make_partnership("signed_up")
        services.set_commitments(
            partnership,
            by=officer,
            expected_version=partnership.version,
            confirmed={commitment: (partnership.started_on, "", None)},
        )
        engagement = make_engagement(groups=[group], venues=[partnership.venue])
        services.set_materials(engagement, by=officer, expected_version=engagement.version, quantities={material: 5})
        services.add_follow_up(
            engagement,
            by=officer,
            expected_version=engagement.version,
            description="Call back",
            owner=officer,
            due_on=timezone.localdate(engagement.starts_at),  # not before the engagement
        )


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("resource", RESOURCES)
def test_each_list_costs_the_same_queries_at_any_size(
    size: int,
    resource: str,
    officer: Any,
    make_group: Callable[..., Any],
    make_partnership: Callable[..., Any],
    make_engagement: Callable[..., Any],
    lists: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    _build(size, officer, make_group, make_partnership, make_engagement, lists)
    api = api_for(officer)
    with django_assert_max_num_queries(MAX_QUERIES[resource]):
        response = api.get(f"/api/v1/{resource}/")
    assert response.json()["count"] == size


LISTS = ("engagement-kinds", "campaign-materials", "commitment-types", "end-reasons")


@pytest.mark.parametrize("resource", LISTS)
@pytest.mark.parametrize("role", [*MAY_USE, "anonymous"])
def test_managed_lists_are_read_only_for_the_strands_users(
    request: Any, lists: Any, resource: str, role: str, django_assert_max_num_queries: Any
) -> None:
    user = None if role == "anonymous" else request.getfixturevalue(role)
    api = api_for(user)
    # 1 count, 2 page (force_authenticate: no session or user queries)
    with django_assert_max_num_queries(2):
        listing = api.get(f"/api/v1/{resource}/")
    if user is None:
        assert listing.status_code == 401
    elif MAY_USE[role]:
        assert listing.status_code == 200
        first = listing.json()["results"][0]
        assert {"id", "name", "active"} <= first.keys()
        assert api.get(f"/api/v1/{resource}/{first['id']}/").json()["name"] == first["name"]
    else:
        assert listing.status_code == 403
    assert api.post(f"/api/v1/{resource}/", {"name": "x"}, format="json").status_code in {401, 403, 405}
