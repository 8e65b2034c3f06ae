"""An officer uploads a police incident extract, sees two row errors, fixes the file
and imports it; every page on the way passes axe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

EXAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "incidents-example.csv"


def test_an_officer_fixes_two_bad_rows_and_imports_the_incidents(
    page: Any, live_server: Any, demo_users: str, settings: Any, tmp_path: Path
) -> None:
    from tracker.assaults.models import AssaultIncident

    settings.MEDIA_ROOT = tmp_path
    good = EXAMPLE.read_text()
    broken = tmp_path / "incidents.csv"
    broken.write_text(
        good.replace("23:10,North Worcestershire,", "23:10,Atlantis,").replace(
            "04:15,South Worcestershire,police_officer,no,", "04:15,South Worcestershire,police_officer,perhaps,"
        )
    )

    sign_in(page, live_server, "officer", demo_users)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Imports").click()
    page.get_by_role("link", name="Import assault incidents").click()
    assert_accessible(page)
    page.get_by_label("File").set_input_files(str(broken))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/imports/check/*/")
    expect(page.get_by_text("2 problems found: nothing has been imported")).to_be_visible()
    rows = page.locator("table.govuk-table tbody tr")
    assert rows.nth(0).inner_text().split("\t")[:2] == ["4", "area"]
    assert rows.nth(1).inner_text().split("\t")[:2] == ["10", "injury"]
    assert_accessible(page)
    assert not AssaultIncident.objects.filter(reference__startswith="WM-EX-").exists()

    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("File").set_input_files(str(EXAMPLE))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/imports/check/*/")
    page.get_by_role("button", name="Import 12 rows").click()
    expect(page.get_by_text("12 new, 0 updated, 0 unchanged").first).to_be_visible()
    assert_accessible(page)
    assert AssaultIncident.objects.filter(reference__startswith="WM-EX-").count() == 12
