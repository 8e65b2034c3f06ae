"""A board member gets last quarter's report from the dashboard; the dashboard and
the issued-reports pages pass axe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def test_a_board_member_picks_last_quarter_and_downloads_the_pdf(
    page: Any, live_server: Any, demo_users: str, tmp_path: Path
) -> None:
    sign_in(page, live_server, "board", demo_users)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Dashboard").click()  # click 1
    page.wait_for_url("**/reports/")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    assert page.get_by_label("Last quarter").is_checked()  # the default: a new board member needs no choice
    with page.expect_download() as info:
        page.get_by_role("link", name="Download board report (PDF)").click()  # click 2
    download = info.value
    assert download.suggested_filename.startswith("board-report-")
    saved = tmp_path / "board.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")

    # Choosing the period explicitly gives the same report.
    page.get_by_label("This quarter").check()
    page.get_by_label("Last quarter").check()
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_url("**/reports/?preset=last_quarter*")
    with page.expect_download() as again:
        page.get_by_role("link", name="Download board report (PDF)").click()
    assert again.value.suggested_filename == download.suggested_filename


def test_dashboard_and_issued_reports_pass_axe(
    page: Any, live_server: Any, demo_users: str, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    sign_in(page, live_server, "officer", demo_users)
    page.goto(f"{live_server.url}/reports/")
    expect(page.locator("table.app-heat-table")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/reports/?preset=last_12_months&area=Shropshire")
    assert_accessible(page)
    page.goto(f"{live_server.url}/reports/?preset=custom&start=2020-02-30")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("button", name="Issue this report").click()
    page.wait_for_url("**/reports/issued/")
    expect(page.get_by_text("issued. It is stored exactly as issued")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/reports/board.pdf?start=2020-01-01")
    assert_accessible(page)
