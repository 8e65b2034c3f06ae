"""Pickers in a real browser: an officer logs an engagement choosing two groups and a
venue by typing, with the keyboard only; and the navigation on one line. (The form
without scripts is tested through Django's client in tests/partners/test_pickers.py.)"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, fill_date, sign_in


def pick(page: Any, label: str, text: str, option: str) -> None:
    """Type into a picker, arrow down to `option` and press Enter: the keyboard only."""
    page.get_by_label(label, exact=True).focus()
    page.keyboard.type(text)
    listbox = page.get_by_role("listbox")
    expect(listbox.get_by_role("option", name=option, exact=True)).to_be_visible()
    page.keyboard.press("ArrowDown")
    names = [o.inner_text() for o in listbox.get_by_role("option").all()]
    for _ in range(names.index(option)):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


def test_officer_picks_two_groups_and_a_venue_by_typing_with_the_keyboard(
    page: Any, live_server: Any, demo_users: str
) -> None:
    from partners.models import CommunityGroup, Engagement, Venue

    active = CommunityGroup.objects.filter(active=True)
    ledbury, leominster = active.filter(name__startswith="L").order_by("name")[:2]
    removed = active.exclude(pk__in=[ledbury.pk, leominster.pk]).order_by("name").first()
    assert removed is not None
    venue = Venue.objects.filter(name="Plough Bar").order_by("licence_number").last()
    assert venue is not None and Venue.objects.filter(name="Plough Bar").count() > 1  # names alone are ambiguous
    venue_label = venue.picker_label

    sign_in(page, live_server, "officer", demo_users)
    page.goto(f"{live_server.url}/partners/engagements/new/")
    assert "Hold Ctrl" not in page.content()
    fill_date(page, "Date and time", date(2026, 11, 20), at="19:00")
    page.get_by_label("Kind of engagement").select_option(label="Meeting")
    page.get_by_label("Area").select_option(label="Shropshire")

    pick(page, "Community groups", ledbury.name[:8], ledbury.name)
    pick(page, "Community groups", removed.name[:6], removed.name)
    pick(page, "Community groups", leominster.name[:9], leominster.name)
    chosen_groups = page.get_by_role("list", name="Chosen: community group")
    for group in (ledbury, removed, leominster):
        expect(chosen_groups.get_by_role("listitem").filter(has_text=group.name)).to_be_visible()

    # Remove one with the keyboard: its button names it; focus returns to the box.
    remove = chosen_groups.get_by_role("button", name=f"Remove {removed.name}")
    remove.focus()
    page.keyboard.press("Enter")
    expect(chosen_groups.get_by_role("listitem").filter(has_text=removed.name)).to_have_count(0)
    expect(page.get_by_label("Community groups", exact=True)).to_be_focused()
    expect(page.get_by_role("status").filter(has_text=f"{removed.name} removed")).to_have_count(1)

    pick(page, "Venues", f"Plough {venue.postcode[:3]}", venue_label)
    chosen_venue = page.get_by_role("list", name="Chosen: venue").get_by_role("listitem")
    expect(chosen_venue).to_have_count(1)
    expect(chosen_venue.get_by_role("button", name=f"Remove {venue_label}")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Summary").fill("Pubwatch and community leaders together")
    page.get_by_role("button", name="Save engagement").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Meeting on 20 November 2026")).to_be_visible()
    engagement = Engagement.objects.get(summary="Pubwatch and community leaders together")
    assert set(engagement.groups.all()) == {ledbury, leominster}
    assert list(engagement.venues.all()) == [venue]
    expect(page.get_by_role("link", name=str(venue))).to_be_visible()


@pytest.mark.parametrize("username", ["admin", "officer", "liaison", "board", "dpo"])
def test_the_navigation_fits_one_line_at_1280_pixels(
    page: Any, live_server: Any, demo_users: str, username: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, username, demo_users)
    items = page.locator(".govuk-service-navigation__item")
    assert items.count() >= 1
    tops = {round(box["y"]) for box in (items.nth(i).bounding_box() for i in range(items.count())) if box}
    assert len(tops) == 1, f"{username}: navigation wraps onto {len(tops)} lines"
    expect(page.get_by_role("navigation", name="Your account").get_by_role("button", name="Sign out")).to_be_visible()
    icons = page.eval_on_selector_all("link[rel~=icon]", "links => links.map(l => l.href)")
    assert icons and all(page.request.get(href).ok for href in icons)
