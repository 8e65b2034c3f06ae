"""The offender behaviour API's permission matrix: every endpoint × every role ×
read and write, answered as the pages answer (404 outside scope, 403 for a role
or relation that may not act, 401 without credentials)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from rest_framework.test import APIClient

from interventions import services
from interventions.models import Referral
from tests.interventions.conftest import (  # noqa: F401 - fixtures
    offender_factory,
    outcome_types,
    programme,
    reason,
    referral_factory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"
ROLES = ["officer", "liaison", "liaison2", "board", "admin", "anonymous"]


@dataclass
class World:
    submitted: Referral
    accepted: Referral
    session_id: int
    programme_id: int
    reason_id: int
    area_id: int


@pytest.fixture
def world(referral_factory: Callable[..., Referral], liaison: Any, reason: Any) -> World:  # noqa: F811
    """A referral by the officer handled by probation (the `liaison`'s organisation),
    submitted; another accepted, with one session."""
    submitted = referral_factory("submitted")
    accepted = referral_factory("accepted")
    session = services.record_session(
        accepted, by=liaison, scheduled_on=date(2026, 2, 1), happened=True, attendance="attended", behaviour=4
    )
    return World(submitted, accepted, session.pk, submitted.programme_id, reason.pk, submitted.area_id)


def client_for(role: str, users: dict[str, Any]) -> APIClient:
    api = APIClient()
    if role != "anonymous":
        api.force_authenticate(users[role])
    return api


def new_offender_body(role: str) -> dict[str, Any]:
    return {
        "case_reference": f"NEW-{role}",
        "first_name": "Alex",
        "last_name": f"New{role}",
        "date_of_birth": "1991-04-02",
    }


def new_referral_body(role: str, world: World, users: dict[str, Any], probation: Any) -> dict[str, Any]:
    offender = services.create_offender(
        by=users[role] if role != "anonymous" else users["admin"],
        case_reference=f"REF-{role}",
        first_name="Jo",
        last_name="Bloggs",
        date_of_birth=date(1985, 5, 5),
    )
    return {
        "offender": offender.pk, "programme": world.programme_id, "handling_organisation": probation.pk,
        "offence_date": "2026-01-02", "area": world.area_id, "victim_role": "pcso",
    }  # fmt: skip


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[World], str]
    expected: dict[str, int]
    body: Callable[..., dict[str, Any]] | None = None


ALL_200 = {"officer": 200, "liaison": 200, "liaison2": 200, "board": 403, "admin": 200, "anonymous": 401}
SCOPED_200 = {"officer": 200, "liaison": 200, "liaison2": 404, "board": 403, "admin": 200, "anonymous": 401}
HANDLER_ONLY = {"officer": 403, "liaison": 200, "liaison2": 404, "board": 403, "admin": 200, "anonymous": 401}
READ_ONLY_LIST = {"officer": 405, "liaison": 405, "liaison2": 405, "board": 403, "admin": 405, "anonymous": 401}

CASES = [
    Case("offenders list", "get", lambda w: f"{API}/offenders/", ALL_200),
    Case("offender detail", "get", lambda w: f"{API}/offenders/{w.submitted.offender_id}/", SCOPED_200),
    Case(
        "offender create",
        "post",
        lambda w: f"{API}/offenders/",
        {"officer": 201, "liaison": 201, "liaison2": 201, "board": 403, "admin": 201, "anonymous": 401},
        lambda role, w, users, probation: new_offender_body(role),
    ),
    Case(
        "offender update",
        "patch",
        lambda w: f"{API}/offenders/{w.submitted.offender_id}/",
        SCOPED_200,
        lambda role, w, users, probation: {"first_name": "Samuel", "version": 1},
    ),
    Case("programmes list", "get", lambda w: f"{API}/programmes/", ALL_200),
    Case("programme detail", "get", lambda w: f"{API}/programmes/{w.programme_id}/", ALL_200),
    Case("programme create", "post", lambda w: f"{API}/programmes/", READ_ONLY_LIST, lambda *a: {"name": "X"}),
    Case("reason codes list", "get", lambda w: f"{API}/reason-codes/", ALL_200),
    Case("reason code detail", "get", lambda w: f"{API}/reason-codes/{w.reason_id}/", ALL_200),
    Case("reason code create", "post", lambda w: f"{API}/reason-codes/", READ_ONLY_LIST, lambda *a: {"name": "X"}),
    Case("referrals list", "get", lambda w: f"{API}/referrals/", ALL_200),
    Case("referral detail", "get", lambda w: f"{API}/referrals/{w.submitted.pk}/", SCOPED_200),
    Case(
        "referral create",
        "post",
        lambda w: f"{API}/referrals/",
        {"officer": 201, "liaison": 201, "liaison2": 201, "board": 403, "admin": 201, "anonymous": 401},
        new_referral_body,
    ),
    Case(
        "referral update",
        "patch",
        lambda w: f"{API}/referrals/{w.submitted.pk}/",
        HANDLER_ONLY,
        lambda role, w, users, probation: {"priority": "high", "version": w.submitted.version},
    ),
    Case(
        "referral accept",
        "post",
        lambda w: f"{API}/referrals/{w.submitted.pk}/accept/",
        HANDLER_ONLY,
        lambda role, w, users, probation: {"version": w.submitted.version},
    ),
    Case(
        "referral decline",
        "post",
        lambda w: f"{API}/referrals/{w.submitted.pk}/decline/",
        HANDLER_ONLY,
        lambda role, w, users, probation: {"version": w.submitted.version, "reason": w.reason_id},
    ),
    Case(
        "referral start",
        "post",
        lambda w: f"{API}/referrals/{w.accepted.pk}/start/",
        HANDLER_ONLY,
        lambda role, w, users, probation: {"version": w.accepted.version},
    ),
    Case(
        "referral withdraw",
        "post",
        lambda w: f"{API}/referrals/{w.submitted.pk}/withdraw/",
        SCOPED_200,
        lambda role, w, users, probation: {"version": w.submitted.version, "reason": w.reason_id},
    ),
    Case(
        "referral assign",
        "post",
        lambda w: f"{API}/referrals/{w.submitted.pk}/assign/",
        HANDLER_ONLY,
        lambda role, w, users, probation: {"version": w.submitted.version, "liaison": users["liaison"].pk},
    ),
    Case("sessions list", "get", lambda w: f"{API}/sessions/", ALL_200),
    Case("session detail", "get", lambda w: f"{API}/sessions/{w.session_id}/", SCOPED_200),
    Case(
        "session record",
        "post",
        lambda w: f"{API}/sessions/",
        # The other organisation's liaison cannot name a referral it cannot see: the
        # field is refused as if the id did not exist.
        {"officer": 403, "liaison": 201, "liaison2": 400, "board": 403, "admin": 201, "anonymous": 401},
        lambda role, w, users, probation: {
            "referral": w.accepted.pk,
            "scheduled_on": "2026-02-08",
            "happened": True,
            "attendance": "late",
        },
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_permission_matrix(case: Case, role: str, world: World, users: dict[str, Any], probation: Any) -> None:
    api = client_for(role, users)
    body = case.body(role, world, users, probation) if case.body else None
    response = getattr(api, case.method)(case.url(world), body, format="json")
    assert response.status_code == case.expected[role], (role, response.content[:300])
    assert response["Content-Type"].startswith("application/json") or response.status_code == 204


@pytest.mark.parametrize("role", ["officer", "liaison", "admin"])
def test_lists_show_exactly_what_the_pages_show(role: str, world: World, users: dict[str, Any]) -> None:
    api = client_for(role, users)
    user = users[role]
    listed = {row["id"] for row in api.get(f"{API}/referrals/").json()["results"]}
    assert listed == set(Referral.objects.visible_to(user).values_list("pk", flat=True))
    people = {row["id"] for row in api.get(f"{API}/offenders/").json()["results"]}
    from interventions.models import Offender

    assert people == set(Offender.objects.visible_to(user).values_list("pk", flat=True))


def test_other_organisations_liaison_sees_no_names(world: World, users: dict[str, Any]) -> None:
    api = client_for("liaison2", users)
    surnames = {world.submitted.offender.last_name, world.accepted.offender.last_name}
    answers = [
        api.get(f"{API}/referrals/"),
        api.get(f"{API}/offenders/"),
        api.get(f"{API}/sessions/"),
        api.get(f"{API}/outcomes/", {"subject_type": "interventions.referral"}),
        api.get(f"{API}/referrals/", {"q": world.submitted.offender.last_name}),
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert answer.json()["count"] == 0
        assert not any(name in answer.content.decode() for name in surnames)


def test_board_member_gets_no_personal_data_anywhere(world: World, users: dict[str, Any]) -> None:
    api = client_for("board", users)
    for url in ["offenders/", "referrals/", f"referrals/{world.submitted.pk}/", "sessions/"]:
        response = api.get(f"{API}/{url}")
        assert response.status_code == 403
        assert world.submitted.offender.last_name not in response.content.decode()
    outcomes = api.get(f"{API}/outcomes/", {"subject_type": "interventions.referral"})
    assert outcomes.json()["count"] == 0
