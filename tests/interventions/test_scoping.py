"""The scoping matrix: for each role, every read path (list, page, search, export,
count, offender pages) shows exactly the referrals `visible_to` allows — and
anything else is a 404 or absent, never a leak."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from interventions.models import Offender, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    referral_factory: Callable[..., Referral],
    users: dict[str, Any],
    user_factory: Any,
    prison: Any,
    probation: Any,
) -> dict[str, Any]:
    other_officer = user_factory("partnership_officer", username="officer2")
    dual = user_factory("partnership_officer", "probation_liaison", username="dual", organisation=prison)
    referrals = {
        "officer_to_probation": referral_factory("submitted"),
        "officer_to_prison": referral_factory("started", handler=prison),
        "officer_draft": referral_factory("draft"),
        "liaison_own": referral_factory("accepted", by=users["liaison"]),
        "liaison2_own": referral_factory("submitted", by=users["liaison2"], handler=prison),
        "other_officer_to_probation": referral_factory("completed", by=other_officer),
        "dual_to_probation": referral_factory("submitted", by=dual),
    }
    return {"users": {**users, "dual": dual}, "referrals": referrals}


EXPECTED = {
    "admin": {
        "officer_to_probation",
        "officer_to_prison",
        "officer_draft",
        "liaison_own",
        "liaison2_own",
        "other_officer_to_probation",
        "dual_to_probation",
    },
    "officer": {"officer_to_probation", "officer_to_prison", "officer_draft"},
    "liaison": {"officer_to_probation", "liaison_own", "other_officer_to_probation", "dual_to_probation"},
    "liaison2": {"officer_to_prison", "liaison2_own"},
    # a partnership officer who is also the prison's liaison sees the union
    "dual": {"officer_to_prison", "liaison2_own", "dual_to_probation"},
    "board": set(),
}
# People are also visible to everyone who adds to their book (issue #12): the
# prison's liaisons see every person the prison holds, such as the one its dual-role
# user added and referred to probation.
PEOPLE_ALSO = {"liaison2": {"dual_to_probation"}}


def people_seen(role: str) -> set[str]:
    return EXPECTED[role] | PEOPLE_ALSO.get(role, set())


@pytest.mark.parametrize("role", list(EXPECTED))
def test_visible_to_is_the_scoping_rule(role: str, world: dict[str, Any]) -> None:
    user = world["users"][role]
    visible = set(Referral.objects.visible_to(user).values_list("pk", flat=True))
    assert visible == {world["referrals"][name].pk for name in EXPECTED[role]}
    offenders = set(Offender.objects.visible_to(user).values_list("pk", flat=True))
    assert offenders == {world["referrals"][name].offender_id for name in people_seen(role)}


@pytest.mark.parametrize("role", [r for r in EXPECTED if r != "board"])
def test_every_read_path_shows_only_the_visible_referrals(role: str, world: dict[str, Any], client: Any) -> None:
    client.force_login(world["users"][role])
    expected = EXPECTED[role]
    hidden = set(world["referrals"]) - expected
    listing = client.get(reverse("interventions:referrals"))
    page = listing.content.decode()
    exported = client.get(reverse("interventions:referrals") + "?export=csv").getvalue().decode()
    offenders_page = client.get(reverse("interventions:offenders")).content.decode()
    assert listing.context["result_count"] == len(expected)
    for name, referral in world["referrals"].items():
        seen = name in expected
        person_seen = name in people_seen(role)
        case_reference = referral.offender.case_reference
        assert (referral.reference in page) is seen, f"{role} list, {name}"
        assert (referral.reference in exported) is seen, f"{role} export, {name}"
        assert (case_reference in offenders_page) is person_seen, f"{role} offender list, {name}"
        search = client.get(reverse("interventions:referrals"), {"q": case_reference})
        assert search.context["result_count"] == int(seen), f"{role} search, {name}"
        offender_search = client.get(reverse("interventions:offenders"), {"q": case_reference})
        assert offender_search.context["result_count"] == int(person_seen), f"{role} offender search, {name}"
        detail = client.get(reverse("interventions:referral", args=[referral.pk]))
        assert detail.status_code == (200 if seen else 404), f"{role} page, {name}"
        offender = client.get(reverse("interventions:offender", args=[referral.offender_id]))
        assert offender.status_code == (200 if person_seen else 404), f"{role} offender page, {name}"
    for name in hidden:
        referral = world["referrals"][name]
        for url_name in ("referral-edit", "referral-assign", "session-add", "referral-complete", "follow-up"):
            response = client.get(reverse(f"interventions:{url_name}", args=[referral.pk]))
            assert response.status_code == 404, f"{role} {url_name}, {name}"
        response = client.post(reverse("interventions:referral-move", args=[referral.pk, "withdraw"]))
        assert response.status_code == 404


def test_board_members_reach_no_page_of_the_strand(world: dict[str, Any], client: Any) -> None:
    client.force_login(world["users"]["board"])
    referral = world["referrals"]["officer_to_probation"]
    urls = [
        reverse("interventions:referrals"),
        reverse("interventions:referrals") + "?export=csv",
        reverse("interventions:referral", args=[referral.pk]),
        reverse("interventions:offenders"),
        reverse("interventions:offender", args=[referral.offender_id]),
        reverse("interventions:programmes"),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    home = client.get("/").content.decode()
    assert referral.offender.last_name not in home


def test_the_count_in_my_work_only_counts_visible_records(world: dict[str, Any], client: Any) -> None:
    from interventions.mywork import waiting

    liaison2 = world["users"]["liaison2"]
    waiting_refs = {r.reference for r in waiting(liaison2)}
    assert waiting_refs == {world["referrals"]["liaison2_own"].reference}


def test_a_user_who_cannot_see_a_record_learns_nothing_from_adding_a_twin(world: dict[str, Any], client: Any) -> None:
    """Before issue #12 the name-and-date-of-birth warning looked at every record, so
    it told the user that someone they cannot see exists; now it looks only at people
    they can see, and the twin is added as any new person is."""
    existing = world["referrals"]["liaison2_own"].offender
    client.force_login(world["users"]["liaison"])
    response = client.post(
        reverse("interventions:offender-create"),
        {
            "case_reference": "NEW001",
            "first_name": existing.first_name,
            "last_name": existing.last_name,
            "date_of_birth": existing.date_of_birth.isoformat(),
        },
    )
    assert response.status_code == 302
    added = Offender.objects.get(case_reference="NEW001")
    assert response["Location"] == reverse("interventions:offender", args=[added.pk])
    assert added.holding_organisation == world["users"]["liaison"].organisation
