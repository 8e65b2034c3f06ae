"""The offenders API learns nothing about people the caller cannot see (issue #12):
creating or renumbering a person with another organisation's case reference, with
that person's right or wrong name and date of birth, answers exactly as an unused
reference does (status, body once typed values and the new record's id are masked,
number of queries). Clashes with people the caller can see are still refused, and
identifiers and dates of birth are validated."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from interventions import services
from interventions.models import Offender, Referral
from tests.interventions.conftest import (  # noqa: F401 - fixtures
    offender_factory,
    outcome_types,
    programme,
    reason,
    referral_factory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"
HIDDEN = ("PROB-0001", "Jo", "Bloggs", "1980-05-05")
VARIANTS = {
    "hidden_right": HIDDEN,
    "hidden_wrong_born": ("PROB-0001", "Jo", "Bloggs", "1980-05-06"),
    "hidden_wrong_name": ("prob-0001", "Jon", "Bloggs", "1980-05-05"),
    "unused_same_details": ("FRESH-0001", "Jo", "Bloggs", "1980-05-05"),
    "unused": ("FRESH-0002", "Alex", "Other", "1975-01-01"),
}
TYPED = "«typed»"


def client_for(user: Any) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def body(variant: tuple[str, str, str, str]) -> dict[str, str]:
    ref, first, last, born = variant
    return {"case_reference": ref, "first_name": first, "last_name": last, "date_of_birth": born}


@pytest.fixture
def hidden(referral_factory: Callable[..., Referral], liaison: Any) -> Offender:  # noqa: F811
    """Held by the probation service and referred to it: the prison cannot see them."""
    person = services.create_offender(
        by=liaison, case_reference=HIDDEN[0], first_name=HIDDEN[1], last_name=HIDDEN[2], date_of_birth=date(1980, 5, 5)
    )
    referral_factory("submitted", by=liaison, offender=person)
    return person


def masked(response: Any, typed: tuple[str, str, str, str], *, made: int | None = None) -> tuple[int, Any, str]:
    """Status and body with the values the caller sent (and the id of a record the
    request made) replaced by placeholders."""
    data = response.json()
    if isinstance(data, dict):
        for key, value in list(data.items()):
            if value in typed or (key == "id" and value == made):
                data[key] = TYPED
    return response.status_code, data, response.headers.get("Content-Type", "")


def isolated[T](call: Callable[[], T]) -> tuple[T, int]:
    """One attempt, undone afterwards, with its number of queries."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            result = call()
        transaction.set_rollback(True)
    return result, len(queries)


def assert_all_alike(answers: dict[str, Any]) -> None:
    first_name, first = next(iter(answers.items()))
    for name, other in answers.items():
        assert json.dumps(other, sort_keys=True, default=str) == json.dumps(first, sort_keys=True, default=str), (
            f"{name} answers differently from {first_name}"
        )


@pytest.mark.parametrize("confirm", [False, True])
def test_creating_answers_alike_for_hidden_and_unused_references(
    hidden: Offender, liaison2: Any, confirm: bool
) -> None:
    api = client_for(liaison2)
    answers = {}
    for name, variant in VARIANTS.items():

        def create(v: tuple[str, str, str, str] = variant) -> tuple[Any, ...]:
            sent = {**body(v), **({"confirm_duplicate": True} if confirm else {})}
            response = api.post(f"{API}/offenders/", sent, format="json")
            made = Offender.objects.filter(created_by=liaison2).values_list("pk", flat=True).first()
            return masked(response, v, made=made)

        answers[name] = isolated(create)
    assert answers["unused"][0][0] == 201
    assert_all_alike(answers)


def test_renumbering_answers_alike_for_hidden_and_unused_references(hidden: Offender, liaison2: Any) -> None:
    own = services.create_offender(
        by=liaison2, case_reference="PR-1", first_name="Kim", last_name="Lee", date_of_birth=date(1970, 1, 1)
    )
    api = client_for(liaison2)
    answers = {}
    for name, variant in VARIANTS.items():

        def update(v: tuple[str, str, str, str] = variant) -> tuple[Any, ...]:
            response = api.patch(f"{API}/offenders/{own.pk}/", {**body(v), "version": 1}, format="json")
            return masked(response, v)

        answers[name] = isolated(update)
    assert answers["unused"][0][0] == 200
    assert_all_alike(answers)


def test_the_hidden_person_cannot_be_read_or_changed_by_id(hidden: Offender, liaison2: Any) -> None:
    api = client_for(liaison2)
    missing = max(Offender.objects.values_list("pk", flat=True)) + 100
    for method in ("get", "patch"):
        hidden_answer = getattr(api, method)(f"{API}/offenders/{hidden.pk}/", {"version": 1}, format="json")
        missing_answer = getattr(api, method)(f"{API}/offenders/{missing}/", {"version": 1}, format="json")
        assert hidden_answer.status_code == missing_answer.status_code == 404
        assert hidden_answer.content == missing_answer.content


