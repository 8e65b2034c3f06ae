"""/api/v1/reports/board/: the board figures as JSON, for the staff who keep the
records (not board members, who read the published figures), unrounded and
unsuppressed, with every bad query answered 400 naming the field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.reports import conftest as reports_fixtures
from tests.reports.conftest import local
from tests.reports.counts import STRAND_QUERIES

pytestmark = pytest.mark.django_db
# The reports tests' factories, which build data through the services.
incident_factory = reports_fixtures.incident_factory
workforce_factory = reports_fixtures.workforce_factory
URL = "/api/v1/reports/board/"
QUARTER = {"start": "2018-07-01", "end": "2018-09-30"}


def client_for(user: Any) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize("role", ["officer", "admin", "liaison", "liaison2"])
def test_the_staff_who_keep_the_records_may_read_the_exact_figures(users: dict[str, Any], role: str) -> None:
    response = client_for(users[role]).get(URL, QUARTER)
    assert response.status_code == 200, response.json()
    assert response.json()["period"] == {"start": "2018-07-01", "end": "2018-09-30", "days": 92}


def test_board_members_are_refused_the_exact_figures_which_are_not_suppressed(
    board: Any, incident_factory: Any
) -> None:
    incident_factory(local(2018, 8, 1, 1), victim_role="pcso")
    response = client_for(board).get(URL, QUARTER)
    assert response.status_code == 403
    assert "detail" in response.json()
    assert "pcso" not in response.text


def test_a_user_without_a_role_is_refused_and_anonymous_is_401(user_factory: Any) -> None:
    assert client_for(user_factory()).get(URL, QUARTER).status_code == 403
    anonymous = APIClient().get(URL, QUARTER)
    assert anonymous.status_code == 401
    assert "detail" in anonymous.json()


def test_token_authentication_works(officer: Any) -> None:
    from tracker.core.api.tokens import issue_token

    raw, _ = issue_token(officer)
    response = APIClient().get(URL, QUARTER, HTTP_AUTHORIZATION=f"Token {raw}")
    assert response.status_code == 200


def test_the_figures_are_exact_and_shaped_as_the_issue_asks(
    officer: Any, incident_factory: Any, workforce_factory: Any
) -> None:
    workforce_factory(date(2018, 7, 1), date(2018, 9, 30), officers=2000, staff=1500)
    incident_factory(local(2018, 7, 7, 1, 30), injury=True, outcome="charged")  # Saturday 01:00
    incident_factory(local(2018, 7, 7, 1, 45), victim_role="pcso", outcome="caution")
    incident_factory(local(2018, 7, 9, 14), victim_role="special_constable", outcome="charged")  # Monday 14:00
    incident_factory(local(2018, 4, 2, 14))  # previous quarter
    data = client_for(officer).get(URL, QUARTER).json()
    assert data["area"] is None
    assaults = data["assaults"]
    assert (assaults["total"], assaults["with_injury"], assaults["charged"]) == (3, 1, 2)
    assert assaults["per_day"] == 3 / 92
    assert assaults["officers_per_assault"] == 2000 / 3
    assert assaults["by_victim_role"] == {
        "police_officer": 1,
        "student_officer": 0,
        "police_staff": 0,
        "pcso": 1,
        "special_constable": 1,
    }
    grid = assaults["by_weekday_hour"]
    assert len(grid) == 7 and all(len(row) == 24 for row in grid)
    assert grid[5][1] == 2  # Saturday, 01:00 to 01:59
    assert grid[0][14] == 1  # Monday first
    assert assaults["peaks"] == [{"weekday": 5, "hour": 1, "count": 2}]
    assert assaults["night_time_economy"] == 2
    assert assaults["previous_period"]["total"] == 1
    assert assaults["previous_period"]["percent"] == 200.0
    assert [m["month"] for m in assaults["by_month"]][-3:] == ["2018-07-01", "2018-08-01", "2018-09-01"]


def test_an_areas_small_counts_are_not_suppressed_in_the_json(officer: Any, incident_factory: Any) -> None:
    incident_factory(local(2018, 8, 1), area="Herefordshire")
    incident_factory(local(2018, 8, 2), area="Shropshire")
    data = client_for(officer).get(URL, {**QUARTER, "area": "Herefordshire"}).json()
    assert data["area"] == "Herefordshire"
    assert data["assaults"]["total"] == 1
    assert data["assaults"]["officers_per_assault"] is None


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({}, "start", "required"),
        ({"start": "2018-07-01"}, "end", "required"),
        ({"start": "not-a-date", "end": "2018-09-30"}, "start", "format"),
        ({"start": "2019-02-29", "end": "2019-03-31"}, "start", "format"),
        ({"start": "2018-09-30", "end": "2018-07-01"}, "end", "same as or after the first day"),
        ({**QUARTER, "area": "Atlantis"}, "area", "Choose one of the areas"),
        ({**QUARTER, "area": "Shrop\x00shire"}, "area", "Null characters"),
        ({**QUARTER, "area": "x" * 500}, "area", "no more than 100"),
        ({"start": "1066-10-14", "end": "2018-09-30"}, "start", "on or after 1 January 2000"),
        ({"start": "2001-01-01", "end": "2018-09-30"}, "end", "at most 10 years"),
        ({"start": "2026-01-01", "end": "2028-06-30"}, "end", "too far in the future"),
        ({"start": "2000-01-01", "end": "9999-12-31"}, "end", "at most 10 years"),
        ({"start": "2018-07-01\x00", "end": "2018-09-30"}, "start", "format"),
    ],
)
def test_bad_queries_answer_400_naming_the_field(
    officer: Any, params: dict[str, str], field: str, message: str
) -> None:
    response = client_for(officer).get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert "detail" in body
    assert any(message in text for text in body[field]), body


@pytest.mark.parametrize("count", [3, 30])
def test_the_json_takes_the_same_queries_at_any_size(
    officer: Any, incident_factory: Any, workforce_factory: Any, django_assert_num_queries: Any, count: int
) -> None:
    workforce_factory(date(2018, 7, 1), date(2018, 9, 30))
    for n in range(count):
        incident_factory(local(2018, 7 + n % 3, 1 + n % 28, n % 24), area="Herefordshire" if n % 2 else "Shropshire")
    api = client_for(officer)
    api.get(URL, QUARTER)  # caches content types
    # 1 area (validating the choice), 2 headline and comparison counts, 3 weekday × hour
    # grid, 4 workforce periods, 5 monthly trend, then the strands' sections
    with django_assert_num_queries(5 + STRAND_QUERIES):
        response = api.get(URL, {**QUARTER, "area": "Shropshire"})
    assert response.json()["assaults"]["total"] == count // 2 + count % 2
    # Without an area: no area query.
    with django_assert_num_queries(4 + STRAND_QUERIES):
        assert api.get(URL, QUARTER).json()["assaults"]["total"] == count


def test_the_schema_describes_every_field_of_the_answer(client: Any, officer: Any, tmp_path: Any) -> None:
    client.force_login(officer)
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"period", "start", "end", "area"}
    assert "NOT suppressed" in operation["description"]
    assert {"200", "400", "401", "403"} <= set(operation["responses"])
    components = schema["components"]["schemas"]
    assaults = components["AssaultFigures"]["properties"]
    assert {"total", "with_injury", "per_day", "officers_per_assault", "by_victim_role", "charged"} <= set(assaults)
    assert sorted(components["VictimRoleCounts"]["required"]) == sorted(
        [
            "police_officer",
            "student_officer",
            "police_staff",
            "pcso",
            "special_constable",
        ]
    )
    grid = assaults["by_weekday_hour"]
    assert (grid["minItems"], grid["maxItems"], grid["items"]["minItems"]) == (7, 7, 24)
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_the_json_carries_every_strand_section(officer: Any) -> None:
    data = client_for(officer).get(URL, QUARTER).json()
    assert {"engagement", "night_time_economy", "offender_behaviour", "outcomes"} <= data.keys()
    assert data["engagement"]["follow_ups"] == {"done_on_time": 0, "done_late": 0, "overdue": 0, "open_not_yet_due": 0}
    assert data["offender_behaviour"]["completion_rate"] is None  # no cases: no rate, not zero
    assert set(data["night_time_economy"]["partnerships_by_status_at_end"]) == {
        "prospect", "engaged", "signed_up", "active", "lapsed", "withdrawn",
    }  # fmt: skip
