"""Importing venues, community groups and engagements: the example files import,
every bad row is named by row and column with nothing written, history records the
importer, and an export re-imports changing nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from partners.models import CommunityGroup, Engagement, EngagementMaterial, Venue
from tracker.core.imports import registry
from tracker.core.imports.services import check_file

pytestmark = pytest.mark.django_db
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
VENUE_HEADER = "licence_number,name,address,postcode,area,kind,latest_licensed_hour,operator\n"


def run(slug: str, text: str, by: Any, *, dry_run: bool = False) -> Any:
    return check_file(registry.get(slug), text.encode(), f"{slug}.csv", by=by, dry_run=dry_run)  # type: ignore[arg-type]


def errors(outcome: Any) -> list[tuple[int | None, str]]:
    return [(e.row, e.column) for e in outcome.errors]


@pytest.fixture
def examples(areas: dict[str, Any], lists: dict[str, Any], officer: Any) -> Any:
    """The three example files, imported in their documented order."""
    for slug, name in [("venues", "venues"), ("community-groups", "community-groups"), ("engagements", "engagements")]:
        outcome = run(slug, (FIXTURES / f"{name}-example.csv").read_text(), officer)
        assert outcome.ok, outcome.errors
    return officer


def test_the_example_files_import_cleanly_with_history(examples: Any) -> None:
    venue = Venue.objects.get(licence_number="PL/EX/0004")
    assert (venue.kind, venue.postcode, str(venue.latest_licensed_hour)) == (
        "late_night_takeaway",
        "HR1 2BB",
        "02:00:00",
    )
    assert venue.history.get().history_user == examples
    assert CommunityGroup.objects.get(name="Specimen Road Faith Forum").active is False
    visit = Engagement.objects.get(kind__name="Venue visit")
    assert sorted(visit.venues.values_list("licence_number", flat=True)) == ["PL/EX/0001", "PL/EX/0002"]
    meeting = Engagement.objects.get(kind__name="Meeting")
    assert {(m.material.name, m.quantity) for m in meeting.materials.all()} == {
        ("Public leaflet", 30),
        ("Public poster 1", 5),
    }
    # Created, then its links recorded (issue #15: the timeline shows the groups and
    # venues linked): every row names the importer.
    assert meeting.history.order_by("history_id").first().history_type == "+"
    assert {row.history_user for row in meeting.history.all()} == {examples}
    assert EngagementMaterial.history.filter(history_user=examples).count() == 3


def test_venues_match_on_licence_number_update_or_create(examples: Any) -> None:
    venue = Venue.objects.get(licence_number="PL/EX/0001")
    text = (
        VENUE_HEADER
        + 'PL/EX/0001,The Example Arms,"12 Broad Street, Worcester",WR1 3LH,South Worcestershire,Pub,00:30,New Owner\n'
        + 'PL/EX/0002,Club Sample,"4 Foregate Street, Worcester",wr1 1db,South Worcestershire,nightclub,03:00,'
        + "Sample Leisure Ltd\n"
        + "PL/EX/0099,The New One,1 New Street,SY1 1AA,Shropshire,pub,,\n"
    )
    preview = run("venues", text, examples, dry_run=True)
    assert (preview.new, preview.updated, preview.unchanged) == (1, 1, 1)
    assert not Venue.objects.filter(licence_number="PL/EX/0099").exists()
    run("venues", text, examples)
    venue.refresh_from_db()
    assert (venue.operator, venue.version) == ("New Owner", 2)
    assert venue.history.first().history_user == examples
    assert Venue.objects.get(licence_number="PL/EX/0099").name == "The New One"


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("PL/1,The Bar,1 Street,WR1 2AB,Atlantis,pub,,", "area"),
        ("PL/1,The Bar,1 Street,WR1 2AB,Shropshire,castle,,", "kind"),
        ("PL/1,The Bar,1 Street,NOWHERE,Shropshire,pub,,", "postcode"),
        ("PL/1,The Bar,1 Street,WR1 2AB,Shropshire,pub,25:99,", "latest_licensed_hour"),
        (",The Bar,1 Street,WR1 2AB,Shropshire,pub,,", "licence_number"),
        ("PL/1,,1 Street,WR1 2AB,Shropshire,pub,,", "name"),
    ],
)
def test_a_bad_venue_row_is_named_and_nothing_is_written(
    areas: dict[str, Any], officer: Any, row: str, column: str
) -> None:
    good = "PL/0,Fine Bar,2 Street,WR1 2AB,Shropshire,pub,,\n"
    outcome = run("venues", VENUE_HEADER + good + row + "\n", officer)
    assert errors(outcome) == [(3, column)]
    assert not Venue.objects.exists()


def test_duplicate_licence_numbers_in_a_file_are_refused(areas: dict[str, Any], officer: Any) -> None:
    row = "PL/1,The Bar,1 Street,WR1 2AB,Shropshire,pub,,\n"
    outcome = run("venues", VENUE_HEADER + row + row.replace("PL/1", "pl/1"), officer)
    assert errors(outcome) == [(3, "licence_number")]
    assert "Duplicates row 2" in outcome.errors[0].message
    assert not Venue.objects.exists()


def test_groups_match_on_name_and_unknown_areas_are_named(examples: Any) -> None:
    text = "name,kind,area,active\nsample town youth forum,Sports,Telford & Wrekin,1\nNew Group,Faith,Mars,1\n"
    refused = run("community-groups", text, examples)
    assert errors(refused) == [(3, "area")]
    assert "no area called “Mars”" in refused.errors[0].message
    fixed = run("community-groups", text.replace("Mars", "Shropshire"), examples)
    assert (fixed.new, fixed.updated) == (1, 1)
    group = CommunityGroup.objects.get(name__iexact="Sample Town Youth Forum")
    assert (group.name, group.kind, group.version) == ("sample town youth forum", "sports", 2)
    assert CommunityGroup.objects.count() == 4


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ("Meeting,nobody,Herefordshire,Example Street Residents' Association,,,", "lead_officer"),
        ("Seance,officer,Herefordshire,Example Street Residents' Association,,,", "kind"),
        ("Meeting,officer,Herefordshire,No Such Group,,,", "groups"),
        ("Meeting,officer,Herefordshire,,PL/NONE,,", "venues"),
        ("Meeting,officer,Herefordshire,,,,", "groups"),
        ("Meeting,officer,Herefordshire,Example Street Residents' Association,,,Glitter: 3", "materials"),
        ("Meeting,officer,Herefordshire,Example Street Residents' Association,,,Leaflet: lots", "materials"),
        ("Meeting,officer,Herefordshire,Example Street Residents' Association,,x,", "attendance"),
    ],
)
def test_a_bad_engagement_row_is_named_and_nothing_is_written(examples: Any, cells: str, column: str) -> None:
    before = Engagement.objects.count()
    header = "starts_at,kind,lead_officer,area,groups,venues,attendance,materials\n"
    good = "2026-04-01 10:00,Meeting,officer,Herefordshire,Example Street Residents' Association,,,\n"
    outcome = run("engagements", header + good + "2026-04-02 10:00," + cells + "\n", examples)
    assert (3, column) in errors(outcome), outcome.errors
    assert {e.row for e in outcome.errors} == {3}
    assert Engagement.objects.count() == before


def test_an_engagement_id_that_does_not_exist_is_refused(examples: Any) -> None:
    text = "id,starts_at,kind,lead_officer,area,groups\n999999,2026-04-01 10:00,Meeting,officer,Herefordshire,x\n"
    outcome = run("engagements", text, examples)
    assert (2, "id") in errors(outcome)


@pytest.mark.parametrize("slug", ["venues", "community-groups", "engagements"])
def test_export_then_import_changes_nothing(examples: Any, tmp_path: Path, slug: str) -> None:
    out = tmp_path / f"{slug}.csv"
    call_command("export_data", slug, str(out), stdout=io.StringIO())
    model = {"venues": Venue, "community-groups": CommunityGroup, "engagements": Engagement}[slug]
    history = model.history.count()  # type: ignore[attr-defined]
    materials = EngagementMaterial.history.count()
    call_command("import_data", slug, str(out), "--user", "officer", stdout=io.StringIO())
    outcome = check_file(registry.get(slug), out.read_bytes(), out.name, by=examples)  # type: ignore[arg-type]
    assert (outcome.new, outcome.updated, outcome.unchanged) == (0, 0, model.objects.count())
    assert model.history.count() == history  # type: ignore[attr-defined]
    assert EngagementMaterial.history.count() == materials


@pytest.mark.parametrize(
    ("url_name", "slug"),
    [
        ("partners:venue-list", "venues"),
        ("partners:group-list", "community-groups"),
        ("partners:engagement-list", "engagements"),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_list_export_from_the_page_reimports_unchanged(
    client: Any, examples: Any, url_name: str, slug: str, fmt: str
) -> None:
    client.force_login(examples)
    response = client.get(reverse(url_name), {"export": fmt})
    kind = registry.get(slug)
    outcome = check_file(kind, response.getvalue(), f"export.{fmt}", by=examples, dry_run=True)  # type: ignore[arg-type]
    assert outcome.ok, outcome.errors
    assert outcome.new == outcome.updated == 0
    assert outcome.unchanged == outcome.rows > 0


def test_a_changed_engagement_export_updates_materials_through_the_service(examples: Any) -> None:
    meeting = Engagement.objects.get(kind__name="Meeting")
    text = (
        "id,starts_at,kind,lead_officer,area,groups,materials\n"
        f"{meeting.pk},2026-03-02 19:00,Meeting,officer,Herefordshire,Example Street Residents' Association,"
        "Leaflet: 7\n"
    )
    version = meeting.version
    outcome = run("engagements", text, examples)
    assert (outcome.updated, outcome.errors) == (1, [])
    assert {(m.material.name, m.quantity) for m in meeting.materials.all()} == {("Leaflet", 7)}
    # One row, one change: the row's save and its materials move the version once.
    meeting.refresh_from_db()
    assert meeting.version == version + 1


def test_partner_kinds_are_for_officers_and_administrators(
    client: Any, officer: Any, admin_user: Any, liaison: Any, board: Any
) -> None:
    ours = {"venues", "community-groups", "engagements"}
    for user in (officer, admin_user):
        assert ours <= {k.slug for k in registry.kinds_for(user)}
    assert not ours & {k.slug for k in registry.kinds_for(liaison)}
    client.force_login(liaison)
    assert client.get(reverse("import-upload", args=["venues"])).status_code == 404
    client.force_login(board)
    assert client.get(reverse("import-upload", args=["venues"])).status_code == 403
    client.force_login(officer)
    assert client.get(reverse("import-upload", args=["venues"])).status_code == 200


def test_the_example_files_import_into_the_demo_data_with_the_command(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    for slug in ("venues", "community-groups", "engagements"):
        out = io.StringIO()
        call_command("import_data", slug, str(FIXTURES / f"{slug}-example.csv"), "--user", "officer", stdout=out)
        assert "Imported" in out.getvalue()
    assert Engagement.objects.filter(venues__licence_number="PL/EX/0002").exists()


def test_duplicate_group_names_in_a_file_are_refused(areas: dict[str, Any], officer: Any) -> None:
    text = "name,kind,area\nHereford Scouts,Youth,Herefordshire\nhereford scouts,Youth,Herefordshire\n"
    outcome = run("community-groups", text, officer)
    assert errors(outcome) == [(3, "name")]
    assert not CommunityGroup.objects.exists()


def line(n: int) -> str:
    return f"PL/{n:06d},Venue {n},{n} High Street,WR1 2AB,Shropshire,pub,02:00,\n"


def register(rows: int, *, start: int = 0) -> str:
    return VENUE_HEADER + "".join(line(n) for n in range(start, start + rows))


def test_a_licence_number_repeated_deep_in_a_long_file_names_both_rows(areas: dict[str, Any], officer: Any) -> None:
    text = register(6_000) + "pl/000003,Again,3 High Street,WR1 2AB,Shropshire,pub,,\n"
    outcome = run("venues", text, officer)
    assert errors(outcome) == [(6_002, "licence_number")]
    assert "Duplicates row 5" in outcome.errors[0].message
    assert not Venue.objects.exists()


def test_licence_numbers_sharing_a_hash_are_not_taken_for_repeats(
    areas: dict[str, Any], officer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.core.imports import keys

    monkeypatch.setattr(keys, "key_hash", lambda key: len(key))  # all 9-character numbers collide
    assert run("venues", register(1_500), officer).new == 1_500
    twice = run("venues", register(1_500, start=2_000) + line(2_700), officer)
    assert errors(twice) == [(1_502, "licence_number")]
    assert "Duplicates row 702" in twice.errors[0].message


def test_a_bad_row_after_the_first_batch_writes_nothing(areas: dict[str, Any], officer: Any) -> None:
    text = register(2_500) + "PL/X,Bad,1 Street,NOWHERE,Shropshire,pub,,\n"
    outcome = run("venues", text, officer)
    assert errors(outcome) == [(2_502, "postcode")]
    assert not Venue.objects.exists()
    assert not Venue.history.exists()


def test_a_dry_run_of_a_long_file_counts_in_batches_and_writes_nothing(areas: dict[str, Any], officer: Any) -> None:
    run("venues", register(1_200), officer)
    preview = run("venues", register(2_500), officer, dry_run=True)
    assert (preview.rows, preview.new, preview.updated, preview.unchanged) == (2_500, 1_300, 0, 1_200)
    assert Venue.objects.count() == Venue.history.count() == 1_200
    # With a problem, the good rows are still counted for the preview.
    refused = run("venues", register(2_500) + "PL/X,Bad,1 Street,NOWHERE,Shropshire,pub,,\n", officer, dry_run=True)
    assert (refused.new, refused.unchanged, len(refused.errors)) == (1_300, 1_200, 1)


def test_a_formula_cell_and_a_bad_cell_are_both_reported(areas: dict[str, Any], officer: Any) -> None:
    formula = "=HYPERLINK(1),Bad,1 Street,WR1 2AB,Shropshire,pub,,\n"
    text = register(3) + formula + line(9).replace("Shropshire", "Atlantis")
    outcome = run("venues", text, officer)
    assert errors(outcome) == [(5, "licence_number"), (6, "area")]
    assert "formula" in outcome.errors[0].message


def test_the_command_reports_progress_while_checking_and_writing(
    areas: dict[str, Any], officer: Any, tmp_path: Path
) -> None:
    path = tmp_path / "register.csv"
    path.write_text(register(2_500))
    out = io.StringIO()
    call_command("import_data", "venues", str(path), stdout=out)
    assert "1,000 of 2,500 rows read" in out.getvalue()
    assert "2,000 of 2,500 rows written" in out.getvalue()
    assert "Imported 2500 rows: 2500 new" in out.getvalue()
    assert Venue.objects.count() == 2_500


def test_blank_lines_keep_the_spreadsheet_row_numbers(areas: dict[str, Any], officer: Any) -> None:
    # Row 2 good, row 3 empty, row 4 a bad postcode: the error names row 4, as the sheet does.
    good = "PL/0,Fine Bar,2 Street,WR1 2AB,Shropshire,pub,,\n"
    bad = "PL/1,Bad Bar,3 Street,NOWHERE,Shropshire,pub,,\n"
    outcome = run("venues", VENUE_HEADER + good + ",,,,,,,\n" + bad, officer)
    assert errors(outcome) == [(4, "postcode")]
    repeated = run("venues", VENUE_HEADER + good + "\n\n" + good, officer)
    assert errors(repeated) == [(5, "licence_number")]
    assert "Duplicates row 2" in repeated.errors[0].message
    assert not Venue.objects.exists()


def test_blank_lines_keep_the_row_numbers_of_row_by_row_kinds(areas: dict[str, Any], officer: Any) -> None:
    text = "name,kind,area,active\nA Group,Faith,Shropshire,1\n\n\nB Group,Faith,Mars,1\nA Group,Faith,Shropshire,1\n"
    refused = run("community-groups", text, officer)
    assert errors(refused) == [(5, "area"), (6, "name")]
    assert "Duplicates row 2" in refused.errors[1].message
    unknown_area = run("community-groups", text.rsplit("A Group", 1)[0], officer)
    assert errors(unknown_area) == [(5, "area")]
    assert not CommunityGroup.objects.exists()


def test_blank_rows_in_a_workbook_keep_the_sheet_row_numbers(areas: dict[str, Any], officer: Any) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(VENUE_HEADER.strip().split(","))
    sheet.append(["PL/0", "Fine Bar", "2 Street", "WR1 2AB", "Shropshire", "pub"])
    sheet.append([])
    sheet.append(["PL/1", "Bad Bar", "3 Street", "NOWHERE", "Shropshire", "pub"])
    buffer = io.BytesIO()
    book.save(buffer)
    outcome = check_file(registry.get("venues"), buffer.getvalue(), "register.xlsx", by=officer)  # type: ignore[arg-type]
    assert errors(outcome) == [(4, "postcode")]
