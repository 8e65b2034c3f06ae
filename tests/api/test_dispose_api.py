"""POST /api/v1/offenders/<id>/dispose/ (issue #14): the data protection officer and
administrators only; a JSON answer for every refusal; the stub in the answer."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from interventions.models import Offender, PersonDataEvent
from tests.interventions.conftest import (  # noqa: F401 - fixtures
    offender_factory,
    outcome_types,
    programme,
    reason,
    referral_factory,
)
from tracker.dataprotection.models import RetentionDecision

pytestmark = pytest.mark.django_db


def url(pk: int) -> str:
    return f"/api/v1/offenders/{pk}/dispose/"


@pytest.fixture
def dpo(user_factory: Any) -> Any:
    return user_factory("data_protection_officer", username="dpo")


def test_the_dpo_disposes_of_a_person_and_gets_the_stub(referral_factory: Any, dpo: Any) -> None:
    person = referral_factory("withdrawn").offender
    api = APIClient()
    api.force_authenticate(dpo)
    response = api.post(url(person.pk), {"reason": "Erasure request"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("id", "case_reference", "first_name", "last_name", "date_of_birth")} == {
        "id": person.pk,
        "case_reference": f"DISPOSED-{person.pk}",
        "first_name": "Disposed",
        "last_name": "person",
        "date_of_birth": "1900-01-01",
    }
    assert body["disposed_at"]
    assert PersonDataEvent.objects.get(person=person).reason == "Erasure request"
    assert RetentionDecision.objects.get(person=person).decision == "dispose"

    again = api.post(url(person.pk), {"reason": "Twice"}, format="json")
    assert again.status_code == 409
    assert "already been disposed" in again.json()["detail"]


@pytest.mark.parametrize("role", ["officer", "liaison", "board"])
def test_other_roles_are_refused_and_nothing_changes(referral_factory: Any, users: dict[str, Any], role: str) -> None:
    person = referral_factory("withdrawn").offender
    api = APIClient()
    api.force_authenticate(users[role])
    response = api.post(url(person.pk), {"reason": "Erasure request"}, format="json")
    assert response.status_code == 403
    assert "detail" in response.json()
    person.refresh_from_db()
    assert person.disposed_at is None and person.first_name == "Sam"


def test_anonymous_callers_are_refused(referral_factory: Any) -> None:
    person = referral_factory("withdrawn").offender
    assert APIClient().post(url(person.pk), {"reason": "x"}, format="json").status_code == 401


def test_administrators_may_dispose_too(referral_factory: Any, admin_user: Any) -> None:
    person = referral_factory("withdrawn").offender
    api = APIClient()
    api.force_authenticate(admin_user)
    assert api.post(url(person.pk), {"reason": "Review: no longer needed"}, format="json").status_code == 200


def test_an_unknown_person_is_a_404_and_a_missing_reason_a_400(referral_factory: Any, dpo: Any) -> None:
    person = referral_factory("withdrawn").offender
    api = APIClient()
    api.force_authenticate(dpo)
    missing = api.post(url(person.pk + 1000), {"reason": "x"}, format="json")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not found."}
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        response = api.post(url(person.pk), body, format="json")
        assert response.status_code == 400, body
        assert "reason" in response.json()
    person.refresh_from_db()
    assert person.disposed_at is None
    assert Offender.objects.filter(case_reference__startswith="DISPOSED").count() == 0
