"""An officer's two main journeys in the partnership strand, in a real browser, with
axe run on every page on the way."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, fill_date, sign_in
from tests.browser.test_pickers import pick


def test_officer_logs_an_engagement_with_two_groups_and_follows_it_through(
    page: Any, live_server: Any, demo_users: str
) -> None:
    from partners.models import CommunityGroup

    first, second = CommunityGroup.objects.filter(area__name="Shropshire", active=True).order_by("name")[:2]
    sign_in(page, live_server, "officer", demo_users)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Community and venues").click()
    page.get_by_role("navigation", name="Community and venues").get_by_role("link", name="Engagements").click()
    assert_accessible(page)
    page.get_by_role("link", name="Log an engagement").click()
    page.get_by_role("button", name="Save engagement").click()  # empty: errors
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    fill_date(page, "Date and time", date(2026, 11, 20), at="19:00")
    page.get_by_label("Kind of engagement").select_option(label="Workshop")
    page.get_by_label("Area").select_option(label="Shropshire")
    pick(page, "Community groups", first.name, first.name)
    pick(page, "Community groups", second.name, second.name)
    page.get_by_label("Attendance").fill("32")
    page.get_by_label("Summary").fill("Workshop on challenging abuse of officers")
    page.get_by_role("button", name="Save engagement").click()
    expect(page.get_by_role("heading", name="Workshop on 20 November 2026")).to_be_visible()
    expect(page.get_by_role("link", name=first.name)).to_be_visible()
    expect(page.get_by_role("link", name=second.name)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record materials handed out").click()
    assert_accessible(page)
    page.get_by_label("Custody poster").fill("10")
    page.get_by_label("Public leaflet").fill("150")
    page.get_by_role("button", name="Save materials").click()
    materials = page.get_by_role("region", name="Campaign materials handed out")
    assert "Custody poster" in materials.inner_text() and "150" in materials.inner_text()

    page.get_by_role("link", name="Add a follow-up action").click()
    assert_accessible(page)
    page.get_by_label("What needs doing").fill("Send posters to the youth leaders")
    fill_date(page, "Due date", timezone.localdate() + timedelta(days=3))
    page.get_by_role("button", name="Save action").click()
    page.goto(f"{live_server.url}/my-work/")
    expect(page.get_by_role("link", name="Send posters to the youth leaders")).to_be_visible()
    page.get_by_role("link", name="Send posters to the youth leaders").click()
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("Follow-up action done")).to_be_visible()
    assert page.get_by_role("button", name="Mark as done").count() == 0

    page.get_by_role("link", name="Record an outcome").click()
    assert_accessible(page)
    page.get_by_label("Type of outcome").select_option(label="Campaign message shared")
    page.get_by_label("Achieved", exact=True).check()
    page.get_by_label("Description").fill("Both groups shared the campaign video")
    fill_date(page, "Date", date(2026, 11, 21))
    page.get_by_role("button", name="Save outcome").click()
    expect(page.get_by_text("Both groups shared the campaign video")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=first.name).click()
    expect(page.get_by_text("Both groups shared the campaign video")).to_be_visible()
    assert_accessible(page)


def test_officer_signs_up_a_venue_ticks_commitments_and_sees_the_review_in_my_work(
    page: Any, live_server: Any, demo_users: str
) -> None:
    from partners.models import CommitmentType

    today = timezone.localdate()
    sign_in(page, live_server, "officer", demo_users)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Community and venues").click()
    page.get_by_role("navigation", name="Community and venues").get_by_role("link", name="Venues").click()
    assert_accessible(page)
    page.get_by_role("link", name="Add a venue").click()
    page.get_by_label("Premises licence number").fill("PL/NEW/0001")
    page.get_by_label("Name").fill("The Wrekin Arms")
    page.get_by_label("Address").fill("4 Market Street\nWellington")
    page.get_by_label("Postcode").fill("not one")
    page.get_by_label("Area").select_option(label="Telford & Wrekin")
    page.get_by_label("Kind").select_option(label="Pub")
    page.get_by_role("button", name="Save venue").click()
    expect(page.get_by_text("Enter a real UK postcode").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Postcode").fill("tf1 1aa")
    page.get_by_role("button", name="Save venue").click()
    expect(page.get_by_role("heading", name="The Wrekin Arms")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Start a partnership").click()
    assert_accessible(page)
    fill_date(page, "Start date", today - timedelta(days=400))
    page.get_by_role("button", name="Start partnership").click()
    expect(page.get_by_text("started as a prospect")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record as engaged").click()
    fill_date(page, "Date", today - timedelta(days=380))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("link", name="Sign up").click()
    assert_accessible(page)
    fill_date(page, "Date", today - timedelta(days=350))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Partnership is now signed up")).to_be_visible()

    page.get_by_role("link", name="Update commitments").click()
    assert_accessible(page)
    for name in ("Campaign posters displayed", 'Welfare scheme / "Ask for Angela"'):
        kind = CommitmentType.objects.get(name=name)
        page.get_by_label(f"{name}: confirmed").check()
        # The date and evidence are asked under the ticked box.
        fill_date(page.locator(f"#conditional-id_c{kind.pk}_ticked"), "Date confirmed", today - timedelta(days=340))
        page.locator(f"#id_c{kind.pk}_evidence").fill("Seen on the visit")
    page.get_by_role("button", name="Save commitments").click()
    assert page.locator(".govuk-error-summary").is_visible()  # the Ask for Angela training date
    assert_accessible(page)
    angela = CommitmentType.objects.get(needs_training_date=True)
    fill_date(page.locator(f"#conditional-id_c{angela.pk}_ticked"), "Staff training date", today - timedelta(days=345))
    page.get_by_role("button", name="Save commitments").click()
    expect(page.get_by_text("Commitments saved")).to_be_visible()
    expect(page.get_by_role("cell", name="Campaign posters displayed")).to_be_visible()

    page.goto(f"{live_server.url}/my-work/")
    review = page.get_by_role("link", name="Review partnership with The Wrekin Arms")
    expect(review).to_be_visible()
    assert_accessible(page)
    review.click()
    page.get_by_role("link", name="Change lead officer or review date").click()
    assert_accessible(page)
    fill_date(page, "Next review date (optional)", today + timedelta(days=365))
    page.get_by_role("button", name="Save").click()
    page.goto(f"{live_server.url}/my-work/")
    assert page.get_by_role("link", name="Review partnership with The Wrekin Arms").count() == 0
