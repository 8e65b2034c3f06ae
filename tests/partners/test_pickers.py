"""The engagement form's pickers: a page that does not grow with the lists, the
search endpoints that feed them, and the form working without scripts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import Engagement, Venue

pytestmark = pytest.mark.django_db


def _form(officer: Any, areas: Any, lists: dict[str, Any], **values: Any) -> dict[str, Any]:
    return {
        "starts_at": "2026-03-02T19:00",
        "kind": lists["kinds"]["Meeting"].pk,
        "lead_officer": officer.pk,
        "area": areas["Herefordshire"].pk,
        "attendance": "12",
        "summary": "Pub watch meeting",
        **values,
    }


def _measure(client: Any, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(response.content), len(queries)


def test_the_engagement_form_does_not_grow_with_the_number_of_groups_and_venues(
    client: Any, officer: Any, make_group: Callable[..., Any], make_venue: Callable[..., Any], lists: Any
) -> None:
    for _ in range(5):
        make_group()
        make_venue()
    client.force_login(officer)
    url = reverse("partners:engagement-create")
    client.get(url)  # fill per-process caches (content types, templates)
    small = _measure(client, url)
    for _ in range(195):
        make_group()
        make_venue()
    assert _measure(client, url) == small
    html = client.get(url).content.decode()
    assert "The Venue" not in html and "Group " not in html
    assert "Hold Ctrl" not in html


def test_an_engagement_edit_shows_only_its_own_groups_and_venues(
    client: Any,
    officer: Any,
    make_engagement: Callable[..., Any],
    make_group: Callable[..., Any],
    make_venue: Callable[..., Any],
) -> None:
    group, venue = make_group("Ludlow Scouts"), make_venue("Plough Bar")
    engagement = make_engagement(groups=[group], venues=[venue])
    make_group("Not This Group")
    make_venue("Not This Venue")
    client.force_login(officer)
    html = client.get(reverse("partners:engagement-edit", args=[engagement.pk])).content.decode()
    assert f'name="groups" type="checkbox" value="{group.pk}" checked' in html
    assert f'name="venues" type="checkbox" value="{venue.pk}" checked' in html
    assert "Ludlow Scouts" in html and str(venue) in html
    assert "Not This" not in html


def test_without_scripts_a_typed_name_that_matches_one_record_is_chosen(
    client: Any, officer: Any, areas: Any, lists: Any, make_group: Callable[..., Any], make_venue: Callable[..., Any]
) -> None:
    scouts = make_group("Ludlow Scouts")
    make_group("Hereford Mosque Committee")
    plough = make_venue("Plough Bar", address="3 Corve Street\nLudlow", postcode="SY8 1AA")
    make_venue("Plough Bar", address="9 High Street\nRedditch", postcode="B60 8GU")
    client.force_login(officer)
    response = client.post(
        reverse("partners:engagement-create"),
        _form(officer, areas, lists, groups__find="scouts", venues__find="plough ludlow"),
    )
    assert response.status_code == 302, response.content.decode()
    engagement = Engagement.objects.get()
    assert list(engagement.groups.all()) == [scouts]
    assert list(engagement.venues.all()) == [plough]


def test_without_scripts_several_matches_are_offered_to_tick(
    client: Any, officer: Any, areas: Any, lists: Any, make_venue: Callable[..., Any]
) -> None:
    ludlow = make_venue("Plough Bar", address="3 Corve Street\nLudlow", postcode="SY8 1AA")
    redditch = make_venue("Plough Bar", address="9 High Street\nRedditch", postcode="B60 8GU")
    client.force_login(officer)
    url = reverse("partners:engagement-create")
    response = client.post(url, _form(officer, areas, lists, venues__find="Plough"))
    html = response.content.decode()
    assert response.status_code == 200  # the form again, with its errors (every form page)
    assert "More than one venue matches “Plough”: tick the one you mean below" in html
    assert 'href="#id_venues"' in html  # the error summary links to the box
    assert "Plough Bar, Ludlow SY8 1AA" in html and "Plough Bar, Redditch B60 8GU" in html
    assert f'name="venues" type="checkbox" value="{ludlow.pk}">' in html  # offered, not ticked

    response = client.post(url, _form(officer, areas, lists, venues=[redditch.pk], venues__find=""))
    assert response.status_code == 302
    assert list(Engagement.objects.get().venues.all()) == [redditch]


def test_without_scripts_a_name_matching_nothing_says_so(client: Any, officer: Any, areas: Any, lists: Any) -> None:
    client.force_login(officer)
    response = client.post(reverse("partners:engagement-create"), _form(officer, areas, lists, groups__find="Nowhere"))
    assert response.status_code == 200  # the form again, with its errors (every form page)
    assert "No community group matches “Nowhere”" in response.content.decode()
    assert not Engagement.objects.exists()


@pytest.mark.parametrize("bad_id", ["999999", "9223372036854775808", "1e3", "-1"])
def test_an_unknown_id_is_a_field_error(
    client: Any, officer: Any, areas: Any, lists: Any, make_venue: Callable[..., Any], bad_id: str
) -> None:
    make_venue()
    client.force_login(officer)
    response = client.post(reverse("partners:engagement-create"), _form(officer, areas, lists, venues=[bad_id]))
    assert response.status_code == 200  # the form again, with its errors (every form page)
    assert "Choose a venue from the search results" in response.content.decode()


def test_the_group_search_answers_a_page_of_matches_in_name_order(
    client: Any, officer: Any, make_group: Callable[..., Any]
) -> None:
    for n in range(25):
        make_group(f"Youth Club {n:02d}")
    make_group("Residents' Association")
    client.force_login(officer)
    answer = client.get(reverse("search-groups"), {"q": "youth"}).json()
    assert len(answer["results"]) == 20 and answer["more"] is True
    assert [r["label"] for r in answer["results"]][:2] == ["Youth Club 00", "Youth Club 01"]
    assert client.get(reverse("search-groups"), {"q": "resid"}).json() == {
        "results": [{"id": answer["results"][0]["id"] + 25, "label": "Residents' Association"}],
        "more": False,
    }
    assert client.get(reverse("search-groups"), {"q": ""}).json() == {"results": [], "more": False}


def test_the_venue_search_finds_by_name_town_postcode_or_licence_and_tells_venues_apart(
    client: Any, officer: Any, make_venue: Callable[..., Any]
) -> None:
    make_venue("Plough Bar", licence_number="PL/SHR/1", address="3 Corve Street\nLudlow", postcode="SY8 1AA")
    make_venue("Plough Bar", licence_number="PL/NOR/2", address="9 High Street\nRedditch", postcode="B60 8GU")
    client.force_login(officer)

    def labels(q: str) -> list[str]:
        return [r["label"] for r in client.get(reverse("search-venues"), {"q": q}).json()["results"]]

    assert labels("plough") == [
        "Plough Bar, Redditch B60 8GU (licence PL/NOR/2)",
        "Plough Bar, Ludlow SY8 1AA (licence PL/SHR/1)",
    ]
    assert labels("plough ludlow") == labels("sy8") == labels("PL/SHR") == [labels("plough")[1]]


@pytest.mark.parametrize("url_name", ["search-groups", "search-venues", "search-officers"])
def test_the_partnership_searches_are_for_officers_and_administrators_only(
    client: Any, liaison: Any, board: Any, url_name: str
) -> None:
    for user in (liaison, board):
        client.force_login(user)
        assert client.get(reverse(url_name), {"q": "a"}).status_code == 403
    client.logout()
    assert client.get(reverse(url_name), {"q": "a"}).status_code == 302


@pytest.mark.parametrize(("url_name", "q"), [("search-groups", "Group"), ("search-venues", "Venue")])
def test_a_search_costs_the_same_queries_with_5_or_200_records(
    client: Any,
    officer: Any,
    make_group: Callable[..., Any],
    make_venue: Callable[..., Any],
    django_assert_num_queries: Any,
    url_name: str,
    q: str,
) -> None:
    make = make_group if url_name == "search-groups" else make_venue
    for _ in range(5):
        make()
    client.force_login(officer)
    client.get(reverse(url_name), {"q": q})
    # 1 session, 2 user, 3 the page of matches, 4-6 saving the session (savepoint, update, release)
    with django_assert_num_queries(6):
        assert len(client.get(reverse(url_name), {"q": q}).json()["results"]) == 5
    for _ in range(195):
        make()
    with django_assert_num_queries(6):
        assert len(client.get(reverse(url_name), {"q": q}).json()["results"]) == 20


def test_the_officer_search_finds_active_officers_by_name(
    client: Any, officer: Any, user_factory: Callable[..., Any], liaison: Any, django_assert_num_queries: Any
) -> None:
    user_factory("partnership_officer", username="oona")
    user_factory("partnership_officer", username="oolga", is_active=False)
    user_factory("probation_liaison", username="ootto")
    client.force_login(officer)
    client.get(reverse("search-officers"), {"q": "o"})
    # 1 session, 2 user, 3 the page of officers with their organisations, 4-6 saving the session
    with django_assert_num_queries(6):
        answer = client.get(reverse("search-officers"), {"q": "oo"}).json()
    assert [r["label"] for r in answer["results"]] == ["Oona Tester, Office of the Police and Crime Commissioner"]


def test_venues_are_named_with_their_town_and_postcode(make_venue: Callable[..., Any]) -> None:
    venue = make_venue("Plough Bar", address="3 Corve Street\nLudlow", postcode="SY8 1AA", licence_number="PL/1")
    assert str(venue) == "Plough Bar, Ludlow SY8 1AA"
    assert Venue(name="The Bell", address="The Bell", postcode="HR1 1AA").__str__() == "The Bell, HR1 1AA"
