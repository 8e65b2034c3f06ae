"""/api/v1/access-log/: the consultation log for the data protection officer and
administrators only, newest first, paged, filtered by person, user and first day;
bad filters answer 400 JSON naming the field; nothing can be written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from interventions.models import Offender
from tests.dataprotection.conftest import dpo, local, logged, people  # noqa: F401 - fixtures
from tests.interventions.conftest import offender_factory  # noqa: F401 - fixture
from tracker.core.api.tokens import issue_token
from tracker.core.models import AccessLog

pytestmark = pytest.mark.django_db
URL = "/api/v1/access-log/"


def client_for(user: Any) -> APIClient:
    api = APIClient()
    raw, _ = issue_token(user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return api


@pytest.fixture
def rows(
    liaison: Any,
    liaison2: Any,
    people: list[Offender],
    logged: Callable[..., AccessLog],  # noqa: F811
) -> dict[str, AccessLog]:
    return {
        "first": logged(liaison, [people[0]], at=local(2026, 11, 2, 9)),
        "second": logged(liaison2, [people[1], people[0]], at=local(2026, 11, 10, 12), action="list"),
        "third": logged(liaison, [people[2]], at=local(2026, 11, 24, 0, 0), way="api", action="api"),
        "sign_in": logged(liaison, at=local(2026, 11, 24, 8), action="sign_in", path="/accounts/login/"),
    }


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_dpo_and_administrators_read_the_log_newest_first(
    dpo: Any,
    admin_user: Any,
    people: list[Offender],
    rows: dict[str, AccessLog],  # noqa: F811
) -> None:
    for user in (dpo, admin_user):
        body = client_for(user).get(URL, {"user": "liaison2"}).json()
        assert body["count"] == 1
        (row,) = body["results"]
        assert row["id"] == rows["second"].pk
        assert row["user"] == "liaison2"
        assert row["organisation"] == "HMP Long Lartin"
        assert (row["action"], row["way"]) == ("list", "page")
        assert row["at"].startswith("2026-11-10T12:00:00")
        assert row["path"] == "/interventions/people/"
        assert row["client_address"] == "192.0.2.10"
        assert row["people"] == sorted([people[0].pk, people[1].pk])
        assert row["people_count"] == 2
    everything = client_for(dpo).get(URL, {"since": "2026-11-01"})
    # The two earlier reads of the log are there too, newest first.
    listed = _ids(everything)
    assert listed[-4:] == [rows[k].pk for k in ("sign_in", "third", "second", "first")]


@pytest.mark.parametrize("role", ["officer", "liaison", "liaison2", "board"])
def test_other_roles_are_refused_with_403(users: dict[str, Any], role: str, rows: dict[str, AccessLog]) -> None:
    response = client_for(users[role]).get(URL)
    assert response.status_code == 403
    assert "detail" in response.json()


def test_anonymous_is_401() -> None:
    assert APIClient().get(URL).status_code == 401


def test_filter_by_person_user_and_since(
    dpo: Any,
    people: list[Offender],
    rows: dict[str, AccessLog],  # noqa: F811
) -> None:
    api = client_for(dpo)
    assert _ids(api.get(URL, {"person": people[0].pk, "user": "liaison"})) == [rows["first"].pk]
    assert _ids(api.get(URL, {"person": people[0].pk, "since": "2026-11-03", "user": "liaison2"})) == [
        rows["second"].pk
    ]
    assert _ids(api.get(URL, {"user": "liaison", "since": "2026-11-24"})) == [rows["sign_in"].pk, rows["third"].pk]
    assert _ids(api.get(URL, {"person": people[2].pk, "user": "liaison", "since": "2026-11-25"})) == []


def test_paged_like_every_list(
    dpo: Any,
    liaison: Any,
    people: list[Offender],
    logged: Callable[..., AccessLog],  # noqa: F811
) -> None:
    for minute in range(55):
        logged(liaison, [people[0]], at=local(2026, 11, 2, 9, minute))
    body = client_for(dpo).get(URL, {"user": "liaison"}).json()
    assert body["count"] == 55 and len(body["results"]) == 50 and body["next"]
    assert (
        client_for(dpo)
        .get(URL, {"user": "liaison", "page": 2})
        .json()["results"][-1]["at"]
        .startswith("2026-11-02T09:00:00")
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"person": "abc"}, "person"),
        ({"person": "0"}, "person"),
        ({"person": "99999999999999999999999"}, "person"),
        ({"since": "2026-02-30"}, "since"),
        ({"since": "yesterday"}, "since"),
        ({"user": "nobody-by-this-name"}, "user"),
    ],
)
def test_bad_filters_answer_400_naming_the_field(dpo: Any, query: dict[str, str], field: str) -> None:
    response = client_for(dpo).get(URL, query)
    assert response.status_code == 400
    body = response.json()
    assert field in body and body["detail"]


def test_reading_the_log_through_the_api_is_logged(
    dpo: Any,
    people: list[Offender],
    rows: dict[str, AccessLog],  # noqa: F811
) -> None:
    client_for(dpo).get(URL, {"person": people[1].pk})
    own = AccessLog.objects.get(user=dpo)
    assert (own.action, own.way, own.path) == ("api", "api", URL)
    assert sorted(own.consulted.values_list("person_id", flat=True)) == sorted([people[0].pk, people[1].pk])


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nothing_can_be_written_or_deleted(dpo: Any, admin_user: Any, rows: dict[str, AccessLog], method: str) -> None:
    before = list(AccessLog.objects.values_list("pk", "at", "path"))
    for user in (dpo, admin_user):
        api = client_for(user)
        assert getattr(api, method)(URL, {"path": "/"}, format="json").status_code == 405
        assert getattr(api, method)(f"{URL}{rows['first'].pk}/", {"path": "/"}, format="json").status_code == 404
    assert list(AccessLog.objects.values_list("pk", "at", "path")) == before


@pytest.mark.parametrize("since", ["0001-01-01", "9999-12-31"])
def test_the_ends_of_the_calendar_are_answered_not_500(dpo: Any, rows: dict[str, AccessLog], since: str) -> None:
    response = client_for(dpo).get(URL, {"since": since, "user": "liaison"})
    assert response.status_code == 200
    assert response.json()["count"] == (3 if since.startswith("0001") else 0)


def test_a_nul_character_is_refused_with_400(dpo: Any) -> None:
    assert client_for(dpo).get(URL, {"user": "li\x00aison"}).status_code == 400
