"""Issue 6's journey: an officer uploads the licensing register, sees two row
errors, fixes the file and imports it; axe runs on every import page."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

HEADER = "licence_number,name,address,postcode,area,kind,latest_licensed_hour,operator\n"
GOOD = (
    'PL/REG/0001,The Lamb and Flag,"3 Church Street, Ludlow",SY8 1AP,Shropshire,Pub,23:00,Flag Taverns Ltd\n'
    'PL/REG/0002,The Night Owl,"9 Bridge Street, Hereford",HR4 9DG,Herefordshire,Nightclub,03:00,\n'
)
BAD = (
    'PL/REG/0003,Kebab Corner,"1 Mill Street, Telford",TF1 1AA,Telford,Late-night takeaway,02:00,\n'
    'PL/REG/0004,The Tap Room,"5 High Street, Malvern",NOT A CODE,South Worcestershire,Bar,,\n'
)
FIXED = BAD.replace(",Telford,", ",Telford & Wrekin,").replace("NOT A CODE", "WR14 4QT")


def upload(page: Any, content: str) -> None:
    page.get_by_label("File").set_input_files(
        {"name": "licensing-register.csv", "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_role("button", name="Check the file").click()


def test_officer_fixes_two_row_errors_and_imports_the_licensing_register(
    page: Any, live_server: Any, demo_users: str
) -> None:
    from partners.models import Venue

    before = Venue.objects.count()
    sign_in(page, live_server, "officer", demo_users)
    page.goto(f"{live_server.url}/imports/")
    assert_accessible(page)
    page.get_by_role("link", name="Import venues (licensed-premises register)").click()
    expect(page.get_by_text("licence_number, name, address, postcode, area, kind")).to_be_visible()
    assert_accessible(page)

    upload(page, HEADER + GOOD + BAD)
    expect(page.get_by_role("heading", name="2 problems found: nothing has been imported")).to_be_visible()
    rows = page.locator("table.govuk-table tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().split("\t")[:2] == ["4", "area"]
    assert "no area called “Telford”" in rows.nth(0).inner_text()
    assert rows.nth(1).inner_text().split("\t")[:2] == ["5", "postcode"]
    assert_accessible(page)
    assert Venue.objects.count() == before

    page.get_by_role("link", name="Upload a corrected file").click()
    upload(page, HEADER + GOOD + FIXED)
    expect(page.get_by_text("No problems found. Nothing has been saved yet.")).to_be_visible()
    assert_accessible(page)
    assert Venue.objects.count() == before

    page.get_by_role("button", name="Import 4 rows").click()
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    assert "4 new, 0 updated, 0 unchanged" in page.locator(".govuk-panel__body").inner_text()
    assert_accessible(page)
    assert Venue.objects.count() == before + 4
    tap_room = Venue.objects.get(licence_number="PL/REG/0004")
    assert tap_room.postcode == "WR14 4QT"
    assert tap_room.history.get().history_user.username == "officer"
