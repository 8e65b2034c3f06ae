"""The filtered log as CSV and XLSX: exactly the rows filtered, people by id,
formulas neutralised, and the export itself logged."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from interventions.models import Offender
from tests.dataprotection.conftest import local
from tracker.core.models import AccessLog
from tracker.dataprotection.log_resources import CELL_LIMIT, fit_cell

pytestmark = pytest.mark.django_db
LOG = reverse("dataprotection:log")


@pytest.fixture
def rows(liaison: Any, officer: Any, people: list[Offender], logged: Callable[..., AccessLog]) -> dict[str, AccessLog]:
    return {
        "view": logged(liaison, [people[0]], at=local(2026, 11, 2, 9, 30), path="=HYPERLINK(1)"),
        "list": logged(liaison, people, at=local(2026, 11, 3, 10), action="list"),
        "other": logged(officer, [people[1]], at=local(2026, 11, 4, 11), way="api", action="api"),
        "sign_in": logged(liaison, at=local(2026, 11, 1, 8), action="sign_in"),
    }


def test_csv_holds_the_filtered_rows_newest_first_with_people_by_id(
    client: Any, dpo: Any, people: list[Offender], rows: dict[str, AccessLog]
) -> None:
    client.force_login(dpo)
    response = client.get(LOG, {"user": "liaison", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="access-log-')
    table = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert [r["when"] for r in table] == ["2026-11-03 10:00:00", "2026-11-02 09:30:00", "2026-11-01 08:00:00"]
    listed = table[0]
    assert listed["username"] == "liaison"
    assert listed["user"] == "Liaison Tester"
    assert listed["organisation"] == "Probation Service – West Mercia"
    assert listed["action"] == "Listed" and listed["way in"] == "Web page"
    assert listed["client address"] == "192.0.2.10"
    assert listed["people shown"] == "3"
    assert listed["person ids"] == " ".join(str(p.pk) for p in sorted(people, key=lambda p: p.pk))
    assert table[1]["page"] == "'=HYPERLINK(1)"  # neutralised
    assert table[2]["action"] == "Signed in" and table[2]["person ids"] == ""
    # No names or case references in the file: the log names people by id.
    assert "DEMO00123" not in response.getvalue().decode() and "Baker" not in response.getvalue().decode()


def test_xlsx_holds_the_same_rows(client: Any, dpo: Any, rows: dict[str, AccessLog]) -> None:
    client.force_login(dpo)
    response = client.get(LOG, {"way": "api", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    values = list(sheet.values)
    assert values[0][:3] == ("when", "username", "user")
    assert len(values) == 2 and values[1][1] == "officer"
    assert values[1][5] == "API"


def test_an_export_is_itself_logged_naming_the_people_in_it(
    client: Any, dpo: Any, people: list[Offender], rows: dict[str, AccessLog]
) -> None:
    client.force_login(dpo)
    client.get(LOG, {"person": "DEMO00456", "export": "csv"})
    own = AccessLog.objects.get(user=dpo)
    assert (own.action, own.way, own.path) == ("export", "export", LOG)
    # The rows exported showed all three people (the list showed them together).
    assert sorted(own.consulted.values_list("person_id", flat=True)) == sorted(p.pk for p in people)


def test_a_cell_of_ids_too_long_for_a_spreadsheet_is_cut_at_a_whole_id() -> None:
    ids = " ".join(str(n) for n in range(1_000_000, 1_010_000))
    cell = fit_cell(ids)
    assert len(cell) <= CELL_LIMIT
    kept, rest = cell.split(" and ")
    assert kept.split()[-1].isdigit() and len(kept.split()[-1]) == 7
    assert int(rest.removesuffix(" more")) == 10_000 - len(kept.split())
