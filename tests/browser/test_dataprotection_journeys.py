"""The data protection officer's journey, by keyboard: from the Data protection page,
find who viewed a demo person last week in two steps (search, open the person)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def _seed_views_of(case_reference: str) -> Any:
    """The demo liaison viewed the person five days ago; the prison liaison listed them
    (among others) three weeks ago; the officer saw someone else."""
    from django.utils import timezone

    from interventions.models import Offender
    from tracker.core.access_log import log_access
    from tracker.core.models import AccessLog, User

    person = Offender.objects.get(case_reference=case_reference, kept_by=None)
    other = Offender.objects.exclude(pk=person.pk).first()
    assert other is not None
    users = {u.username: u for u in User.objects.filter(username__in=["liaison", "liaison2", "officer"])}
    now = timezone.now()
    for username, people, action, ago in [
        ("liaison", [person.pk], AccessLog.Action.VIEW, timedelta(days=5)),
        ("liaison2", [person.pk, other.pk], AccessLog.Action.LIST, timedelta(days=21)),
        ("officer", [other.pk], AccessLog.Action.VIEW, timedelta(days=4)),
    ]:
        row = log_access(users[username], action=action, people=people)
        AccessLog.objects.filter(pk=row.pk).update(
            at=now - ago, path="/interventions/people/", client_address="10.0.0.7"
        )
    return person


def test_the_dpo_finds_who_viewed_a_person_last_week_in_two_steps(page: Any, live_server: Any, demo_users: str) -> None:
    person = _seed_views_of("DEMO00001")
    sign_in(page, live_server, "dpo", demo_users)
    page.get_by_role("link", name="Data protection").first.click()
    expect(page.get_by_role("heading", name="Who has seen a person?")).to_be_visible()
    assert_accessible(page)

    # Step 1: type the case reference and press Enter.
    search = page.get_by_label("Case reference, name or id")
    search.focus()
    page.keyboard.type("DEMO00001")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="1 person found")).to_be_visible()
    assert_accessible(page)

    # Step 2: open the person's access history from the keyboard.
    link = page.get_by_role("link", name=re.compile(rf"^{person.full_name}\W+access history$"))
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=person.full_name, level=1)).to_be_visible()
    by_user = page.get_by_role("table", name="By user")
    expect(by_user.get_by_role("row", name="Liam Lewis")).to_be_visible()
    expect(by_user.get_by_role("row", name="Layla Lowe")).to_be_visible()
    expect(by_user.get_by_role("row", name="Olivia Owen")).to_have_count(0)
    by_organisation = page.get_by_role("table", name="By organisation")
    expect(by_organisation.get_by_role("row", name="Probation Service – West Mercia")).to_be_visible()
    assert_accessible(page)

    # Narrowing to the last seven days leaves the liaison's view only.
    from django.utils import timezone

    today = timezone.localdate()
    page.get_by_label("From").fill((today - timedelta(days=7)).isoformat())
    page.get_by_label("To").fill(today.isoformat())
    page.get_by_role("button", name="Show this period").press("Enter")
    expect(by_user.get_by_role("row", name="Layla Lowe")).to_have_count(0)
    expect(by_user.get_by_role("row", name="Liam Lewis")).to_be_visible()
