"""Every partnership-strand page passes axe; board members and liaisons are turned away."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def test_remaining_partners_pages_pass_axe(page: Any, live_server: Any, demo_users: str) -> None:
    from partners.models import CommunityGroup, Engagement, Partnership

    group = CommunityGroup.objects.filter(contacts__isnull=False).first()
    partnership = Partnership.objects.filter(status="lapsed").first()
    open_partnership = Partnership.objects.filter(status="active").first()
    engagement = Engagement.objects.filter(follow_ups__isnull=False, venues__isnull=False).first()
    sign_in(page, live_server, "officer", demo_users)
    paths = [
        "/partners/groups/",
        "/partners/groups/?kind=youth&sort=-name",
        f"/partners/groups/{group.pk}/",
        "/partners/groups/new/",
        f"/partners/groups/{group.pk}/edit/",
        f"/partners/groups/{group.pk}/contacts/new/",
        "/partners/venues/?q=club",
        f"/partners/venues/{partnership.venue_id}/",
        f"/partners/venues/{partnership.venue_id}/edit/",
        "/partners/partnerships/",
        "/partners/partnerships/?status=active&review_before=2030-01-01",
        f"/partners/partnerships/{partnership.pk}/",
        f"/partners/partnerships/{open_partnership.pk}/",
        f"/partners/partnerships/{open_partnership.pk}/move/lapsed/",
        f"/partners/partnerships/{open_partnership.pk}/outcomes/new/",
        "/partners/engagements/?date_from=2025-01-01",
        f"/partners/engagements/{engagement.pk}/",
        f"/partners/engagements/{engagement.pk}/edit/",
    ]
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").is_visible(), path
        assert_accessible(page)
    page.goto(f"{live_server.url}/partners/groups/{group.pk}/contacts/new/")
    page.get_by_label("Email (optional)").fill("not-an-email")
    page.get_by_role("button", name="Save contact").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("username", ["board", "liaison"])
def test_board_members_and_liaisons_cannot_reach_partners_pages(
    page: Any, live_server: Any, demo_users: str, username: str
) -> None:
    sign_in(page, live_server, username, demo_users)
    nav = page.get_by_role("navigation", name="Menu")
    assert nav.get_by_role("link", name="Venues").count() == 0
    assert nav.get_by_role("link", name="Community and venues").count() == 0
    response = page.goto(f"{live_server.url}/partners/venues/")
    assert response.status == 403
