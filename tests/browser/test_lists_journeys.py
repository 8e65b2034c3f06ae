"""Issue 15's journeys through the lists, by keyboard only (each control is reached
with focus and worked with keys, never clicked), with axe on every page."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_interventions_journeys import _referral


def _type_into(field: Any, text: str) -> None:
    field.focus()
    field.page.keyboard.press("ControlOrMeta+a")
    field.page.keyboard.type(text)


def test_a_liaison_finds_a_referral_by_its_number_accepts_it_and_sees_it_assigned_to_them(
    page: Any, live_server: Any, demo_users: str
) -> None:
    referral = _referral()  # submitted by the demo officer to the probation service
    sign_in(page, live_server, "liaison", demo_users)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Referrals").press("Enter")
    expect(page.get_by_role("heading", name="Referrals", exact=True)).to_be_visible()
    _type_into(page.get_by_label("Referral number, case reference or name"), referral.reference)
    page.keyboard.press("Enter")  # submits the filter form
    expect(page.get_by_text("1 referral", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=referral.reference).press("Enter")
    expect(page.get_by_role("heading", name=referral.offender.full_name)).to_be_visible()

    page.get_by_role("link", name="Accept", exact=True).press("Enter")
    assign = page.get_by_label("Assign to")
    expect(assign).to_have_value(str(_user("liaison").pk))  # the accepting liaison, unless they choose another
    assert_accessible(page)
    page.get_by_role("button", name="Accept").press("Enter")
    expect(page.get_by_text(f"{referral.reference} is now accepted.")).to_be_visible()

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Referrals").press("Enter")
    page.get_by_role("navigation", name="Caseload views").get_by_role("link", name="Assigned to me").press("Enter")
    table = page.get_by_role("region", name="Referrals")
    expect(table.get_by_role("link", name=referral.reference)).to_be_visible()
    expect(table.get_by_role("row").filter(has_text=referral.reference)).to_contain_text("Liam Lewis")
    assert_accessible(page)


def _user(username: str) -> Any:
    from tracker.core.models import User

    return User.objects.get(username=username)


def test_an_officer_starts_a_partnership_from_the_venues_with_none(
    page: Any, live_server: Any, demo_users: str
) -> None:
    from partners.models import Partnership, Venue

    sign_in(page, live_server, "officer", demo_users)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Community and venues").press("Enter")
    page.get_by_role("navigation", name="Community and venues").get_by_role("link", name="Venues").press("Enter")
    partnership = page.get_by_role("combobox", name=re.compile(r"^Partnership"))
    partnership.focus()
    partnership.select_option(label="No partnership")  # a select takes its choice from the keyboard
    page.get_by_role("button", name="Apply filters").press("Enter")
    assert_accessible(page)
    table = page.get_by_role("region", name="Venues")
    rows = table.locator("tbody tr")
    expect(rows.first).to_be_visible()
    # Every venue listed has no open partnership, and offers to start one.
    assert rows.count() == rows.filter(has_text="Start a partnership").count()
    first = table.get_by_role("link", name="Start a partnership").first
    chosen = first.get_attribute("href").rstrip("/").split("/")[-3]
    venue = Venue.objects.get(pk=int(chosen))
    assert not Partnership.objects.filter(venue=venue).open().exists()
    first.press("Enter")

    expect(page.get_by_role("heading", name="Start a partnership")).to_be_visible()
    expect(page.get_by_text(str(venue)).first).to_be_visible()  # the venue already chosen
    assert_accessible(page)
    page.get_by_role("button", name="Start partnership").press("Enter")
    expect(page.get_by_text(f"Partnership with {venue} started as a prospect.")).to_be_visible()
    assert Partnership.objects.filter(venue=venue).open().get().status == "prospect"
    assert_accessible(page)
