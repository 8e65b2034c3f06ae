"""Issue 15, item 5: referrals that find and assign themselves. Search by referral
number, accepting assigns, the work queues put urgent cases first, completing short
of the planned sessions is confirmed, and the organisation filter offers only what
the user can see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from interventions import services
from interventions.lifecycle import ReferralError
from interventions.models import Referral, Status

pytestmark = pytest.mark.django_db


def _listed(client: Any, **query: str) -> list[str]:
    response = client.get(reverse("interventions:referrals"), query)
    assert response.status_code == 200
    return [r.reference for r in response.context["object_list"]]


def test_searching_a_referral_number_finds_that_referral(
    client: Any, liaison: Any, referral_factory: Callable[..., Referral]
) -> None:
    wanted, other = referral_factory("submitted"), referral_factory("submitted")
    client.force_login(liaison)
    for typed in (wanted.reference, wanted.reference.lower(), f"R{wanted.pk}", f" {wanted.reference} "):
        assert _listed(client, q=typed) == [wanted.reference], typed
    assert other.reference not in _listed(client, q=wanted.reference)
    # The name and case reference still find it.
    assert _listed(client, q=wanted.offender.case_reference) == [wanted.reference]


def test_a_referral_number_the_user_cannot_see_finds_nothing(
    client: Any, liaison2: Any, referral_factory: Callable[..., Referral]
) -> None:
    hidden = referral_factory("submitted")  # handled by the probation service, not liaison2's prison
    client.force_login(liaison2)
    assert _listed(client, q=hidden.reference) == []


def test_accepting_assigns_the_referral_to_the_accepting_liaison(
    client: Any, liaison: Any, referral_factory: Callable[..., Referral]
) -> None:
    referral = referral_factory("submitted")
    client.force_login(liaison)
    url = reverse("interventions:referral-move", args=[referral.pk, "accept"])
    form = client.get(url).content.decode()
    assert "Assign to" in form and f'value="{liaison.pk}" selected' in form
    client.post(url, {"version": referral.version, "assignee": liaison.pk})
    referral.refresh_from_db()
    assert (referral.status, referral.assigned_liaison) == (Status.ACCEPTED, liaison)
    assert _listed(client, tab="mine") == [referral.reference]
    # The assignment is in the referral's history, made by the acceptance.
    assert referral.history.first().assigned_liaison_id == liaison.pk


def test_accepting_can_assign_a_colleague_or_nobody(
    client: Any,
    liaison: Any,
    user_factory: Callable[..., Any],
    probation: Any,
    referral_factory: Callable[..., Referral],
) -> None:
    colleague = user_factory("probation_liaison", organisation=probation)
    to_colleague, to_nobody = referral_factory("submitted"), referral_factory("submitted")
    client.force_login(liaison)
    for referral, chosen in ((to_colleague, str(colleague.pk)), (to_nobody, "")):
        client.post(
            reverse("interventions:referral-move", args=[referral.pk, "accept"]),
            {"version": referral.version, "assignee": chosen},
        )
    to_colleague.refresh_from_db()
    to_nobody.refresh_from_db()
    assert (to_colleague.status, to_colleague.assigned_liaison) == (Status.ACCEPTED, colleague)
    assert (to_nobody.status, to_nobody.assigned_liaison) == (Status.ACCEPTED, None)


def test_the_service_assigns_the_accepter_by_default_and_refuses_an_outsider(
    liaison: Any, liaison2: Any, admin_user: Any, referral_factory: Callable[..., Referral]
) -> None:
    mine = referral_factory("submitted")
    services.accept(mine, by=liaison, expected_version=mine.version)
    assert mine.assigned_liaison == liaison
    outsider = referral_factory("submitted")
    with pytest.raises(ReferralError, match="liaison of the organisation that handles it"):
        services.accept(outsider, by=liaison, expected_version=outsider.version, assignee=liaison2)
    outsider.refresh_from_db()
    assert (outsider.status, outsider.assigned_liaison) == (Status.SUBMITTED, None)
    # An administrator is no liaison: accepting leaves the referral to be assigned.
    services.accept(outsider, by=admin_user, expected_version=outsider.version)
    assert (outsider.status, outsider.assigned_liaison) == (Status.ACCEPTED, None)


@pytest.mark.parametrize("tab", ["open", "mine", "unassigned"])
def test_work_queues_list_urgent_then_high_priority_first(
    client: Any, liaison: Any, referral_factory: Callable[..., Referral], tab: str
) -> None:
    status = "submitted" if tab == "unassigned" else "accepted"
    made = {p: referral_factory(status, priority=p) for p in ("normal", "urgent", "high")}  # urgent is not newest
    client.force_login(liaison)
    listed = _listed(client, tab=tab)
    assert listed == [made[p].reference for p in ("urgent", "high", "normal")]
    # A sort the user chooses still wins.
    newest_first = _listed(client, tab=tab, sort="-created")
    assert newest_first == [made[p].reference for p in ("high", "urgent", "normal")]


def test_sorting_by_priority_puts_urgent_first(
    client: Any, liaison: Any, referral_factory: Callable[..., Referral]
) -> None:
    made = {p: referral_factory("submitted", priority=p) for p in ("high", "normal", "urgent")}
    client.force_login(liaison)
    assert _listed(client, sort="priority") == [made[p].reference for p in ("urgent", "high", "normal")]


def test_the_organisation_filter_offers_only_organisations_whose_cases_the_user_sees(
    client: Any, liaison: Any, officer: Any, referral_factory: Callable[..., Referral], prison: Any, probation: Any
) -> None:
    referral_factory("submitted")  # to the probation service
    referral_factory("submitted", handler=prison)
    client.force_login(liaison)
    offered = list(
        client.get(reverse("interventions:referrals")).context["filter"].form.fields["handling_organisation"].queryset
    )
    assert offered == [probation]
    # Naming an organisation the user sees no case of is an invalid choice, as an unknown one is.
    response = client.get(reverse("interventions:referrals"), {"handling_organisation": prison.pk})
    assert response.context["filter"].form.errors
    client.force_login(officer)  # the officer referred both
    offered = client.get(reverse("interventions:referrals")).context["filter"].form.fields["handling_organisation"]
    assert set(offered.queryset) == {probation, prison}


def test_the_api_accept_assigns_the_caller_or_the_named_liaison(
    liaison: Any, user_factory: Callable[..., Any], probation: Any, referral_factory: Callable[..., Referral]
) -> None:
    from rest_framework.test import APIClient

    colleague = user_factory("probation_liaison", organisation=probation)
    api = APIClient()
    api.force_authenticate(liaison)
    first, second = referral_factory("submitted"), referral_factory("submitted")
    answer = api.post(f"/api/v1/referrals/{first.pk}/accept/", {"version": first.version}, format="json")
    assert (answer.status_code, answer.json()["assigned_liaison"]) == (200, liaison.pk)
    body = {"version": second.version, "assignee": colleague.pk}
    answer = api.post(f"/api/v1/referrals/{second.pk}/accept/", body, format="json")
    assert (answer.status_code, answer.json()["assigned_liaison"]) == (200, colleague.pk)


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("query", [{"tab": "open"}, {"tab": "mine"}, {"q": "{reference}"}, {"sort": "priority"}])
def test_the_work_queues_and_the_number_search_do_not_grow_with_the_data(
    client: Any,
    liaison: Any,
    referral_factory: Callable[..., Referral],
    django_assert_max_num_queries: Any,
    monkeypatch: pytest.MonkeyPatch,
    size: int,
    query: dict[str, str],
) -> None:
    from tracker.core import mywork

    # Only this strand's My work badge (the other strands' counts are theirs to test).
    monkeypatch.setattr(mywork, "_providers", {"interventions": mywork._providers["interventions"]})
    for n in range(size):
        referral = referral_factory("submitted", priority=("urgent", "high", "normal")[n % 3])
        services.accept(referral, by=liaison, expected_version=referral.version)
    client.force_login(liaison)
    url = reverse("interventions:referrals")
    query = {key: value.format(reference=referral.reference) for key, value in query.items()}
    client.get(url, query)  # warm the per-process caches, as on a running server
    # 1 session, 2 user, 3 count, 4 page of referrals (offender, programme, area,
    # organisation and liaison joined; the priority rank a CASE in the same query),
    # 5-6 access log (request, people shown), 7-9 My work badge, 10 organisation in
    # the banner, 11-13 filter choices (programme, area, the organisations of visible
    # referrals as one query with a subquery), 14-16 session save
    with django_assert_max_num_queries(16):
        response = client.get(url, query)
    assert response.status_code == 200
    assert response.context["object_list"]
