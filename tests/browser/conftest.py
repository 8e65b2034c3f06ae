"""Browser helpers: sign in through the real login form, and run axe."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import pytest_playwright_axe
from pytest_playwright_axe import OPTIONS_WCAG_22AA, Axe
from pytest_playwright_axe.axe import WCAG_22AA_RULESET

AXE_SOURCE = Path(pytest_playwright_axe.__file__).parent / "resources" / "axe.min.js"


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


def load_axe_on_every_page(context: Any) -> None:
    """Add axe-core to every page `context` opens, for `accessibility_problems()`."""
    context.add_init_script(path=str(AXE_SOURCE))


def accessibility_problems(page: Any) -> list[str]:
    """The WCAG 2.2 A and AA violations on the page as it stands, like
    `assert_accessible()` but run in place by the axe-core the context loads
    (`load_axe_on_every_page`): about a second a page where the helper above, which
    loads axe afresh and combines the results in a page of its own, takes several.
    For walks over many pages; the page has no frames to scan."""
    page.wait_for_load_state("load")
    violations = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags}})).violations
            .map(v => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map(n => n.target[0]).join(", ")})`)""",
        list(WCAG_22AA_RULESET),
    )
    return [f"{page.url}: {violation}" for violation in violations]


@pytest.fixture
def demo_users(transactional_db: None, settings: Any) -> str:
    """The demo organisations and users, as `make run` creates them."""
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    return str(settings.DEMO_PASSWORD)
