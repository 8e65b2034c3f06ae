"""Importing people with their referrals: who may, into which organisation, every
bad row named by row and column, all or nothing, history kept, export round trip."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from interventions import services
from interventions.importing import KIND
from interventions.models import Offender, Programme, Referral
from tracker.core.imports import registry
from tracker.core.imports.services import check_file, confirm_import, preview_import
from tracker.core.models import ImportJob

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "referrals-example.csv"
HEADER = "case_reference,first_name,last_name,date_of_birth,programme,offence_date,area,victim_role,injury,charged"
GOOD_ROW = "C-1,Dana,Hill,1990-02-03,Victim awareness course,2026-05-01,Herefordshire,police_officer,yes,no"


@pytest.fixture(autouse=True)
def catalogue(probation: Any, areas: Any, outcome_types: list[Any]) -> None:
    for name in [
        "Victim awareness course",
        "Anger management (community)",
        "Restorative justice conference",
        "Alcohol-related violence programme",
    ]:
        Programme.objects.create(name=name, provider=probation, setting="community").desired_outcomes.set(outcome_types)


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def errors_of(outcome: Any) -> list[tuple[int | None, str]]:
    return [(e.row, e.column) for e in outcome.errors]


def test_liaison_imports_the_example_file_into_their_own_organisation(liaison: Any, probation: Any) -> None:
    job = preview_import(KIND, EXAMPLE.read_bytes(), EXAMPLE.name, by=liaison)
    assert job.status == ImportJob.Status.PREVIEWED, job.errors
    assert (job.rows, job.new) == (4, 4)
    assert not Referral.objects.exists()

    confirm_import(job, KIND, by=liaison)
    referrals = list(Referral.objects.select_related("offender").order_by("id"))
    assert [r.status for r in referrals] == ["submitted", "draft", "submitted", "draft"]
    assert {r.handling_organisation for r in referrals} == {probation}
    assert {r.referred_by for r in referrals} == {liaison}
    assert Offender.objects.count() == 3
    assert referrals[0].offender == referrals[1].offender
    assert referrals[0].injury and referrals[0].charged_under_act and referrals[0].priority == "high"
    assert referrals[0].history.first().history_user == liaison
    assert Offender.objects.get(case_reference="EXAMPLE-0002").history.first().history_user == liaison
    assert referrals[0].transitions.get().by == liaison
    # The liaison's caseload now shows the submitted ones.
    assert set(Referral.objects.visible_to(liaison)) == set(referrals)


def test_liaison_cannot_import_into_another_organisation(liaison: Any, prison: Any) -> None:
    header = HEADER + ",handling_organisation"
    outcome = check_file(KIND, csv(GOOD_ROW + f",{prison.name}", header=header), "r.csv", by=liaison)
    assert errors_of(outcome) == [(2, "handling_organisation")]
    assert "own organisation" in outcome.errors[0].message


def test_administrator_names_the_handling_organisation(admin_user: Any, prison: Any) -> None:
    missing = check_file(KIND, csv(GOOD_ROW), "r.csv", by=admin_user)
    assert errors_of(missing) == [(2, "handling_organisation")]
    header = HEADER + ",handling_organisation"
    outcome = check_file(KIND, csv(GOOD_ROW + f",{prison.name}", header=header), "r.csv", by=admin_user, dry_run=False)
    assert outcome.ok, outcome.errors
    assert Referral.objects.get().handling_organisation == prison


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (GOOD_ROW.replace("Victim awareness course", "Knitting"), "programme", "no programme called “Knitting”"),
        (GOOD_ROW.replace("Herefordshire", "Atlantis"), "area", "no area called “Atlantis”"),
        (GOOD_ROW.replace("police_officer", "traffic_warden"), "victim_role", "not a victim role"),
        (GOOD_ROW.replace("yes,no", "maybe,no"), "injury", "Enter yes or no"),
        (GOOD_ROW.replace("yes,no", "yes,perhaps"), "charged", "Enter yes or no"),
        (GOOD_ROW.replace("2026-05-01", "2026-02-30"), "offence_date", "Enter a real date"),
        (GOOD_ROW.replace("1990-02-03", ""), "date_of_birth", "empty"),
        (GOOD_ROW.replace("C-1", "C" * 31), "case_reference", "at most 30 characters"),
    ],
)
def test_a_bad_cell_names_row_and_column_and_nothing_is_written(
    liaison: Any, row: str, column: str, words: str
) -> None:
    good = GOOD_ROW.replace("C-1", "C-2")
    outcome = check_file(KIND, csv(good, row), "r.csv", by=liaison, dry_run=False)
    assert errors_of(outcome) == [(3, column)]
    assert words in outcome.errors[0].message
    assert not Referral.objects.exists()
    assert not Offender.objects.exists()


def test_a_lifecycle_is_not_imported(liaison: Any) -> None:
    outcome = check_file(KIND, csv(GOOD_ROW + ",accepted", header=HEADER + ",status"), "r.csv", by=liaison)
    assert errors_of(outcome) == [(2, "status")]
    assert "draft or submitted" in outcome.errors[0].message


def test_existing_case_reference_with_other_details_is_an_error(
    liaison: Any, offender_factory: Callable[..., Offender]
) -> None:
    offender_factory(by=liaison, case_reference="C-1", first_name="Dana", last_name="Hill")
    outcome = check_file(KIND, csv(GOOD_ROW.replace("C-1", "C-9"), GOOD_ROW), "r.csv", by=liaison, dry_run=False)
    assert errors_of(outcome) == [(3, "case_reference")], outcome.errors
    assert not Referral.objects.exists()


def test_a_known_person_gets_a_new_referral(liaison: Any, offender_factory: Callable[..., Offender]) -> None:
    from datetime import date

    person = offender_factory(
        by=liaison, case_reference="c-1", first_name="Dana", last_name="Hill", date_of_birth=date(1990, 2, 3)
    )
    outcome = check_file(KIND, csv(GOOD_ROW), "r.csv", by=liaison, dry_run=False)
    assert outcome.ok, outcome.errors
    assert Referral.objects.get().offender == person
    assert Offender.objects.count() == 1


def test_one_case_reference_is_one_person_within_the_file(liaison: Any) -> None:
    other = GOOD_ROW.replace("Dana", "Dina").replace("Victim awareness course", "Anger management (community)")
    outcome = check_file(KIND, csv(GOOD_ROW, other), "r.csv", by=liaison)
    assert errors_of(outcome) == [(3, "case_reference")]
    twice = check_file(KIND, csv(GOOD_ROW, GOOD_ROW), "r.csv", by=liaison)
    assert errors_of(twice) == [(3, "case_reference")]
    assert "Duplicates row 2" in twice.errors[0].message


def test_officers_and_board_members_may_not_import_referrals(client: Any, officer: Any, board: Any) -> None:
    assert KIND not in registry.kinds_for(officer)
    client.force_login(officer)
    assert client.get(reverse("import-upload", args=["referrals"])).status_code == 404
    refused = check_file(KIND, csv(GOOD_ROW), "r.csv", by=officer, dry_run=False)
    assert not refused.ok
    assert not Referral.objects.exists()
    client.force_login(board)
    assert client.get(reverse("import-upload", args=["referrals"])).status_code == 403


def test_liaison_imports_through_the_pages(client: Any, liaison: Any) -> None:
    client.force_login(liaison)
    assert KIND.label in client.get(reverse("imports")).content.decode()
    with EXAMPLE.open("rb") as handle:
        response = client.post(reverse("import-upload", args=["referrals"]), {"file": handle})
    job = ImportJob.objects.get()
    assert response.url == reverse("import-preview", args=[job.pk])
    client.post(reverse("import-confirm", args=[job.pk]))
    assert Referral.objects.count() == 4


def test_command_line_needs_a_user_and_writes_nothing_on_dry_run(liaison: Any) -> None:
    with pytest.raises(CommandError):
        call_command("import_data", "referrals", str(EXAMPLE), stdout=io.StringIO(), stderr=io.StringIO())
    call_command("import_data", "referrals", str(EXAMPLE), "--user", "liaison", "--dry-run", stdout=io.StringIO())
    assert not Referral.objects.exists()
    call_command("import_data", "referrals", str(EXAMPLE), "--user", "liaison", stdout=io.StringIO())
    assert Referral.objects.count() == 4


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_reimport_changes_nothing(liaison: Any, tmp_path: Path, suffix: str) -> None:
    assert check_file(KIND, EXAMPLE.read_bytes(), EXAMPLE.name, by=liaison, dry_run=False).ok
    first = Referral.objects.filter(status="submitted").first()
    services.accept(first, by=liaison, expected_version=first.version)  # a later status, made in the service
    out = tmp_path / f"referrals{suffix}"
    call_command("export_data", "referrals", str(out), stdout=io.StringIO())
    if suffix == ".xlsx":
        assert load_workbook(out).active.max_row == 5
    again = check_file(KIND, out.read_bytes(), out.name, by=liaison, dry_run=False)
    assert again.ok, again.errors
    assert (again.new, again.unchanged) == (0, 4)
    assert Referral.objects.count() == 4

    if suffix == ".csv":
        edited = out.read_text().replace("Spat at an officer", "Kicked an officer")
        changed = check_file(KIND, edited.encode(), "edited.csv", by=liaison, dry_run=False)
        assert [(e.column, "notes" in e.message) for e in changed.errors] == [("notes", True)]


def test_the_caseload_export_imports_back_unchanged(client: Any, liaison: Any, referral_factory: Any) -> None:
    for status in ("submitted", "accepted", "started"):
        referral_factory(status)
    client.force_login(liaison)
    response = client.get(reverse("interventions:referrals"), {"export": "csv", "status": "accepted"})
    assert response.status_code == 200
    content = response.getvalue()
    assert content.decode("utf-8-sig").count("\n") == 2  # the header and the one accepted referral
    job = preview_import(KIND, content, "caseload.csv", by=liaison)
    assert job.errors == []
    assert (job.new, job.updated, job.unchanged) == (0, 0, 1)


def test_the_import_check_logs_the_people_it_compared_rows_with(
    client: Any, liaison: Any, offender_factory: Callable[..., Offender]
) -> None:
    from tracker.core.models import AccessLog

    known = offender_factory(by=liaison, case_reference="C-1", first_name="Dana", last_name="Other")
    offender_factory(by=liaison, case_reference="C-2")  # not in the file: not consulted
    client.force_login(liaison)
    upload = io.BytesIO(csv(GOOD_ROW, GOOD_ROW.replace("C-1", "C-7")))
    upload.name = "r.csv"
    response = client.post(reverse("import-upload", args=["referrals"]), {"file": upload})
    assert response.status_code == 302
    row = AccessLog.objects.get()
    assert (row.user, row.action, row.way) == (liaison, AccessLog.Action.IMPORT, AccessLog.Way.IMPORT)
    assert list(row.consulted.values_list("person_id", flat=True)) == [known.pk]
    # Each view of the check page names them again.
    assert client.get(response.url).status_code == 200
    again = AccessLog.objects.latest("id")
    assert again.pk != row.pk
    assert (again.action, again.way, again.path) == (AccessLog.Action.IMPORT, AccessLog.Way.IMPORT, response.url)
    assert list(again.consulted.values_list("person_id", flat=True)) == [known.pk]
