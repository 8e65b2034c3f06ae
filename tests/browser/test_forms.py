"""Forms with the keyboard alone: a GOV.UK date input whose error names the missing
part and links to the input, and questions revealed under the answer that needs them."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_interventions_journeys import _referral


def tab_to(page: Any, target: Any, most: int = 15) -> None:
    """Press Tab until `target` has the focus."""
    for _ in range(most):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(target).to_be_focused()


def test_a_liaison_records_a_session_with_the_keyboard_alone(page: Any, live_server: Any, demo_users: str) -> None:
    referral = _referral("started")
    sign_in(page, live_server, "liaison", demo_users)
    page.goto(f"{live_server.url}/interventions/referrals/{referral.pk}/sessions/new/")
    date_input = page.get_by_role("group", name="Scheduled date")
    day, month, year = (date_input.get_by_label(part) for part in ("Day", "Month", "Year"))
    attendance = page.get_by_role("group", name="Attendance")
    note = page.get_by_label("Describe the concern")
    # Without an answer, the questions that depend on one are not shown.
    expect(attendance).to_be_hidden()
    expect(note).to_be_hidden()

    tab_to(page, day)
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(year).to_be_focused()
    page.keyboard.type("2026")
    happened = page.get_by_role("group", name="Did the session take place?")
    tab_to(page, happened.get_by_label("Yes"))
    page.keyboard.press("Space")
    expect(attendance).to_be_visible()  # revealed under "Yes"
    tab_to(page, attendance.get_by_label("Attended"))
    page.keyboard.press("Space")
    concern = page.get_by_label("There is a concern the referrer should know about")
    tab_to(page, concern)
    page.keyboard.press("Space")
    expect(note).to_be_visible()  # revealed under the ticked box
    tab_to(page, page.get_by_role("button", name="Save session"))
    page.keyboard.press("Enter")

    # The missing month and the missing note, each named, each linked to its field.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="Scheduled date must include a month")).to_be_visible()
    expect(summary.get_by_role("link", name="Describe the concern")).to_be_visible()
    expect(month).to_have_class("govuk-input govuk-date-input__input govuk-input--width-2 govuk-input--error")
    expect(day).not_to_have_class("govuk-input govuk-date-input__input govuk-input--width-2 govuk-input--error")
    expect(note).to_be_visible()  # still shown under the ticked box, with its error
    assert_accessible(page)
    tab_to(page, summary.get_by_role("link", name="Scheduled date must include a month"))
    page.keyboard.press("Enter")
    expect(day).to_be_focused()
    page.keyboard.press("Tab")
    expect(month).to_be_focused()
    page.keyboard.type("11")
    tab_to(page, note)
    page.keyboard.type("Arrived angry about the bus")
    tab_to(page, page.get_by_role("button", name="Save session"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Session recorded.")).to_be_visible()
