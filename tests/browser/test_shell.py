"""Each demo role signs in through the browser and sees its own navigation; the
shell's pages pass axe."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


@pytest.mark.parametrize(
    ("username", "expected_heading"),
    [("admin", "Administration"), ("officer", None), ("liaison", None), ("liaison2", None), ("board", None)],
)
def test_each_demo_role_signs_in_and_sees_its_own_navigation(
    page: Any, live_server: Any, demo_users: str, username: str, expected_heading: str | None
) -> None:
    sign_in(page, live_server, username, demo_users)
    expect(page.get_by_role("heading", name="Behind the Badge case tracker")).to_be_visible()
    banner = page.locator(".govuk-phase-banner").inner_text()
    assert "Signed in as" in banner
    account = page.get_by_role("navigation", name="Your account")
    expect(account.get_by_role("button", name="Sign out")).to_be_visible()
    if expected_heading:
        expect(page.get_by_role("heading", name=expected_heading)).to_be_visible()
    else:
        assert page.get_by_role("heading", name="Administration").count() == 0
    assert_accessible(page)
    account.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def test_shell_pages_pass_axe(page: Any, live_server: Any, demo_users: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()  # empty form: the error summary
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    sign_in(page, live_server, "officer", demo_users)
    for path in ["/", "/accounts/password/", "/no-such-page/"]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)


def test_stylesheet_and_scripts_load(page: Any, live_server: Any, demo_users: str) -> None:
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("console", lambda m: failed.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, "officer", demo_users)
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    font = page.evaluate("getComputedStyle(document.querySelector('.govuk-heading-xl')).fontFamily")
    assert "system-ui" in font
    assert not failed, failed
