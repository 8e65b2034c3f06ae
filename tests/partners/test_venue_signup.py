"""Issue 15, item 9: finding venues to sign up. The venue list filters by partnership
status, "No partnership" included, and offers to start a partnership with each venue
that has none open (the start form with the venue chosen)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def venues(make_venue: Any, make_partnership: Any, officer: Any, lists: dict[str, Any]) -> dict[str, Any]:
    from partners import services
    from partners.models import EndReason

    never = make_venue("Never Partnered")
    prospect = make_partnership("prospect", venue=make_venue("Prospect Place")).venue
    active = make_partnership("active", venue=make_venue("Active Arms")).venue
    lapsed_partnership = make_partnership("signed_up", venue=make_venue("Lapsed Lounge"))
    reason = EndReason.objects.first() or EndReason.objects.create(name="Closed")
    services.lapse(
        lapsed_partnership,
        by=officer,
        expected_version=lapsed_partnership.version,
        on=lapsed_partnership.signed_up_on,
        reason=reason,
    )
    return {"never": never, "prospect": prospect, "active": active, "lapsed": lapsed_partnership.venue}


def _names(client: Any, **query: str) -> set[str]:
    response = client.get(reverse("partners:venue-list"), query)
    assert response.status_code == 200
    return {venue.name for venue in response.context["object_list"]}


def test_the_venue_list_filters_by_partnership_status(client: Any, officer: Any, venues: dict[str, Any]) -> None:
    client.force_login(officer)
    # None open: never partnered, or the last one lapsed or was withdrawn.
    assert _names(client, partnership="none") == {"Never Partnered", "Lapsed Lounge"}
    assert _names(client, partnership="prospect") == {"Prospect Place"}
    assert _names(client, partnership="active") == {"Active Arms"}
    assert len(_names(client)) == 4
    form = client.get(reverse("partners:venue-list")).context["filter"].form
    assert [label for _, label in form.fields["partnership"].choices] == [
        "Any partnership status", "No partnership", "Prospect", "Engaged", "Signed up", "Active",
    ]  # fmt: skip


def test_each_venue_without_a_partnership_offers_to_start_one(
    client: Any, officer: Any, venues: dict[str, Any]
) -> None:
    client.force_login(officer)
    page = client.get(reverse("partners:venue-list")).content.decode()
    for key in ("never", "lapsed"):
        assert reverse("partners:partnership-start", args=[venues[key].pk]) in page
    for key in ("prospect", "active"):
        assert reverse("partners:partnership-start", args=[venues[key].pk]) not in page
    start = client.get(reverse("partners:partnership-start", args=[venues["never"].pk]))
    assert start.status_code == 200 and "Never Partnered" in start.content.decode()


def test_the_api_filters_venues_by_partnership_too(officer: Any, venues: dict[str, Any]) -> None:
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(officer)
    answer = api.get("/api/v1/venues/", {"partnership": "none"})
    assert answer.status_code == 200
    assert {v["name"] for v in answer.json()["results"]} == {"Never Partnered", "Lapsed Lounge"}
