"""Browser helpers: sign in through the real login form, and run axe."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pytest_playwright_axe import OPTIONS_WCAG_22AA, Axe


def sign_in(page: Any, live_server: Any, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def fill_date(page: Any, legend: str, day: date, at: str = "") -> None:
    """Type a date into the GOV.UK date input `legend` (and its time box, if `at`)."""
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
    if at:
        group.get_by_label("Time, like 14:30").fill(at)


def assert_accessible(page: Any) -> None:
    """No WCAG 2.2 A or AA violation on the page as it stands, once its scripts have
    run (GOV.UK Frontend changes the navigation's markup when it starts)."""
    page.wait_for_load_state("load")
    results = Axe().run(page, options=OPTIONS_WCAG_22AA, html_report_generated=False, json_report_generated=False)
    problems = [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})" for v in results["violations"]
    ]
    assert not problems, f"{page.url}: " + "; ".join(problems)


@pytest.fixture
def demo_users(transactional_db: None, settings: Any) -> str:
    """The demo organisations and users, as `make run` creates them."""
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    return str(settings.DEMO_PASSWORD)
