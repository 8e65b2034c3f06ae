"""The data protection officer, tried as a new user would (issue #14): from the landing
page to the review queue, a person whose review is due, a refused empty reason, and
the disposal; axe on every page."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def test_the_dpo_disposes_of_a_person_whose_review_is_due(page: Any, live_server: Any, demo_users: str) -> None:
    from interventions.models import Offender

    sign_in(page, live_server, "dpo", demo_users)
    page.get_by_role("link", name="Data protection").first.click()
    page.get_by_role("link", name="Retention reviews due").click()
    expect(page.get_by_role("heading", name="Retention reviews due")).to_be_visible()
    expect(page.get_by_text("4 reviews due")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Maureen Selsby").click()
    expect(page.get_by_role("heading", name="Maureen Selsby")).to_be_visible()
    expect(page.get_by_text("ARCH00004")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Dispose of the personal data").click()
    expect(page.get_by_text("It cannot be undone")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Dispose of the personal data").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter the reason for disposing of this person's data")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Why is the personal data being disposed of?").fill("Review: no longer needed")
    page.get_by_role("button", name="Dispose of the personal data").click()
    expect(page.get_by_text("The person's personal data has been disposed of.")).to_be_visible()
    expect(page.get_by_role("heading", name="Disposed person")).to_be_visible()
    expect(page.get_by_role("cell", name="Personal data disposed of")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Retention reviews due").click()
    expect(page.get_by_text("3 reviews due")).to_be_visible()
    expect(page.get_by_text("Maureen Selsby")).to_have_count(0)
    stub = Offender.objects.get(case_reference__startswith="DISPOSED-")
    assert (stub.first_name, stub.last_name) == ("Disposed", "person")
