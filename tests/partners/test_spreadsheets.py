"""Issue 15, item 8: spreadsheets people can use. Exports name the sheet after the
list, keep numbers and dates typed in XLSX, show people and venues by name beside the
keys the import links by, and still import back unchanged; the imports page offers
each kind's template and example file."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from partners.models import Engagement, Partnership
from partners.services import start_partnership
from tests.partners.test_imports import FIXTURES, examples  # noqa: F401  # the example data
from tracker.core.imports import registry
from tracker.core.imports.services import check_file

pytestmark = pytest.mark.django_db


def _sheet(content: bytes) -> Any:
    return load_workbook(io.BytesIO(content)).active


@pytest.mark.parametrize(
    ("url_name", "title"),
    [
        ("partners:venue-list", "Venues"),
        ("partners:group-list", "Community groups"),
        ("partners:engagement-list", "Engagements"),
        ("partners:partnership-list", "Partnerships"),
    ],
)
def test_an_xlsx_export_names_its_sheet_after_the_list(client: Any, examples: Any, url_name: str, title: str) -> None:  # noqa: F811
    client.force_login(examples)
    sheet = _sheet(client.get(reverse(url_name), {"export": "xlsx"}).getvalue())
    assert sheet.title == title


def test_engagements_export_typed_cells_and_names_beside_the_keys(client: Any, examples: Any) -> None:  # noqa: F811
    client.force_login(examples)
    sheet = _sheet(client.get(reverse("partners:engagement-list"), {"export": "xlsx", "sort": "date"}).getvalue())
    rows = list(sheet.iter_rows(values_only=True))
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[:5] == ("id", "starts_at", "kind", "lead_officer_name", "lead_officer")
    assert isinstance(first["id"], int)
    # A date cell (spreadsheets hold no time zone), in UK local time.
    assert isinstance(first["starts_at"], datetime) and first["starts_at"].isoformat() == "2026-03-02T19:00:00"
    assert first["attendance"] == 24  # a number cell
    assert (first["lead_officer_name"], first["lead_officer"]) == (str(examples), examples.username)
    visit = next(dict(zip(header, row, strict=True)) for row in rows[1:] if row[2] == "Venue visit")
    engagement = Engagement.objects.get(pk=visit["id"])
    venues = list(engagement.venues.order_by("name"))
    assert visit["venue_names"] == "; ".join(v.name for v in venues)
    assert visit["venues"] == "; ".join(v.licence_number for v in venues)


def test_the_typed_xlsx_and_the_csv_import_back_unchanged(client: Any, examples: Any) -> None:  # noqa: F811
    client.force_login(examples)
    for fmt in ("xlsx", "csv"):
        content = client.get(reverse("partners:engagement-list"), {"export": fmt}).getvalue()
        outcome = check_file(registry.get("engagements"), content, f"e.{fmt}", by=examples, dry_run=True)  # type: ignore[arg-type]
        assert outcome.ok, outcome.errors
        assert (outcome.new, outcome.updated, outcome.unchanged) == (0, 0, Engagement.objects.count())


def test_partnership_export_shows_the_venue_and_officer_by_name_with_the_licence_apart(
    client: Any,
    examples: Any,  # noqa: F811
) -> None:
    from partners.models import Venue

    venue = Venue.objects.order_by("licence_number").first()
    start_partnership(venue, by=examples, lead_officer=examples, started_on=date(2026, 4, 1))
    client.force_login(examples)
    text = client.get(reverse("partners:partnership-list"), {"export": "csv"}).getvalue().decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert (row["venue"], row["licence_number"]) == (venue.name, venue.licence_number)
    assert row["lead_officer"] == str(examples) != examples.username
    sheet = _sheet(client.get(reverse("partners:partnership-list"), {"export": "xlsx"}).getvalue())
    started = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("started_on") + 1).value
    assert isinstance(started, datetime) and started.date() == date(2026, 4, 1)
    assert Partnership.objects.count() == 1


def test_the_imports_page_offers_each_kinds_template_and_example(client: Any, officer: Any) -> None:
    client.force_login(officer)
    page = client.get(reverse("imports")).content.decode()
    for kind in registry.kinds_for(officer):
        for fmt in ("csv", "xlsx"):
            assert reverse("import-template", args=[kind.slug, fmt]) in page
        assert reverse("import-example", args=[kind.slug]) in page
        template = client.get(reverse("import-template", args=[kind.slug, "csv"]))
        assert template.status_code == 200 and "attachment" in template["Content-Disposition"]
        assert template.content.decode("utf-8-sig").strip().split(",") == list(kind.columns)
        workbook = _sheet(client.get(reverse("import-template", args=[kind.slug, "xlsx"])).content)
        assert [c.value for c in workbook[1]] == list(kind.columns)
        example = client.get(reverse("import-example", args=[kind.slug]))
        assert example.content == (FIXTURES.parent / kind.example).read_bytes()


def test_a_kind_the_user_may_not_import_offers_no_template(client: Any, officer: Any) -> None:
    client.force_login(officer)  # referrals are imported by liaisons and administrators
    assert client.get(reverse("import-template", args=["referrals", "csv"])).status_code == 404
    assert client.get(reverse("import-example", args=["referrals"])).status_code == 404
