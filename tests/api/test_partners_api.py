# The strand's fixtures are imported from tests/partners; tests name them as parameters.
# ruff: noqa: F811
"""The partnership endpoints do what the pages do, through the same services:
create, edit with a version, lifecycle moves, a record's parts, filters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from partners.models import CommunityGroup, Engagement, Partnership, PartnershipTransition, Venue
from tests.api.partners_fixtures import (  # noqa: F401 - fixtures
    lists,
    make_engagement,
    make_group,
    make_partnership,
    make_venue,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today() -> Any:
    with time_machine.travel(date(2026, 6, 1), tick=False):
        yield


def client_for(user: Any) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def venue_body(areas: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "licence_number": "PL/2026/0001", "name": "The Crown", "address": "1 High Street, Worcester",
        "postcode": "wr1 2ab", "area": areas["South Worcestershire"].pk, "kind": "pub",
        "latest_licensed_hour": "01:00", **extra,
    }  # fmt: skip


def test_officer_adds_and_edits_a_venue_with_history(officer: Any, areas: dict[str, Any]) -> None:
    api = client_for(officer)
    created = api.post("/api/v1/venues/", venue_body(areas), format="json")
    assert created.status_code == 201, created.json()
    venue = created.json()
    assert (venue["postcode"], venue["latest_licensed_hour"]) == ("WR1 2AB", "01:00")
    assert (venue["version"], venue["open_partnership"]) == (1, None)

    edited = api.patch(f"/api/v1/venues/{venue['id']}/", {"operator": "Crown Inns Ltd", "version": 1}, format="json")
    assert edited.status_code == 200, edited.json()
    assert edited.json()["version"] == 2
    stored = Venue.objects.get(pk=venue["id"])
    assert stored.operator == "Crown Inns Ltd"
    assert stored.history.first().history_user == officer


def test_stale_edit_answers_409_with_the_current_version(officer: Any, make_venue: Callable[..., Venue]) -> None:
    venue = make_venue()
    api = client_for(officer)
    assert api.patch(f"/api/v1/venues/{venue.pk}/", {"name": "First", "version": 1}, format="json").status_code == 200
    stale = api.patch(f"/api/v1/venues/{venue.pk}/", {"name": "Second", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert Venue.objects.get(pk=venue.pk).name == "First"


def test_patch_without_version_is_a_400(officer: Any, make_venue: Callable[..., Venue]) -> None:
    venue = make_venue()
    response = client_for(officer).patch(f"/api/v1/venues/{venue.pk}/", {"name": "X"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"name": "The\x00Crown"}, "name"),
        ({"postcode": "NOT A POSTCODE"}, "postcode"),
        ({"area": 999999}, "area"),
        ({"kind": "spaceship"}, "kind"),
        ({"latest_licensed_hour": "25:99"}, "latest_licensed_hour"),
        ({"name": "x" * 5000}, "name"),
    ],
)
def test_bad_venue_bodies_answer_400_naming_the_field(
    officer: Any, areas: dict[str, Any], extra: dict[str, Any], field: str
) -> None:
    response = client_for(officer).post("/api/v1/venues/", venue_body(areas, **extra), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Venue.objects.exists()


def test_partnership_moves_along_its_lifecycle(
    officer: Any, make_venue: Callable[..., Venue], lists: dict[str, Any]
) -> None:
    api = client_for(officer)
    venue = make_venue()
    started = api.post(
        "/api/v1/partnerships/",
        {"venue": venue.pk, "lead_officer": officer.pk, "started_on": "2026-05-01"},
        format="json",
    )
    assert started.status_code == 201, started.json()
    p = started.json()
    assert (p["status"], p["allowed_moves"]) == ("prospect", ["engaged", "withdrawn"])
    url = f"/api/v1/partnerships/{p['id']}/"

    engaged = api.post(f"{url}mark-engaged/", {"version": p["version"], "on": "2026-05-02"}, format="json")
    assert engaged.status_code == 200, engaged.json()
    signed = api.post(f"{url}sign-up/", {"version": engaged.json()["version"], "on": "2026-05-10"}, format="json")
    assert signed.json()["status"] == "signed_up"
    assert signed.json()["next_review_on"] == "2027-05-10"
    active = api.post(f"{url}activate/", {"version": signed.json()["version"], "note": "Going well"}, format="json")
    assert active.json()["status"] == "active"

    reason = lists["reasons"][next(iter(lists["reasons"]))]
    lapsed = api.post(f"{url}lapse/", {"version": active.json()["version"], "reason": reason.pk}, format="json")
    assert lapsed.status_code == 200, lapsed.json()
    assert (lapsed.json()["status"], lapsed.json()["allowed_moves"], lapsed.json()["ended_on"]) == (
        "lapsed",
        [],
        "2026-06-01",
    )
    moves = PartnershipTransition.objects.filter(partnership_id=p["id"]).order_by("id")
    assert [m.to_status for m in moves] == ["prospect", "engaged", "signed_up", "active", "lapsed"]
    assert {m.by for m in moves} == {officer}


def test_a_wrong_move_answers_409_and_changes_nothing(officer: Any, make_partnership: Callable[..., Any]) -> None:
    partnership = make_partnership("prospect")
    response = client_for(officer).post(
        f"/api/v1/partnerships/{partnership.pk}/activate/", {"version": partnership.version}, format="json"
    )
    assert response.status_code == 409
    assert "cannot be marked active" in response.json()["detail"]
    assert Partnership.objects.get(pk=partnership.pk).status == "prospect"


def test_a_move_with_a_stale_version_answers_409(officer: Any, make_partnership: Callable[..., Any]) -> None:
    partnership = make_partnership("prospect")
    api = client_for(officer)
    url = f"/api/v1/partnerships/{partnership.pk}/"
    api.patch(url, {"next_review_on": "2027-01-01", "version": partnership.version}, format="json")
    response = api.post(f"{url}mark-engaged/", {"version": partnership.version}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "edit_conflict"
    assert Partnership.objects.get(pk=partnership.pk).status == "prospect"


def test_ending_a_partnership_needs_a_reason_and_no_future_date(
    officer: Any, make_partnership: Callable[..., Any]
) -> None:
    partnership = make_partnership("active")
    api = client_for(officer)
    url = f"/api/v1/partnerships/{partnership.pk}/withdraw/"
    assert "reason" in api.post(url, {"version": partnership.version}, format="json").json()
    future = api.post(url, {"version": partnership.version, "on": "2027-01-01", "reason": 1}, format="json")
    assert future.status_code == 400
    assert "on" in future.json()


def test_a_second_open_partnership_for_a_venue_is_refused(officer: Any, make_partnership: Callable[..., Any]) -> None:
    partnership = make_partnership("engaged")
    response = client_for(officer).post(
        "/api/v1/partnerships/", {"venue": partnership.venue_id, "lead_officer": officer.pk}, format="json"
    )
    assert response.status_code == 400
    assert "already has an open partnership" in str(response.json())
    assert Partnership.objects.count() == 1


def test_commitments_are_set_through_the_api(
    officer: Any, make_partnership: Callable[..., Any], lists: dict[str, Any]
) -> None:
    partnership = make_partnership("signed_up")
    plain = next(c for c in lists["commitments"].values() if not c.needs_training_date)
    response = client_for(officer).post(
        f"/api/v1/partnerships/{partnership.pk}/set-commitments/",
        {"version": partnership.version, "commitments": [{"commitment_type": plain.pk, "confirmed_on": "2026-05-01"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert [c["commitment_type_name"] for c in response.json()["commitments"]] == [plain.name]
    assert response.json()["version"] == partnership.version + 1


def test_group_contacts_are_added_and_removed(officer: Any, make_group: Callable[..., CommunityGroup]) -> None:
    group = make_group("St Mary's Church")
    api = client_for(officer)
    url = f"/api/v1/community-groups/{group.pk}/"
    added = api.post(
        f"{url}add-contact/", {"version": 1, "name": "Ann Example", "email": "ann@example.org"}, format="json"
    )
    assert added.status_code == 200, added.json()
    contact = added.json()["contacts"][0]
    assert (contact["name"], contact["email"]) == ("Ann Example", "ann@example.org")
    bad = api.post(f"{url}add-contact/", {"version": 2, "name": "Bob", "email": "not-an-email"}, format="json")
    assert bad.status_code == 400
    removed = api.post(f"{url}remove-contact/", {"version": 2, "contact": contact["id"]}, format="json")
    assert removed.status_code == 200
    assert removed.json()["contacts"] == []
    assert api.get(url).json()["version"] == 3


def test_engagement_with_materials_and_follow_ups(
    officer: Any, areas: dict[str, Any], lists: dict[str, Any], make_group: Callable[..., CommunityGroup]
) -> None:
    api = client_for(officer)
    group = make_group()
    created = api.post(
        "/api/v1/engagements/",
        {
            "starts_at": "2026-05-20T19:00:00+01:00", "kind": lists["kinds"]["Meeting"].pk,
            "lead_officer": officer.pk, "area": areas["Herefordshire"].pk, "groups": [group.pk],
            "attendance": 25, "summary": "Spoke to the congregation",
        },
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    e = created.json()
    url = f"/api/v1/engagements/{e['id']}/"
    material = next(iter(lists["materials"].values()))
    with_materials = api.post(
        f"{url}set-materials/",
        {"version": e["version"], "materials": [{"material": material.pk, "quantity": 40}]},
        format="json",
    ).json()
    assert with_materials["materials"] == [{"material": material.pk, "material_name": material.name, "quantity": 40}]

    followed = api.post(
        f"{url}add-follow-up/",
        {"version": with_materials["version"], "description": "Send posters", "owner": officer.pk,
         "due_on": "2026-06-10"},
        format="json",
    ).json()  # fmt: skip
    follow_up = followed["follow_ups"][0]
    done = api.post(
        f"{url}complete-follow-up/", {"version": followed["version"], "follow_up": follow_up["id"]}, format="json"
    )
    assert done.json()["follow_ups"][0]["done_on"] == "2026-06-01"
    again = api.post(
        f"{url}complete-follow-up/", {"version": done.json()["version"], "follow_up": follow_up["id"]}, format="json"
    )
    assert again.status_code == 409
    assert "already done" in again.json()["detail"]


def test_an_engagement_needs_a_group_or_venue(officer: Any, areas: dict[str, Any], lists: dict[str, Any]) -> None:
    response = client_for(officer).post(
        "/api/v1/engagements/",
        {"starts_at": "2026-05-20T19:00:00Z", "kind": lists["kinds"]["Meeting"].pk, "lead_officer": officer.pk,
         "area": areas["Herefordshire"].pk},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "groups" in response.json()
    assert not Engagement.objects.exists()


def test_lists_use_the_pages_filters_and_sorting(
    officer: Any, make_partnership: Callable[..., Any], make_venue: Callable[..., Venue]
) -> None:
    active = make_partnership("active", venue=make_venue("Zebra Bar"))
    make_partnership("prospect", venue=make_venue("Anchor Inn"))
    api = client_for(officer)
    listing = api.get("/api/v1/partnerships/", {"status": "active"}).json()
    assert [row["id"] for row in listing["results"]] == [active.pk]
    names = [row["name"] for row in api.get("/api/v1/venues/", {"sort": "-name"}).json()["results"]]
    assert names == sorted(names, reverse=True)
    assert [row["name"] for row in api.get("/api/v1/venues/", {"q": "zebra"}).json()["results"]] == ["Zebra Bar"]
    assert api.get("/api/v1/venues/", {"q": "ze\x00bra"}).status_code == 400  # not a server error
    assert api.get("/api/v1/partnerships/", {"status": "dancing"}).status_code == 400
    assert api.get("/api/v1/venues/", {"sort": "secret"}).status_code == 400


def test_contacts_reach_officers_and_administrators_only(
    officer: Any, admin_user: Any, liaison: Any, board: Any, make_group: Callable[..., CommunityGroup]
) -> None:
    group = make_group()
    from partners.services import add_contact

    add_contact(group, by=officer, expected_version=group.version, name="Ann Example", phone="01905 123456")
    for user in (officer, admin_user):
        answer = client_for(user).get(f"/api/v1/community-groups/{group.pk}/").json()
        assert answer["contacts"][0]["phone"] == "01905 123456"
    for user in (liaison, board):
        answer = client_for(user).get(f"/api/v1/community-groups/{group.pk}/")
        assert answer.status_code == 403
        assert "Ann Example" not in answer.content.decode()
