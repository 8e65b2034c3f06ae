"""A board member gets last quarter's report from the dashboard and reaches a
financial-year quarter in two clicks; the dashboard and the issued-reports pages
pass axe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tracker.reports.periods import Period, financial_year_of, fy_name, last_quarter, today


def test_a_board_member_downloads_last_quarter_and_reaches_a_financial_year_quarter_in_two_clicks(
    page: Any, live_server: Any, demo_users: str, tmp_path: Path
) -> None:
    sign_in(page, live_server, "board", demo_users)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/reports/")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    # The default: the last complete quarter; a new board member needs no choice
    expect(page.get_by_text(f"All areas, {last_quarter().label()}.")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download board report (PDF)").click()
    download = info.value
    assert download.suggested_filename.startswith("board-report-")
    saved = tmp_path / "board.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")

    # Last financial year's second quarter: open the list, follow the link.
    year = financial_year_of(today()) - 1
    quarter = Period.fy_quarter(year, 2)
    page.get_by_text("Financial years and quarters").click()  # click 1
    page.get_by_role("link", name=f"Q2 {fy_name(year)}, {quarter.label()}", exact=True).click()  # click 2
    page.wait_for_url(f"**/reports/?period=FY{year}-Q2")
    expect(page.get_by_text(f"All areas, {quarter.label()} (Q2 {fy_name(year)}).")).to_be_visible()
    expect(page.get_by_text("Previous quarter")).to_be_visible()
    with page.expect_download() as again:
        page.get_by_role("link", name="Download board report (PDF)").click()
    assert again.value.suggested_filename == f"board-report-{quarter.start}-to-{quarter.end}.pdf"

    # A month, from the small form; the board is offered no custom dates.
    expect(page.get_by_text("Other dates", exact=True)).to_have_count(0)
    page.get_by_text("A month", exact=True).click()
    page.get_by_label("Month", exact=True).select_option(label="February")
    page.get_by_label("Year", exact=True).select_option(str(year + 1))
    page.get_by_role("button", name="Show month").click()
    page.wait_for_url("**/reports/?month=2*")
    expect(page.get_by_text(f"All areas, February {year + 1}.")).to_be_visible()
    expect(page.get_by_text("Same month a year earlier")).to_be_visible()


def test_dashboard_and_issued_reports_pass_axe(
    page: Any, live_server: Any, demo_users: str, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    sign_in(page, live_server, "officer", demo_users)
    page.goto(f"{live_server.url}/reports/")
    expect(page.locator("table.app-heat-table")).to_be_visible()
    for summary in ("Financial years and quarters", "Calendar quarters", "A month", "Other dates"):
        page.get_by_text(summary, exact=True).click()
    assert_accessible(page)
    page.goto(f"{live_server.url}/reports/?period=FY{financial_year_of(today()) - 1}&area=Shropshire")
    assert_accessible(page)
    page.goto(f"{live_server.url}/reports/?start=2020-02-30")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("button", name="Issue this report").click()
    page.wait_for_url("**/reports/issued/")
    expect(page.get_by_text("issued. It is stored exactly as issued")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/reports/board.pdf?start=2020-01-01")
    assert_accessible(page)
