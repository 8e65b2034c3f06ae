"""What officers do through the pages: forms save through the services, errors show
on the form, stale edits are refused, wrong moves get a clear message."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from partners import services
from partners.models import Engagement, Partnership, Venue
from tracker.core.models import Outcome

pytestmark = pytest.mark.django_db

CONFLICT = "after you opened this page. Your changes have not been saved"


def _venue_form(venue: Venue, **changes: Any) -> dict[str, Any]:
    data = {
        "licence_number": venue.licence_number,
        "name": venue.name,
        "address": venue.address,
        "postcode": venue.postcode,
        "area": venue.area_id,
        "kind": venue.kind,
        "latest_licensed_hour": "02:00",
        "operator": venue.operator,
        "version": venue.version,
    }
    return {**data, **changes}


def test_stale_venue_edit_is_refused_with_the_conflict_message(
    client: Any, officer: Any, admin_user: Any, make_venue: Any
) -> None:
    venue = make_venue("The Plough")
    url = reverse("partners:venue-edit", args=[venue.pk])
    loaded = _venue_form(venue)  # the officer opens the page
    services.update_venue(venue, by=admin_user, expected_version=1, changes={"name": "The Golden Plough"})
    client.force_login(officer)
    response = client.post(url, {**loaded, "operator": "Severn Leisure"})
    html = response.content.decode()
    assert response.status_code == 200  # shown again with its errors, like every form page
    assert CONFLICT in html and "Name" in html and "The Golden Plough" in html
    venue.refresh_from_db()
    assert (venue.name, venue.operator) == ("The Golden Plough", "")
    # Having seen the change, the officer saves again and it goes through.
    response = client.post(url, {**loaded, "operator": "Severn Leisure", "version": 2})
    assert response.status_code == 302
    venue.refresh_from_db()
    assert venue.operator == "Severn Leisure"


def test_stale_group_edit_is_refused_with_the_conflict_message(
    client: Any, officer: Any, admin_user: Any, make_group: Any
) -> None:
    group = make_group("Ross Residents")
    services.update_group(group, by=admin_user, expected_version=1, changes={"active": False})
    client.force_login(officer)
    response = client.post(
        reverse("partners:group-edit", args=[group.pk]),
        {
            "name": "Ross Residents' Association",
            "kind": "residents",
            "area": group.area_id,
            "active": "on",
            "version": 1,
        },
    )
    assert CONFLICT in response.content.decode()
    group.refresh_from_db()
    assert (group.name, group.active) == ("Ross Residents", False)


def test_venue_form_checks_postcode_and_unique_licence(client: Any, officer: Any, make_venue: Any, areas: Any) -> None:
    make_venue(licence_number="PL/TAKEN")
    client.force_login(officer)
    response = client.post(
        reverse("partners:venue-create"),
        {
            "licence_number": "PL/TAKEN",
            "name": "X",
            "address": "1 Road",
            "postcode": "HR 12",
            "area": areas["Shropshire"].pk,
            "kind": "pub",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200  # shown again with its errors, like every form page
    assert "Enter a real UK postcode" in html
    assert "premises licence number already exists" in html.lower()
    assert "govuk-error-summary" in html


def test_new_venue_postcode_is_stored_in_capitals(client: Any, officer: Any, areas: Any) -> None:
    client.force_login(officer)
    response = client.post(
        reverse("partners:venue-create"),
        {
            "licence_number": "PL/9",
            "name": "Bell Bar",
            "address": "1 Road",
            "postcode": "wr1 2ab",
            "area": areas["Shropshire"].pk,
            "kind": "bar",
        },
    )
    assert response.status_code == 302
    assert Venue.objects.get(licence_number="PL/9").postcode == "WR1 2AB"


def test_officer_walks_a_partnership_through_the_pages(
    client: Any, officer: Any, make_venue: Any, lists: dict[str, Any]
) -> None:
    venue = make_venue()
    client.force_login(officer)
    response = client.post(
        reverse("partners:partnership-start", args=[venue.pk]), {"lead_officer": officer.pk, "started_on": "2026-01-02"}
    )
    partnership = Partnership.objects.get(venue=venue)
    assert response["Location"] == reverse("partners:partnership-detail", args=[partnership.pk])
    move = reverse("partners:partnership-move", args=[partnership.pk, "engaged"])
    assert client.post(move, {"on": "2026-01-05", "version": 1}).status_code == 302
    sign = reverse("partners:partnership-move", args=[partnership.pk, "signed_up"])
    assert client.post(sign, {"on": "2026-02-01", "next_review_on": "", "version": 2}).status_code == 302
    partnership.refresh_from_db()
    assert (partnership.status, partnership.next_review_on) == ("signed_up", date(2027, 2, 1))
    lapse = reverse("partners:partnership-move", args=[partnership.pk, "lapsed"])
    response = client.post(lapse, {"on": "2026-03-01", "version": 3})
    # The core move form's message, the same for every strand (GOV.UK: say what to do).
    assert response.status_code == 200
    assert "Choose a reason" in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.status == "signed_up"


def test_wrong_move_is_refused_with_a_clear_message(client: Any, officer: Any, make_partnership: Any) -> None:
    partnership = make_partnership("prospect")
    client.force_login(officer)
    url = reverse("partners:partnership-move", args=[partnership.pk, "active"])
    response = client.post(url, {"on": "2026-02-01", "version": partnership.version})
    assert "A partnership that is prospect cannot be marked active" in response.content.decode()
    response = client.get(url, follow=True)
    assert "cannot be marked active" in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.status == "prospect"


def test_unknown_move_is_404(client: Any, officer: Any, make_partnership: Any) -> None:
    client.force_login(officer)
    partnership = make_partnership()
    assert client.get(reverse("partners:partnership-move", args=[partnership.pk, "flying"])).status_code == 404


def test_commitments_page_ticks_items_and_asks_for_training_date(
    client: Any, officer: Any, make_partnership: Any, lists: dict[str, Any]
) -> None:
    partnership = make_partnership("signed_up")
    posters = lists["commitments"]["Campaign posters displayed"]
    angela = lists["commitments"]['Welfare scheme / "Ask for Angela"']
    client.force_login(officer)
    url = reverse("partners:partnership-commitments", args=[partnership.pk])
    response = client.post(
        url, {f"c{angela.pk}_ticked": "on", f"c{angela.pk}_on": "2026-02-01", "version": partnership.version}
    )
    assert "Enter the staff training date" in response.content.decode()
    response = client.post(
        url,
        {
            f"c{posters.pk}_ticked": "on",
            f"c{posters.pk}_on": "2026-02-01",
            f"c{posters.pk}_evidence": "Two posters by the bar",
            f"c{angela.pk}_ticked": "on",
            f"c{angela.pk}_on": "2026-02-01",
            f"c{angela.pk}_training": "2026-01-15",
            "version": partnership.version,
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("partners:partnership-detail", args=[partnership.pk])).content.decode()
    assert "Two posters by the bar" in html and "Staff trained 15 Jan 2026" in html


def test_engagement_pages_log_materials_follow_ups_and_outcomes(
    client: Any, officer: Any, make_group: Any, areas: Any, lists: dict[str, Any]
) -> None:
    first, second = make_group("Hereford Scouts"), make_group("Hereford Mosque Committee")
    client.force_login(officer)
    response = client.post(
        reverse("partners:engagement-create"),
        {
            "starts_at": "2026-03-02T19:00",
            "kind": lists["kinds"]["Presentation"].pk,
            "lead_officer": officer.pk,
            "area": areas["Herefordshire"].pk,
            "groups": [first.pk, second.pk],
            "attendance": "25",
            "summary": "Campaign talk",
        },
    )
    engagement = Engagement.objects.get()
    assert response["Location"] == reverse("partners:engagement-detail", args=[engagement.pk])
    leaflet = lists["materials"]["Leaflet"]
    client.post(reverse("partners:engagement-materials", args=[engagement.pk]), {f"m{leaflet.pk}": "40", "version": 1})
    client.post(
        reverse("partners:follow-up-add", args=[engagement.pk]),
        {"description": "Send posters", "owner": officer.pk, "due_on": "2026-03-09", "version": 2},
    )
    action = engagement.follow_ups.get()
    client.post(reverse("partners:follow-up-done", args=[action.pk]), {"version": 3})
    client.post(
        reverse("partners:engagement-outcome", args=[engagement.pk]),
        {
            "date": "2026-03-10",
            "outcome_type": lists["outcome_type"].pk,
            "rating": "achieved",
            "description": "Members shared it",
        },
    )
    html = client.get(reverse("partners:engagement-detail", args=[engagement.pk])).content.decode()
    assert "Hereford Scouts" in html and "Hereford Mosque Committee" in html
    assert [(m.material, m.quantity) for m in engagement.materials.all()] == [(leaflet, 40)]
    action.refresh_from_db()
    assert action.done_on is not None
    assert Outcome.objects.get().description in html
    group_page = client.get(reverse("partners:group-detail", args=[first.pk])).content.decode()
    assert "Presentation" in group_page and "Members shared it" in group_page


def test_engagement_without_group_or_venue_shows_an_error(client: Any, officer: Any, areas: Any, lists: Any) -> None:
    client.force_login(officer)
    response = client.post(
        reverse("partners:engagement-create"),
        {
            "starts_at": "2026-03-02T19:00",
            "kind": lists["kinds"]["Meeting"].pk,
            "lead_officer": officer.pk,
            "area": areas["Herefordshire"].pk,
        },
    )
    assert response.status_code == 200  # shown again with its errors, like every form page
    assert "Choose at least one community group or venue" in response.content.decode()
    assert not Engagement.objects.exists()


def test_negative_material_quantity_is_a_field_error(
    client: Any, officer: Any, make_engagement: Any, make_group: Any, lists: Any
) -> None:
    engagement = make_engagement(groups=[make_group()])
    leaflet = lists["materials"]["Leaflet"]
    client.force_login(officer)
    url = reverse("partners:engagement-materials", args=[engagement.pk])
    response = client.post(url, {f"m{leaflet.pk}": "-3", "version": engagement.version})
    assert response.status_code == 200  # shown again with its errors, like every form page
    assert not engagement.materials.exists()


def test_log_a_visit_from_a_venue_page_starts_with_the_venue_chosen(
    client: Any, officer: Any, make_venue: Any, lists: dict[str, Any], areas: Any
) -> None:
    venue = make_venue("The Mitre", area=areas["Shropshire"])
    client.force_login(officer)
    form = client.get(reverse("partners:engagement-create"), {"venue": venue.pk}).context["form"]
    assert form["venues"].value() == [venue.pk]
    assert form["area"].value() == areas["Shropshire"].pk
    assert form["kind"].value() == lists["kinds"]["Venue visit"].pk


def test_administrators_keep_the_managed_lists_in_the_admin_site(client: Any, admin_user: Any, lists: Any) -> None:
    client.force_login(admin_user)
    for model in ("engagementkind", "campaignmaterial", "commitmenttype", "endreason"):
        response = client.get(reverse(f"admin:partners_{model}_changelist"))
        assert response.status_code == 200, model
    assert "Ask for Angela" in client.get(reverse("admin:partners_commitmenttype_changelist")).content.decode()
