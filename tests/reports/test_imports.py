"""The "incidents" and "workforce" import kinds: the example files import from the
command line and the upload pages, every bad row is named by row and column with
nothing written, and an export re-imports without changing anything."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from tests.reports.conftest import LONDON, local
from tracker.assaults.models import AssaultIncident, WorkforcePeriod
from tracker.core.imports import registry
from tracker.core.imports.services import check_file
from tracker.core.models import ImportJob

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
INCIDENTS = FIXTURES / "incidents-example.csv"
WORKFORCE = FIXTURES / "workforce-example.csv"
HEADER = "reference,occurred_at,area,victim_role,injury,outcome\n"
GOOD_ROW = "R1,2018-07-01 01:20,Shropshire,police_officer,yes,charged\n"


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(*args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def test_the_kinds_are_registered_for_officers_and_administrators(officer: Any, liaison: Any, board: Any) -> None:
    incidents, workforce = registry.get("incidents"), registry.get("workforce")
    assert incidents is not None and workforce is not None
    assert incidents.required_columns == ("reference", "occurred_at", "area", "victim_role", "injury", "outcome")
    assert workforce.required_columns == ("period_start", "period_end", "officers", "staff")
    assert {k.slug for k in registry.kinds_for(officer)} >= {"incidents", "workforce"}
    assert not {"incidents", "workforce"} & {k.slug for k in registry.kinds_for(liaison)}
    assert not {"incidents", "workforce"} & {k.slug for k in registry.kinds_for(board)}


def test_the_example_files_import_from_the_command_line(areas: dict[str, Any], admin_user: Any) -> None:
    out, _ = run("import_data", "incidents", str(INCIDENTS), "--dry-run")
    assert "Would import 12 rows: 12 new, 0 updated, 0 unchanged." in out
    assert not AssaultIncident.objects.exists()
    out, _ = run("import_data", "incidents", str(INCIDENTS), "--user", admin_user.username)
    assert "Imported 12 rows: 12 new" in out
    out, _ = run("import_data", "workforce", str(WORKFORCE))
    assert "Imported 12 rows: 12 new" in out
    first = AssaultIncident.objects.get(reference="WM-EX-0001")
    assert first.occurred_at == datetime(2018, 7, 1, 1, 20, tzinfo=LONDON)
    assert (first.area.name, first.victim_role, first.injury, first.outcome) == (
        "Shropshire",
        "police_officer",
        True,
        "charged",
    )
    assert first.history.get().history_user == admin_user
    assert WorkforcePeriod.objects.get(period_start=date(2018, 7, 1)).officers == 2000
    again, _ = run("import_data", "incidents", str(INCIDENTS))
    assert "0 new, 0 updated, 12 unchanged" in again


def test_the_example_files_import_through_the_upload_pages(client: Any, officer: Any, areas: dict[str, Any]) -> None:
    client.force_login(officer)
    index = client.get(reverse("imports")).text
    assert "Assault incidents" in index and "Workforce figures" in index
    for slug, path, model in (("incidents", INCIDENTS, AssaultIncident), ("workforce", WORKFORCE, WorkforcePeriod)):
        upload = client.post(
            reverse("import-upload", args=[slug]), {"file": SimpleUploadedFile(path.name, path.read_bytes())}
        )
        job = ImportJob.objects.get(kind=slug)
        assert upload.url == reverse("import-preview", args=[job.pk])
        preview = client.get(upload.url).text
        assert "Import 12 rows" in preview
        assert not model.objects.exists()  # the preview writes nothing
        done = client.post(reverse("import-confirm", args=[job.pk]), follow=True).text
        assert "12 new, 0 updated, 0 unchanged" in done
    assert AssaultIncident.objects.count() == 12
    assert WorkforcePeriod.objects.count() == 12
    assert AssaultIncident.objects.get(reference="WM-EX-0005").history.get().history_user == officer


def test_other_roles_cannot_reach_the_incident_import(client: Any, liaison: Any, board: Any) -> None:
    client.force_login(liaison)
    assert client.get(reverse("import-upload", args=["incidents"])).status_code == 404
    client.force_login(board)
    assert client.get(reverse("import-upload", args=["workforce"])).status_code == 403


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("R2,2018-07-01 01:20,Atlantis,police_officer,yes,charged", "area", "no area called “Atlantis”"),
        ("R2,2018-07-01 01:20,Shropshire,dog,yes,charged", "victim_role", "not a victim role"),
        ("R2,2018-07-01 01:20,Shropshire,pcso,yes,acquitted", "outcome", "not an outcome"),
        ("R2,2018-07-01 01:20,Shropshire,pcso,maybe,charged", "injury", "Enter yes or no"),
        ("R2,2018-07-01,Shropshire,pcso,no,charged", "occurred_at", "the time as well as the date"),
        ("R2,2018-02-30 10:00,Shropshire,pcso,no,charged", "occurred_at", "Enter a date and time"),
        ("R2,yesterday,Shropshire,pcso,no,charged", "occurred_at", "Enter a date and time"),
        ("R2,2009-12-31 23:00,Shropshire,pcso,no,charged", "occurred_at", "on or after 1 January 2010"),
        ("R2,2099-01-01 10:00,Shropshire,pcso,no,charged", "occurred_at", "must be today or in the past"),
        ("R2,0001-01-01T00:00:00-05:00,Shropshire,pcso,no,charged", "occurred_at", "on or after 1 January 2010"),
        ("R" + "9" * 60 + ",2018-07-01 10:00,Shropshire,pcso,no,charged", "reference", "at most 50 characters"),
        (",2018-07-01 10:00,Shropshire,pcso,no,charged", "reference", "This cell is empty"),
        ("R1,2018-07-02 10:00,Shropshire,pcso,no,charged", "reference", "Duplicates row 2"),
        ("R2,2018-07-01 01:20,Shropshire,police_officer,yes", "outcome", "This cell is empty"),
    ],
)
def test_a_bad_incident_row_is_named_and_nothing_is_written(
    tmp_path: Path, areas: dict[str, Any], row: str, column: str, message: str
) -> None:
    bad = tmp_path / "incidents.csv"
    bad.write_text(HEADER + GOOD_ROW + row + "\n", encoding="utf-8")
    errors = refused("import_data", "incidents", str(bad))
    assert f"Row 3, column '{column}'" in errors
    assert message in errors
    assert not AssaultIncident.objects.exists()


def test_every_bad_row_is_listed_at_once(areas: dict[str, Any], officer: Any) -> None:
    content = (HEADER + GOOD_ROW + "R2,2018-07-01 01:20,Atlantis,dog,maybe,charged\n").encode()
    outcome = check_file(registry.get("incidents"), content, "incidents.csv", by=officer)  # type: ignore[arg-type]
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "area"), (3, "victim_role"), (3, "injury")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("reference,occurred_at,area,victim_role,injury\n", "This column is missing"),
        (HEADER.strip() + ",colour\n" + GOOD_ROW.strip() + ",red\n", "Unknown column"),
        (HEADER + "=1+1,2018-07-01 01:20,Shropshire,pcso,no,charged\n", "formula"),
        ("", "The file is empty"),
    ],
)
def test_bad_files_are_refused(tmp_path: Path, areas: dict[str, Any], content: str, message: str) -> None:
    bad = tmp_path / "incidents.csv"
    bad.write_text(content, encoding="utf-8")
    assert message in refused("import_data", "incidents", str(bad))
    assert not AssaultIncident.objects.exists()


def test_excel_cells_import_as_excel_gives_them(tmp_path: Path, areas: dict[str, Any]) -> None:
    book = Workbook()
    incidents = book.active
    incidents.append(list(HEADER.strip().split(",")))
    incidents.append([12345, datetime(2018, 7, 1, 1, 20), "shropshire", "PCSO", True, "Charged"])  # noqa: DTZ001
    incidents.append(["R2", "2018-07-02 03:00", "Herefordshire", "police_officer", "No", "caution"])
    path = tmp_path / "incidents.xlsx"
    book.save(path)
    run("import_data", "incidents", str(path))
    excel = AssaultIncident.objects.get(reference="12345")
    assert excel.occurred_at == datetime(2018, 7, 1, 1, 20, tzinfo=LONDON)
    assert (excel.area.name, excel.victim_role, excel.injury, excel.outcome) == ("Shropshire", "pcso", True, "charged")

    book = Workbook()
    periods = book.active
    periods.append(["period_start", "period_end", "officers", "staff"])
    periods.append([datetime(2018, 7, 1), datetime(2018, 9, 30), 2000.0, "1,500"])  # noqa: DTZ001
    path = tmp_path / "workforce.xlsx"
    book.save(path)
    run("import_data", "workforce", str(path))
    assert WorkforcePeriod.objects.filter(period_start=date(2018, 7, 1), officers=2000, staff=1500).exists()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_export_re_imports_changing_nothing(
    tmp_path: Path, areas: dict[str, Any], incident_factory: Any, workforce_factory: Any, suffix: str
) -> None:
    incident_factory(local(2026, 10, 25, 1, 30, fold=0), reference="FIRST")  # the repeated autumn hour, twice
    incident_factory(local(2026, 10, 25, 1, 30, fold=1), reference="SECOND")
    incident_factory(local(2018, 7, 1, 12), reference="=cmd|' /C calc'!A0", area="Telford & Wrekin", injury=True)
    incident_factory(local(2019, 2, 1, 23, 59), reference="PLAIN", victim_role="pcso", outcome="no_further_action")
    workforce_factory(date(2018, 7, 1), date(2018, 9, 30))
    workforce_factory(date(2018, 10, 1), date(2018, 12, 31), officers=2010)
    for kind in ("incidents", "workforce"):
        path = tmp_path / f"{kind}{suffix}"
        out, _ = run("export_data", kind, str(path))
        before = list(AssaultIncident.history.values_list("history_id", flat=True))
        again, _ = run("import_data", kind, str(path))
        assert "0 new, 0 updated" in again, again
        assert list(AssaultIncident.history.values_list("history_id", flat=True)) == before
    exported = (tmp_path / "incidents.csv").read_text() if suffix == ".csv" else ""
    if exported:
        assert exported.splitlines()[0] == "reference,occurred_at,area,victim_role,injury,outcome"
        assert "2026-10-25T01:30:00+01:00" in exported and "2026-10-25T01:30:00+00:00" in exported
        assert "'=cmd" in exported  # formula neutralised on export


def test_an_updated_file_updates_in_place_with_history(tmp_path: Path, areas: dict[str, Any], officer: Any) -> None:
    run("import_data", "incidents", str(INCIDENTS))
    changed = tmp_path / "incidents.csv"
    text = INCIDENTS.read_text().replace("WM-EX-0002,2018-07-01 02:45,Telford & Wrekin,police_officer,no,charged", "")
    text = text.replace("WM-EX-0003,2018-07-06 23:10,North Worcestershire,special_constable,no,caution", "")
    text += "WM-EX-0002,2018-07-01 02:45,Telford & Wrekin,police_officer,yes,charged\n"
    changed.write_text(text)
    out, _ = run("import_data", "incidents", str(changed), "--user", officer.username)
    assert "0 new, 1 updated, 10 unchanged" in out
    incident = AssaultIncident.objects.get(reference="WM-EX-0002")
    assert incident.injury is True and incident.version == 2
    assert incident.history.order_by("history_id").last().history_user == officer


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (["2018-07-01,2018-09-30,2000,1500", "2018-09-01,2018-12-31,2000,1500"], (3, "period_start", "overlap row 2")),
        (["2018-07-01,2018-09-30,2000,1500", "2018-07-01,2018-09-30,2001,1500"], (3, "period_start", "Repeats")),
        (["2017-06-01,2017-06-30,2000,1500"], (2, "period_start", "overlap the stored period")),
        (["2018-07-01,2018-09-30,0,1500"], (2, "officers", "whole number")),
        (["2018-07-01,2018-09-30,many,1500"], (2, "officers", "whole number")),
        (["2018-07-01,2018-09-30,2000,99999999999999999999"], (2, "staff", "from 1 to 250,000")),
        (["2018-09-30,2018-07-01,2000,1500"], (2, "period_end", "after the start")),
        (["2018-07-01,2018-09-31,2000,1500"], (2, "period_end", "real date")),
        (["2017-01-01,2017-12-31,2000,1500"], (2, "period_end", "overlap the stored period")),
    ],
)
def test_bad_workforce_rows_are_named_and_nothing_is_written(
    tmp_path: Path, workforce_factory: Any, rows: list[str], expected: tuple[int, str, str]
) -> None:
    workforce_factory(date(2017, 4, 1), date(2017, 6, 30))
    bad = tmp_path / "workforce.csv"
    bad.write_text("period_start,period_end,officers,staff\n" + "\n".join(rows) + "\n")
    errors = refused("import_data", "workforce", str(bad))
    row, column, message = expected
    assert f"Row {row}, column '{column}'" in errors and message in errors, errors
    assert WorkforcePeriod.objects.count() == 1


def _file(count: int) -> bytes:
    rows = [
        f"Q{n},2018-07-{1 + n % 28:02d} 0{n % 10}:30,{'Shropshire' if n % 2 else 'Herefordshire'},pcso,no,charged"
        for n in range(count)
    ]
    return (HEADER + "\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("count", [3, 30])
def test_importing_takes_the_same_queries_at_any_size(
    areas: dict[str, Any], officer: Any, django_assert_num_queries: Any, count: int
) -> None:
    kind = registry.get("incidents")
    assert kind is not None
    # Check: 1 areas. Write, inside a transaction and a savepoint (2, 7 savepoint
    # and release): 3 areas again (as they are inside the transaction), 4 stored
    # incidents with the batch's references, 5 insert the incidents, 6 insert their
    # history rows.
    with django_assert_num_queries(7):
        outcome = check_file(kind, _file(count), "incidents.csv", by=officer, dry_run=False)
    assert outcome.new == count
    # Re-importing: every row unchanged; no writes. 1 areas; 2 transaction,
    # 3 areas, 4 stored incidents, 5 release.
    with django_assert_num_queries(5):
        outcome = check_file(kind, _file(count), "incidents.csv", by=officer, dry_run=False)
    assert outcome.unchanged == count


@pytest.mark.parametrize("count", [3, 30])
def test_exporting_takes_the_same_queries_at_any_size(
    tmp_path: Path, areas: dict[str, Any], officer: Any, django_assert_num_queries: Any, count: int
) -> None:
    check_file(registry.get("incidents"), _file(count), "incidents.csv", by=officer, dry_run=False)  # type: ignore[arg-type]
    # 1 incidents with their areas joined
    with django_assert_num_queries(1):
        run("export_data", "incidents", str(tmp_path / "incidents.csv"))
    assert len((tmp_path / "incidents.csv").read_text().splitlines()) == count + 1


def test_a_reference_repeated_deep_in_a_long_file_names_both_rows(areas: dict[str, Any], officer: Any) -> None:
    content = _file(5_000) + b"Q17,2018-07-02 01:30,Shropshire,pcso,no,charged\n"
    outcome = check_file(registry.get("incidents"), content, "incidents.csv", by=officer, dry_run=False)  # type: ignore[arg-type]
    assert [(e.row, e.column) for e in outcome.errors] == [(5_002, "reference")]
    assert "Duplicates row 19" in outcome.errors[0].message
    assert not AssaultIncident.objects.exists()


def test_references_sharing_a_hash_are_not_taken_for_repeats(
    areas: dict[str, Any], officer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.core.imports import keys

    monkeypatch.setattr(keys, "key_hash", lambda key: 99)
    kind = registry.get("incidents")
    assert check_file(kind, _file(1_200), "incidents.csv", by=officer, dry_run=False).new == 1_200  # type: ignore[arg-type]
    assert AssaultIncident.objects.count() == 1_200


def test_a_bad_row_in_a_later_batch_writes_nothing_and_a_dry_run_writes_nothing(
    areas: dict[str, Any], officer: Any
) -> None:
    kind = registry.get("incidents")
    bad = _file(2_500) + b"Z1,2018-07-02 01:30,Atlantis,pcso,no,charged\n"
    outcome = check_file(kind, bad, "incidents.csv", by=officer, dry_run=False)  # type: ignore[arg-type]
    assert [(e.row, e.column) for e in outcome.errors] == [(2_502, "area")]
    assert not AssaultIncident.objects.exists()
    preview = check_file(kind, _file(2_500), "incidents.csv", by=officer, dry_run=True)  # type: ignore[arg-type]
    assert (preview.rows, preview.new, preview.errors) == (2_500, 2_500, [])
    assert not AssaultIncident.objects.exists() and not AssaultIncident.history.exists()


def test_a_formula_cell_is_reported_with_the_other_rows_problems(areas: dict[str, Any], officer: Any) -> None:
    content = (
        HEADER + GOOD_ROW + "=1+1,2018-07-01 01:20,Shropshire,pcso,no,charged\n"
        "R3,2018-07-01 01:20,Atlantis,pcso,no,charged\n"
    ).encode()
    outcome = check_file(registry.get("incidents"), content, "incidents.csv", by=officer)  # type: ignore[arg-type]
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "reference"), (4, "area")]
