"""/api/v1/outcomes/ follows each strand's visibility rules; exercised here with a
subject type registered for the test (organisations, visible to officers only)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from rest_framework.test import APIClient

from tracker.core import outcomes
from tracker.core.models import Organisation, Outcome, OutcomeType
from tracker.core.roles import Role

pytestmark = pytest.mark.django_db
URL = "/api/v1/outcomes/"


@pytest.fixture(autouse=True)
def organisation_subject() -> Iterator[None]:
    subject = outcomes.OutcomeSubject(
        model=Organisation,
        label="Organisation (test)",
        visible=lambda user: Organisation.objects.all() if user.has_role(Role.OFFICER) else Organisation.objects.none(),
        may_record=lambda user, record: user.has_role(Role.OFFICER),
    )
    outcomes.register_subject(subject)
    yield
    outcomes._subjects.pop("core.organisation", None)


@pytest.fixture
def kind() -> OutcomeType:
    return OutcomeType.objects.create(name="Campaign message shared")


def body(pcc: Organisation, kind: OutcomeType, **extra: Any) -> dict[str, Any]:
    return {
        "subject_type": "core.organisation", "subject_id": pcc.pk, "date": "2026-03-01",
        "outcome_type": kind.pk, "rating": "achieved", "description": "Posters up", **extra,
    }  # fmt: skip


def client_for(user: Any) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_officer_records_and_reads_outcomes(officer: Any, pcc: Organisation, kind: OutcomeType) -> None:
    api = client_for(officer)
    created = api.post(URL, body(pcc, kind), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["version"] == 1
    listing = api.get(URL, {"subject_type": "core.organisation", "subject_id": pcc.pk}).json()
    assert [row["description"] for row in listing["results"]] == ["Posters up"]


def test_outcomes_of_records_the_user_cannot_see_are_hidden(
    officer: Any, liaison: Any, pcc: Organisation, kind: OutcomeType
) -> None:
    outcomes.record_outcome(
        pcc, by=officer, date=date(2026, 3, 1), outcome_type=kind, rating="achieved", description="x"
    )
    api = client_for(liaison)
    assert api.get(URL).json()["count"] == 0
    outcome = Outcome.objects.get()
    assert api.get(f"{URL}{outcome.pk}/").status_code == 404
    refused = api.post(URL, body(pcc, kind), format="json")
    assert refused.status_code == 400
    assert "subject_id" in refused.json()


def test_stale_update_answers_409_with_the_current_version(officer: Any, pcc: Organisation, kind: OutcomeType) -> None:
    api = client_for(officer)
    outcome_id = api.post(URL, body(pcc, kind), format="json").json()["id"]
    first = api.patch(f"{URL}{outcome_id}/", {"rating": "partly_achieved", "version": 1}, format="json")
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = api.patch(f"{URL}{outcome_id}/", {"rating": "not_achieved", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert Outcome.objects.get().rating == "partly_achieved"
    missing = api.patch(f"{URL}{outcome_id}/", {"rating": "not_achieved"}, format="json")
    assert missing.status_code == 400
    assert "version" in missing.json()


def test_board_member_may_read_but_not_write(board: Any, pcc: Organisation, kind: OutcomeType) -> None:
    response = client_for(board).post(URL, body(pcc, kind), format="json")
    assert response.status_code == 403
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "bad",
    [
        {"rating": "brilliant"},
        {"date": "2026-02-30"},
        {"description": "nul\x00byte"},
        {"subject_type": "core.nothing"},
        {"measure": "lots"},
        {"outcome_type": 999999},
    ],
)
def test_bad_bodies_are_400_with_field_errors(
    officer: Any, pcc: Organisation, kind: OutcomeType, bad: dict[str, Any]
) -> None:
    response = client_for(officer).post(URL, body(pcc, kind, **bad), format="json")
    assert response.status_code == 400
    assert set(bad) & set(response.json())
    assert not Outcome.objects.exists()


def test_delete_keeps_the_outcome_in_history(officer: Any, pcc: Organisation, kind: OutcomeType) -> None:
    api = client_for(officer)
    outcome_id = api.post(URL, body(pcc, kind), format="json").json()["id"]
    assert api.delete(f"{URL}{outcome_id}/").status_code == 204
    assert Outcome.history.filter(id=outcome_id, history_type="-").exists()


@pytest.mark.parametrize("count", [3, 30])
def test_outcome_list_queries_do_not_grow(
    officer: Any, pcc: Organisation, kind: OutcomeType, count: int, django_assert_max_num_queries: Any
) -> None:
    for n in range(count):
        outcomes.record_outcome(
            pcc, by=officer, date=date(2026, 3, 1), outcome_type=kind, rating="achieved", description=f"n{n}"
        )
    api = client_for(officer)
    # The content-type cache lives as long as the process; a transactional test run
    # before this one flushes the database and empties it. Fill it as any earlier
    # request in a server's life would, then count.
    api.get(URL)
    # 1 count, 2 page of outcomes with type, subject type and recorder joined
    with django_assert_max_num_queries(2):
        response = api.get(URL)
    assert response.json()["count"] == count
