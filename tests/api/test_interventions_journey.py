"""Issue 5's "done when": everything a liaison does to a referral in the browser can
be done with a token and the API alone. One journey, every step through HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from interventions.models import FollowUp, Referral, Session
from tests.conftest import PASSWORD
from tests.interventions.conftest import (  # noqa: F401 - fixtures
    offender_factory,
    outcome_types,
    programme,
    reason,
    referral_factory,
)
from tracker.core.models import AccessLog, Outcome

pytestmark = pytest.mark.django_db


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    return response.json()  # type: ignore[no-any-return]


def test_liaison_works_a_referral_from_caseload_to_completion_with_a_token(
    referral_factory: Callable[..., Referral],  # noqa: F811
    liaison: Any,
    officer: Any,
    user_factory: Callable[..., Any],
    probation: Any,
) -> None:
    colleague = user_factory("probation_liaison", username="colleague", organisation=probation)
    waiting = referral_factory("submitted")
    api = APIClient()

    token = ok(api.post("/api/v1/auth/token/", {"username": "liaison", "password": PASSWORD}, format="json"), 201)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")

    caseload = ok(api.get("/api/v1/referrals/", {"tab": "unassigned"}))
    assert [row["id"] for row in caseload["results"]] == [waiting.pk]
    row = caseload["results"][0]
    assert row["person"]["case_reference"] == waiting.offender.case_reference
    url = f"/api/v1/referrals/{waiting.pk}/"

    referral = ok(api.post(url + "assign/", {"version": row["version"], "liaison": colleague.pk}, format="json"))
    assert referral["assigned_liaison"] == colleague.pk
    referral = ok(api.post(url + "assign/", {"version": referral["version"], "liaison": liaison.pk}, format="json"))
    mine = ok(api.get("/api/v1/referrals/", {"tab": "mine"}))
    assert [r["id"] for r in mine["results"]] == [waiting.pk]

    referral = ok(api.post(url + "accept/", {"version": referral["version"], "note": "Fits"}, format="json"))
    assert referral["status"] == "accepted"
    referral = ok(api.post(url + "start/", {"version": referral["version"]}, format="json"))
    assert referral["status"] == "started"

    sessions = [
        {"scheduled_on": "2026-02-02", "happened": True, "attendance": "attended", "behaviour": 4},
        {"scheduled_on": "2026-02-09", "happened": True, "attendance": "did_not_attend", "absence": "unacceptable"},
        {
            "scheduled_on": "2026-02-16", "happened": True, "attendance": "late", "behaviour": 2,
            "concern": True, "concern_note": "Spoke of the victim with hostility",
        },
    ]  # fmt: skip
    for body in sessions:
        ok(api.post("/api/v1/sessions/", {"referral": waiting.pk, **body}, format="json"), 201)
    recorded = ok(api.get("/api/v1/sessions/", {"referral": waiting.pk}))
    assert [s["attendance"] for s in recorded["results"]] == ["attended", "did_not_attend", "late"]
    assert Session.objects.filter(referral=waiting, concern=True).count() == 1

    programme_id = referral["programme"]
    desired = ok(api.get(f"/api/v1/programmes/{programme_id}/"))["desired_outcomes"]
    assert len(desired) == 2
    ratings = [
        {"outcome_type": desired[0], "rating": "achieved", "comment": "Names the harm done"},
        {"outcome_type": desired[1], "rating": "partly_achieved", "comment": "Uses strategies when prompted"},
    ]
    body = {"version": referral["version"], "ratings": ratings, "note": "Done"}
    # Two sessions attended (one late) of more planned: refused until confirmed.
    refused = api.post(url + "complete/", body, format="json")
    assert refused.status_code == 409
    assert "attended 2 of the" in refused.json()["detail"]
    referral = ok(api.post(url + "complete/", {**body, "confirm_fewer_sessions": True}, format="json"))
    assert referral["status"] == "completed"
    completion = waiting.transitions.get(to_status="completed")
    assert (completion.sessions_attended, completion.fewer_sessions_confirmed) == (2, True)
    assert referral["follow_up"]["result"] == ""
    outcomes = ok(api.get("/api/v1/outcomes/", {"subject_type": "interventions.referral", "subject_id": waiting.pk}))
    assert sorted(o["rating"] for o in outcomes["results"]) == ["achieved", "partly_achieved"]
    assert Outcome.objects.count() == 2

    # The referrer (an officer) sees the concern and, in a year, records the follow-up.
    referrer = APIClient()
    referrer.force_authenticate(officer)
    concern = Session.objects.get(referral=waiting, concern=True)
    ok(referrer.post(f"/api/v1/sessions/{concern.pk}/acknowledge/", {"version": concern.version}, format="json"))
    follow_up = referral["follow_up"]
    done = ok(referrer.post(url + "follow-up/", {"version": follow_up["version"], "result": "no"}, format="json"))
    assert done["follow_up"]["result"] == "no"
    assert FollowUp.objects.get(referral=waiting).recorded_by == officer
    assert AccessLog.objects.filter(user=liaison, action=AccessLog.Action.API).exists()
