"""The offender behaviour API: lifecycle moves and their refusals, edit conflicts,
bad bodies, the UI's filters, the access log and query counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from rest_framework.test import APIClient

from interventions import services
from interventions.models import Offender, Referral, Session
from tests.interventions.conftest import (  # noqa: F401 - fixtures
    offender_factory,
    outcome_types,
    programme,
    reason,
    referral_factory,
)
from tracker.core.models import AccessLog, Outcome

pytestmark = pytest.mark.django_db
API = "/api/v1"
SIZES = [3, 30]


def client_for(user: Any) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


# Moves ----------------------------------------------------------------------


def test_a_move_the_lifecycle_refuses_is_409_with_a_message(
    referral_factory: Callable[..., Referral],  # noqa: F811
    liaison: Any,
) -> None:
    referral = referral_factory("submitted")
    response = client_for(liaison).post(f"{API}/referrals/{referral.pk}/start/", {"version": referral.version})
    assert response.status_code == 409
    assert "cannot be moved" in response.json()["detail"]
    referral.refresh_from_db()
    assert referral.status == "submitted"


def test_a_stale_version_is_409_with_the_current_version(
    referral_factory: Callable[..., Referral],  # noqa: F811
    liaison: Any,
) -> None:
    referral = referral_factory("submitted")
    read = referral.version
    services.assign(referral, by=liaison, expected_version=referral.version, liaison=liaison)
    response = client_for(liaison).post(f"{API}/referrals/{referral.pk}/accept/", {"version": read}, format="json")
    assert response.status_code == 409
    assert response.json()["current_version"] == read + 1
    referral.refresh_from_db()
    assert referral.status == "submitted"


def test_stale_patch_is_refused_and_changes_nothing(
    referral_factory: Callable[..., Referral],  # noqa: F811
    liaison: Any,
) -> None:
    referral = referral_factory("submitted")
    api = client_for(liaison)
    first = api.patch(f"{API}/referrals/{referral.pk}/", {"priority": "urgent", "version": referral.version})
    assert first.status_code == 200
    assert first.json()["version"] == referral.version + 1
    stale = api.patch(f"{API}/referrals/{referral.pk}/", {"priority": "normal", "version": referral.version})
    assert stale.status_code == 409
    assert Referral.objects.get(pk=referral.pk).priority == "urgent"
    missing = api.patch(f"{API}/referrals/{referral.pk}/", {"priority": "normal"})
    assert missing.status_code == 400


def test_decline_needs_a_reason_code_and_records_it(
    referral_factory: Callable[..., Referral],  # noqa: F811
    liaison: Any,
    reason: Any,  # noqa: F811
) -> None:
    referral = referral_factory("submitted")
    api = client_for(liaison)
    url = f"{API}/referrals/{referral.pk}/decline/"
    missing = api.post(url, {"version": referral.version}, format="json")
    assert missing.status_code == 400
    assert "reason" in missing.json()
    done = api.post(url, {"version": referral.version, "reason": reason.pk, "note": "Full"}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "declined"
    assert referral.transitions.last().reason == reason


def test_complete_needs_a_rating_for_every_desired_outcome(
    referral_factory: Callable[..., Referral],  # noqa: F811
    liaison: Any,
) -> None:
    referral = referral_factory("started")
    first = referral.programme.desired_outcomes.first()
    api = client_for(liaison)
    url = f"{API}/referrals/{referral.pk}/complete/"
    partial = [{"outcome_type": first.pk, "rating": "achieved", "comment": "Yes"}]
    response = api.post(url, {"version": referral.version, "ratings": partial}, format="json")
    assert response.status_code == 400
    assert "ratings" in response.json()
    assert Referral.objects.get(pk=referral.pk).status == "started"
    assert not Outcome.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"scheduled_on": "2026-02-30", "happened": True, "attendance": "attended"},
        {"scheduled_on": "2026-02-03", "happened": True, "attendance": "sometimes"},
        {"scheduled_on": "2026-02-03", "happened": True, "attendance": "attended", "notes": "nul\x00byte"},
        {"scheduled_on": "2026-02-03", "happened": True, "attendance": "attended", "behaviour": 9},
        {"scheduled_on": "2026-02-03", "happened": True},
        {"scheduled_on": "2026-02-03", "happened": True, "attendance": "did_not_attend"},
        {"scheduled_on": "2026-02-03", "happened": "perhaps", "attendance": "attended"},
    ],
)
def test_bad_session_bodies_are_400_and_write_nothing(
    referral_factory: Callable[..., Referral],  # noqa: F811
    liaison: Any,
    body: dict[str, Any],
) -> None:
    referral = referral_factory("started")
    response = client_for(liaison).post(f"{API}/sessions/", {"referral": referral.pk, **body}, format="json")
    assert response.status_code == 400, response.content
    assert "detail" in response.json()
    assert not Session.objects.exists()


def test_offender_duplicate_needs_confirming_and_case_reference_is_unique(officer: Any) -> None:
    api = client_for(officer)
    body = {"case_reference": "A1", "first_name": "Ann", "last_name": "Other", "date_of_birth": "1990-01-01"}
    assert api.post(f"{API}/offenders/", body, format="json").status_code == 201
    again = api.post(f"{API}/offenders/", {**body, "case_reference": "a1", "last_name": "Else"}, format="json")
    assert again.status_code == 400
    assert "case_reference" in again.json()
    twin = api.post(f"{API}/offenders/", {**body, "case_reference": "A2"}, format="json")
    assert twin.status_code == 400
    assert "confirm_duplicate" in twin.json()
    confirmed = api.post(f"{API}/offenders/", {**body, "case_reference": "A2", "confirm_duplicate": True})
    assert confirmed.status_code == 201
    assert Offender.objects.count() == 2


def test_assign_only_to_a_colleague_of_the_handling_organisation(
    referral_factory: Callable[..., Referral],  # noqa: F811
    liaison: Any,
    liaison2: Any,
) -> None:
    referral = referral_factory("submitted")
    response = client_for(liaison).post(
        f"{API}/referrals/{referral.pk}/assign/", {"version": referral.version, "liaison": liaison2.pk}, format="json"
    )
    assert response.status_code == 400
    assert "liaison" in response.json()
    assert Referral.objects.get(pk=referral.pk).assigned_liaison is None


def test_referral_outcomes_are_read_only_through_the_outcomes_endpoint(
    referral_factory: Callable[..., Referral],  # noqa: F811
    liaison: Any,
) -> None:
    referral = referral_factory("completed")
    api = client_for(liaison)
    listed = api.get(f"{API}/outcomes/", {"subject_type": "interventions.referral", "subject_id": referral.pk})
    assert listed.json()["count"] == 2
    body = {
        "subject_type": "interventions.referral", "subject_id": referral.pk, "date": "2026-03-01",
        "outcome_type": Outcome.objects.first().outcome_type_id, "rating": "achieved", "description": "More",
    }  # fmt: skip
    assert api.post(f"{API}/outcomes/", body, format="json").status_code == 403


# Filters --------------------------------------------------------------------


def test_referrals_filter_and_sort_with_the_caseload_filterset(
    referral_factory: Callable[..., Referral],  # noqa: F811
    offender_factory: Callable[..., Offender],  # noqa: F811
    liaison: Any,
) -> None:
    referral_factory("submitted", offender=offender_factory(last_name="Zed"))
    accepted = referral_factory("accepted", offender=offender_factory(last_name="Able"))
    started = referral_factory("started", offender=offender_factory(last_name="Moss"))
    api = client_for(liaison)
    only = api.get(f"{API}/referrals/", {"status": "accepted"}).json()
    assert [r["id"] for r in only["results"]] == [accepted.pk]
    by_name = api.get(f"{API}/referrals/", {"sort": "name"}).json()
    assert [r["person"]["last_name"] for r in by_name["results"]] == ["Able", "Moss", "Zed"]
    found = api.get(f"{API}/referrals/", {"q": "moss"}).json()
    assert [r["id"] for r in found["results"]] == [started.pk]
    assert api.get(f"{API}/referrals/", {"status": "lost"}).status_code == 400


# Access log -----------------------------------------------------------------


def test_api_reads_of_people_write_the_access_log(
    referral_factory: Callable[..., Referral],  # noqa: F811
    liaison: Any,
) -> None:
    referrals = [referral_factory("submitted") for _ in range(3)]
    api = client_for(liaison)
    api.get(f"{API}/referrals/")
    # One row for the answer, naming every person in it.
    (listed,) = AccessLog.objects.filter(user=liaison, action=AccessLog.Action.API, way=AccessLog.Way.API)
    assert sorted(listed.consulted.values_list("person_id", flat=True)) == sorted(r.offender_id for r in referrals)
    assert listed.path.startswith("/api/v1/referrals/")
    api.get(f"{API}/offenders/{referrals[0].offender_id}/")
    person = AccessLog.objects.get(user=liaison, record_type="offender", record_id=referrals[0].offender_id)
    assert list(person.consulted.values_list("person_id", flat=True)) == [referrals[0].offender_id]
    api.get(f"{API}/referrals/{referrals[1].pk}/")
    one = AccessLog.objects.get(user=liaison, record_type="referral", record_id=referrals[1].pk)
    assert list(one.consulted.values_list("person_id", flat=True)) == [referrals[1].offender_id]
    assert AccessLog.objects.count() == 3


# Query counts ---------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_referral_list_queries_do_not_grow(
    size: int,
    referral_factory: Callable[..., Referral],  # noqa: F811
    liaison: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(size):
        started = referral_factory("started")
        referral = services.assign(started, by=liaison, expected_version=started.version, liaison=liaison)
        ratings = {t.pk: ("achieved", "Yes") for t in referral.programme.desired_outcomes.all()}
        services.complete(
            referral, by=liaison, expected_version=referral.version, ratings=ratings, confirm_fewer_sessions=True
        )
    api = client_for(liaison)
    # 1 count, 2 page of referrals with person/programme/area/organisations/referrer/
    # liaison/follow-up joined, 3-4 the access-log row and its people (one bulk INSERT)
    with django_assert_max_num_queries(4):
        response = api.get(f"{API}/referrals/", {"sort": "-name", "page_size": 100})
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", SIZES)
def test_offender_list_queries_do_not_grow(
    size: int,
    referral_factory: Callable[..., Referral],  # noqa: F811
    liaison: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(size):
        referral_factory("submitted")
    api = client_for(liaison)
    # 1 count, 2 page of people, 3-4 the access-log row and its people (one bulk INSERT)
    with django_assert_max_num_queries(4):
        response = api.get(f"{API}/offenders/", {"page_size": 100})
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", SIZES)
def test_session_list_queries_do_not_grow(
    size: int,
    referral_factory: Callable[..., Referral],  # noqa: F811
    liaison: Any,
    django_assert_max_num_queries: Any,
) -> None:
    referral = referral_factory("started")
    for day in range(size):
        services.record_session(
            referral, by=liaison, scheduled_on=date(2026, 1, 1 + day), happened=True, attendance="attended"
        )
    api = client_for(liaison)
    # 1 count, 2 page of sessions with the recorder and the referral joined, 3-4 the
    # access-log row and the people the sessions are about (one bulk INSERT)
    with django_assert_max_num_queries(4):
        response = api.get(f"{API}/sessions/", {"page_size": 100})
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", SIZES)
def test_programme_and_reason_lists_queries_do_not_grow(
    size: int, liaison: Any, probation: Any, django_assert_max_num_queries: Any
) -> None:
    from interventions.models import Programme, ReasonCode

    for n in range(size):
        Programme.objects.create(name=f"Programme {n}", provider=probation, setting="community")
        ReasonCode.objects.create(name=f"Reason {n}", group="other")
    api = client_for(liaison)
    # 1 count, 2 page with the provider joined, 3 desired outcomes prefetched
    with django_assert_max_num_queries(3):
        assert api.get(f"{API}/programmes/", {"page_size": 100}).json()["count"] == size
    # 1 count, 2 page
    with django_assert_max_num_queries(2):
        assert api.get(f"{API}/reason-codes/", {"page_size": 100}).json()["count"] == size


def test_a_version_sent_when_creating_is_ignored(
    referral_factory: Callable[..., Referral],  # noqa: F811
    officer: Any,
    liaison: Any,
) -> None:
    api = client_for(officer)
    body = {
        "case_reference": "V1",
        "first_name": "Val",
        "last_name": "Ver",
        "date_of_birth": "1990-01-01",
        "version": 7,
    }
    created = api.post(f"{API}/offenders/", body, format="json")
    assert created.status_code == 201
    assert created.json()["version"] == 1
    referral = referral_factory("started")
    session = {"referral": referral.pk, "scheduled_on": "2026-02-03", "happened": False, "version": 3}
    assert client_for(liaison).post(f"{API}/sessions/", session, format="json").status_code == 201
    # Only the date: the session took place (as the model's default), but attendance is needed.
    bare = client_for(liaison).post(
        f"{API}/sessions/", {"referral": referral.pk, "scheduled_on": "2026-02-10"}, format="json"
    )
    assert bare.status_code == 400