def test_referring_a_hidden_person_answers_as_a_missing_one(
    hidden: Offender,
    liaison2: Any,
    programme: Any,  # noqa: F811
    prison: Any,
    areas: Any,
) -> None:
    api = client_for(liaison2)
    missing = max(Offender.objects.values_list("pk", flat=True)) + 100
    answers = {}
    for name, pk in {"hidden": hidden.pk, "missing": missing}.items():
        sent = {
            "offender": pk,
            "programme": programme.pk,
            "handling_organisation": prison.pk,
            "offence_date": "2026-01-10",
            "area": next(iter(areas.values())).pk,
            "victim_role": "police_officer",
        }
        response = api.post(f"{API}/referrals/", sent, format="json")
        answers[name] = (response.status_code, response.content.decode().replace(str(pk), TYPED))
    assert answers["hidden"][0] == 400
    assert answers["hidden"] == answers["missing"]


def test_clashes_with_people_the_caller_can_see_are_still_refused(
    liaison2: Any, user_factory: Any, prison: Any
) -> None:
    api = client_for(liaison2)
    first = api.post(f"{API}/offenders/", body(("PR-1", "Kim", "Lee", "1970-01-01")), format="json")
    assert first.status_code == 201
    colleague = client_for(user_factory("probation_liaison", organisation=prison))
    again = colleague.post(f"{API}/offenders/", body(("pr-1", "Al", "Other", "1971-01-01")), format="json")
    assert again.status_code == 400
    assert "already has this case reference" in again.json()["case_reference"][0]
    twin = colleague.post(f"{API}/offenders/", body(("PR-2", "kim", "lee", "1970-01-01")), format="json")
    assert twin.status_code == 400
    assert "confirm_duplicate" in twin.json()
    second = colleague.post(f"{API}/offenders/", body(("PR-3", "Al", "Other", "1971-01-01")), format="json")
    renumber = colleague.patch(
        f"{API}/offenders/{second.json()['id']}/", {"case_reference": "Pr-1", "version": 1}, format="json"
    )
    assert renumber.status_code == 400
    assert "already has this case reference" in renumber.json()["case_reference"][0]
    assert Offender.objects.count() == 2


@pytest.mark.parametrize(
    "reference",
    ["A1\r\nX-Injected: yes", 'A1"; filename="x.exe', "A1\tB", "A1\x00B", "A1;B", "A1'B", "Ä1", "A1\u2028B"],
)
def test_case_references_with_other_characters_are_refused(liaison2: Any, reference: str) -> None:
    api = client_for(liaison2)
    response = api.post(f"{API}/offenders/", body((reference, "Kim", "Lee", "1970-01-01")), format="json")
    assert response.status_code == 400, response.content
    assert any("only letters, numbers, spaces" in m for m in response.json()["case_reference"])
    assert not Offender.objects.exists()
    own = services.create_offender(
        by=liaison2, case_reference="PR 1/2.3-4", first_name="Kim", last_name="Lee", date_of_birth=date(1970, 1, 1)
    )
    change = api.patch(f"{API}/offenders/{own.pk}/", {"case_reference": reference, "version": 1}, format="json")
    assert change.status_code == 400
    own.refresh_from_db()
    assert own.case_reference == "PR 1/2.3-4"


@pytest.mark.parametrize("shift, message", [(1, "today or in the past"), (None, "after 1 January 1900")])
def test_dates_of_birth_in_the_future_or_before_1900_are_refused(
    liaison2: Any, shift: int | None, message: str
) -> None:
    born = timezone.localdate() + timedelta(days=shift) if shift else date(1899, 12, 31)
    api = client_for(liaison2)
    response = api.post(f"{API}/offenders/", body(("PR-1", "Kim", "Lee", born.isoformat())), format="json")
    assert response.status_code == 400
    assert message in response.json()["date_of_birth"][0]
    edge = api.post(f"{API}/offenders/", body(("PR-2", "Kim", "Lee", "1900-01-01")), format="json")
    assert edge.status_code == 201
    today = api.post(
        f"{API}/offenders/", body(("PR-3", "Baby", "Lee", timezone.localdate().isoformat())), format="json"
    )
    assert today.status_code == 201
    change = api.patch(
        f"{API}/offenders/{edge.json()['id']}/", {"date_of_birth": born.isoformat(), "version": 1}, format="json"
    )
    assert change.status_code == 400
