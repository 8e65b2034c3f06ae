"""The import machinery, exercised with a small kind over organisations."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from import_export import fields, widgets
from openpyxl import Workbook

from tracker.core.imports import registry
from tracker.core.imports.resources import TrackerResource
from tracker.core.imports.running import ImportOutcome, Problems, Row, RowImporter
from tracker.core.imports.services import ImportError_, confirm_import, preview_import
from tracker.core.models import ImportJob, Organisation
from tracker.core.roles import Role

pytestmark = pytest.mark.django_db


class OrganisationResource(TrackerResource):
    name = fields.Field(attribute="name", column_name="name")
    kind = fields.Field(attribute="kind", column_name="kind", widget=widgets.CharWidget())

    class Meta(TrackerResource.Meta):
        model = Organisation
        fields = ("name", "kind")
        import_id_fields = ("name",)


class OrganisationImporter(RowImporter[tuple[Organisation | None, dict[str, Any]]]):
    """A small kind on core's runner: organisations by name, with the model's rules."""

    key_column = "name"

    def check_batch(self, rows: list[tuple[int, Any]], problems: Problems) -> list[tuple[int, Any]]:
        stored = {o.name: o for o in Organisation.objects.filter(name__in=[r.get("name") for _, r in rows])}
        good = []
        for number, raw in rows:
            row = Row(number, raw, problems)
            values = {"name": row.text("name"), "kind": row.text("kind")}
            try:
                Organisation(**values).clean_fields()
            except ValidationError as error:
                for column, messages in error.message_dict.items():
                    row.fail(column, " ".join(messages))
            if row.ok:
                good.append((number, (stored.get(values["name"]), values)))
        return good

    def key(self, raw: Any) -> str | None:
        return str(raw.get("name") or "").lower() or None

    def write_batch(self, rows: list[tuple[int, Any]], outcome: ImportOutcome, *, write: bool) -> None:
        for _, (organisation, values) in rows:
            if organisation is not None and organisation.kind == values["kind"]:
                outcome.unchanged += 1
                continue
            if organisation is None:
                outcome.new += 1
                organisation = Organisation(**values)
            else:
                outcome.updated += 1
                organisation.kind = values["kind"]
            if write:
                organisation._history_user = self.by  # type: ignore[attr-defined]
                organisation.save()


KIND = registry.ImportKind(
    slug="test-organisations",
    label="Organisations (test)",
    resource_class=OrganisationResource,
    importer=OrganisationImporter,
    roles=frozenset({Role.OFFICER, Role.ADMIN}),
    required_columns=("name", "kind"),
)


@pytest.fixture(autouse=True)
def test_kind() -> Iterator[registry.ImportKind]:
    registry.register(KIND)
    yield KIND
    registry._kinds.pop(KIND.slug, None)


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


GOOD = "name,kind\nRotary Club,charity\nHereford Council,local_authority\n"


def test_preview_writes_nothing_and_confirm_imports_once(officer: Any) -> None:
    job = preview_import(KIND, csv_bytes(GOOD), "orgs.csv", by=officer)
    assert job.status == ImportJob.Status.PREVIEWED
    assert (job.new, job.updated, job.rows) == (2, 0, 2)
    assert not Organisation.objects.filter(name="Rotary Club").exists()

    confirm_import(job, KIND, by=officer)
    assert Organisation.objects.get(name="Rotary Club").kind == "charity"
    history = Organisation.objects.get(name="Rotary Club").history.first()
    assert history.history_user == officer

    with pytest.raises(ImportError_, match="already been imported"):
        confirm_import(job, KIND, by=officer)
    assert Organisation.objects.filter(name="Rotary Club").count() == 1


def test_reimport_updates_and_leaves_unchanged_rows_alone(officer: Any) -> None:
    confirm_import(preview_import(KIND, csv_bytes(GOOD), "a.csv", by=officer), KIND, by=officer)
    again = preview_import(
        KIND, csv_bytes("name,kind\nRotary Club,other\nHereford Council,local_authority\n"), "b.csv", by=officer
    )
    assert (again.new, again.updated, again.unchanged) == (0, 1, 1)


def test_one_bad_row_imports_nothing_and_names_the_row_and_column(officer: Any) -> None:
    content = csv_bytes("name,kind\nRotary Club,charity\nBad Org,spaceship\n")
    job = preview_import(KIND, content, "orgs.csv", by=officer)
    assert job.status == ImportJob.Status.REFUSED
    assert job.errors == [{"row": 3, "column": "kind", "message": "Value 'spaceship' is not a valid choice."}]
    assert not Organisation.objects.filter(name="Rotary Club").exists()


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "x.csv", "The file is empty."),
        (b"name\nRotary\n", "x.csv", "This column is missing."),
        (b"name,kind,colour\nRotary,charity,red\n", "x.csv", "Unknown column"),
        (b"name,kind\n", "x.csv", "no data rows"),
        (b"name,kind\nRotary,charity\n", "x.txt", "must be a CSV"),
        (b'name,kind\n=HYPERLINK("x"),charity\n', "x.csv", "looks like a spreadsheet formula"),
        (b"name,kind\n@SUM(A1),charity\n", "x.csv", "looks like a spreadsheet formula"),
        (b"name,kind\nSame,charity\nsame,other\n", "x.csv", "Duplicates row 2"),
        (b"PK\x03\x04garbage", "x.xlsx", "not a readable XLSX"),
        # UTF-16 (Excel's "Unicode text"): named as the encoding it is, not as binary data.
        (b"\xff\xfe\x00n\x00a", "x.csv", "not UTF-8 or Windows-1252"),
        (b"name,kind\nRot\x00ary,charity\n", "x.csv", "binary data"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(officer: Any, content: bytes, filename: str, message: str) -> None:
    job = preview_import(KIND, content, filename, by=officer)
    assert job.status == ImportJob.Status.REFUSED
    assert any(message in e["message"] for e in job.errors), job.errors
    assert Organisation.objects.count() == 1  # only the fixture's PCC office


def test_encodings_from_excel_are_accepted(officer: Any) -> None:
    for content in (
        csv_bytes("\ufeffname,kind\nCafé Society,charity\n"),
        csv_bytes("name,kind\nCafé Society,charity\n", "cp1252"),
    ):
        job = preview_import(KIND, content, "orgs.csv", by=officer)
        assert job.status == ImportJob.Status.PREVIEWED, job.errors
        confirm_import(job, KIND, by=officer)
        assert Organisation.objects.filter(name="Café Society").exists()


def test_xlsx_files_import_and_formula_cells_are_refused(officer: Any) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Kind"])
    sheet.append(["Rotary Club", "charity"])
    buffer = io.BytesIO()
    book.save(buffer)
    job = preview_import(KIND, buffer.getvalue(), "orgs.xlsx", by=officer)
    assert job.status == ImportJob.Status.PREVIEWED, job.errors
    sheet.append(["=1+1", "charity"])
    buffer = io.BytesIO()
    book.save(buffer)
    refused = preview_import(KIND, buffer.getvalue(), "orgs.xlsx", by=officer)
    assert refused.errors[0]["row"] == 3


def test_file_over_the_limit_is_refused(officer: Any, settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 100
    job = preview_import(KIND, csv_bytes(GOOD * 10), "big.csv", by=officer)
    assert "larger than" in job.errors[0]["message"]


def test_export_then_reimport_changes_nothing(officer: Any, tmp_path: Path) -> None:
    Organisation.objects.create(name="=Tricky name", kind="other")
    out = tmp_path / "orgs.csv"
    call_command("export_data", KIND.slug, str(out), stdout=io.StringIO())
    assert "'=Tricky name" in out.read_text()
    job = preview_import(KIND, out.read_bytes(), "orgs.csv", by=officer)
    assert (job.new, job.updated) == (0, 0), job.errors
    assert job.unchanged == Organisation.objects.count()


def test_command_line_refuses_a_bad_file_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind\nGood,charity\nBad,nonsense\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_data", KIND.slug, str(bad), stdout=io.StringIO(), stderr=err)
    assert "Row 3, column 'kind'" in err.getvalue()
    assert not Organisation.objects.filter(name="Good").exists()
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    call_command("import_data", KIND.slug, str(good), "--dry-run", stdout=io.StringIO())
    assert not Organisation.objects.filter(name="Rotary Club").exists()
    call_command("import_data", KIND.slug, str(good), stdout=io.StringIO())
    assert Organisation.objects.filter(name="Rotary Club").exists()


def test_import_pages_upload_preview_confirm(client: Any, officer: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(officer)
    assert KIND.label in client.get(reverse("imports")).content.decode()
    response = client.post(
        reverse("import-upload", args=[KIND.slug]), {"file": SimpleUploadedFile("orgs.csv", csv_bytes(GOOD))}
    )
    job = ImportJob.objects.get()
    assert response.url == reverse("import-preview", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert "Import 2 rows" in page
    client.post(reverse("import-confirm", args=[job.pk]))
    assert Organisation.objects.filter(name="Rotary Club").exists()
    replay = client.post(reverse("import-confirm", args=[job.pk]), follow=True)
    assert "already been imported" in replay.content.decode()


def test_kinds_are_limited_by_role(client: Any, board: Any, liaison: Any) -> None:
    client.force_login(liaison)
    assert client.get(reverse("import-upload", args=[KIND.slug])).status_code == 404
    client.force_login(board)
    assert client.get(reverse("imports")).status_code == 403


def test_a_long_file_shows_progress_on_the_command_line(tmp_path: Path, settings: Any) -> None:
    rows = "".join(f"Org {n},charity\n" for n in range(2100))
    big = tmp_path / "big.csv"
    big.write_text("name,kind\n" + rows)
    out = io.StringIO()
    call_command("import_data", KIND.slug, str(big), "--dry-run", stdout=out)
    assert "1,000 of 2,100 rows read" in out.getvalue()
    assert "2,000 of 2,100 rows read" in out.getvalue()
    assert "Would import 2100 rows" in out.getvalue()


def test_an_upload_spooled_to_a_temporary_file_is_checked_stored_and_imported(
    client: Any, officer: Any, settings: Any, tmp_path: Path
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # larger uploads go to a temporary file
    client.force_login(officer)
    client.post(reverse("import-upload", args=[KIND.slug]), {"file": SimpleUploadedFile("orgs.csv", csv_bytes(GOOD))})
    job = ImportJob.objects.get()
    assert (job.status, job.new) == (ImportJob.Status.PREVIEWED, 2), job.errors
    with job.file.open("rb") as stored:
        assert stored.read() == csv_bytes(GOOD)
    client.post(reverse("import-confirm", args=[job.pk]))
    assert Organisation.objects.filter(name="Hereford Council").exists()


def test_the_command_reads_the_file_as_a_stream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read whole"))
    call_command("import_data", KIND.slug, str(good), stdout=io.StringIO())
    assert Organisation.objects.filter(name="Rotary Club").exists()
