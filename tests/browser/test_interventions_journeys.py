"""Browser journeys of the offender behaviour strand, with axe on every page."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, fill_date, sign_in


def _referral(status: str = "submitted", handler: str = "Probation Service – West Mercia") -> Any:
    """A referral from the demo officer, moved along through the services."""
    from interventions import services
    from interventions.models import Programme, ReasonCode
    from tracker.core.models import Area, Organisation, User

    officer = User.objects.get(username="officer")
    organisation = Organisation.objects.get(name=handler)
    worker = User.objects.get(organisation=organisation, is_probation_liaison=True)
    offender = services.create_offender(
        by=officer,
        case_reference=f"JOURNEY-{status}",
        first_name="Kit",
        last_name="Marlowe",
        date_of_birth=date(1991, 3, 4),
    )
    referral = services.create_referral(
        by=officer,
        offender=offender,
        programme=Programme.objects.filter(provider=organisation).order_by("order").first(),
        handling_organisation=organisation,
        offence_date=date(2026, 6, 1),
        area=Area.objects.first(),
        victim_role="police_officer",
    )
    services.submit(referral, by=officer, expected_version=referral.version)
    if status in {"started", "completed"}:
        services.accept(referral, by=worker, expected_version=referral.version)
        services.start(referral, by=worker, expected_version=referral.version)
    if status == "completed":
        ratings = {t.pk: ("achieved", "Done") for t in referral.programme.desired_outcomes.all()}
        services.complete(
            referral, by=worker, expected_version=referral.version, ratings=ratings, confirm_fewer_sessions=True
        )
    assert ReasonCode.objects.exists()
    return referral


def _record_session(page: Any, day: str, attendance: str, concern: str = "") -> None:
    page.get_by_role("link", name="Record a session").click()
    assert_accessible(page)
    fill_date(page, "Scheduled date", date.fromisoformat(day))
    page.get_by_role("group", name="Did the session take place?").get_by_label("Yes").check()
    page.get_by_role("group", name="Attendance").get_by_label(attendance, exact=True).check()
    if attendance == "Did not attend":
        page.get_by_role("group", name="Was the absence acceptable?").get_by_label("Unacceptable").check()
    else:
        page.get_by_role("group", name="Behaviour rating").get_by_label("4 – good").check()
    if concern:
        page.get_by_label("There is a concern the referrer should know about").check()
        page.get_by_label("Describe the concern").fill(concern)
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session recorded.")).to_be_visible()


def test_a_liaison_works_a_referral_from_submission_to_completion(page: Any, live_server: Any, demo_users: str) -> None:
    referral = _referral()
    sign_in(page, live_server, "liaison", demo_users)
    page.get_by_role("link", name="Referrals").first.click()
    assert_accessible(page)
    page.get_by_label("Referral number, case reference or name").fill("JOURNEY-submitted")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name=referral.reference).click()
    assert_accessible(page)

    page.get_by_role("link", name="Accept", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text(f"{referral.reference} is now accepted.")).to_be_visible()
    page.get_by_role("link", name="Start", exact=True).click()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("is now started")).to_be_visible()

    _record_session(page, "2026-09-01", "Attended")
    _record_session(page, "2026-09-08", "Did not attend", concern="Phoned the office making threats")
    _record_session(page, "2026-09-15", "Late")
    expect(page.get_by_text("Progress: 2 of")).to_be_visible()
    expect(page.get_by_role("region", name="Sessions").get_by_text("Concern")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Complete", exact=True).click()
    page.get_by_role("button", name="Complete referral").click()  # nothing rated yet
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    groups = page.locator("fieldset")
    for index in range(groups.count()):
        groups.nth(index).get_by_label("Partly achieved").check()
    for textarea in page.locator("textarea[name^=comment_]").all():
        textarea.fill("Engaged well but missed one session")
    # Two of the programme's planned sessions attended: completing asks for a confirmation.
    page.get_by_label("I confirm the referral is complete although the person attended 2 of").check()
    page.get_by_role("button", name="Complete referral").click()
    expect(page.get_by_text("is completed. A 12-month follow-up is now due.")).to_be_visible()
    expect(page.get_by_role("heading", name="12-month follow-up")).to_be_visible()
    expect(page.get_by_text("Partly achieved").first).to_be_visible()
    assert_accessible(page)


def test_the_prisons_liaison_opening_the_probation_services_referral_gets_a_404(
    page: Any, live_server: Any, demo_users: str
) -> None:
    referral = _referral()
    sign_in(page, live_server, "liaison2", demo_users)
    response = page.goto(f"{live_server.url}/interventions/referrals/{referral.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert "Marlowe" not in page.content()
    assert_accessible(page)
    page.goto(f"{live_server.url}/interventions/?q=JOURNEY")
    assert referral.reference not in page.content()


@pytest.mark.parametrize("username", ["liaison", "officer"])
def test_every_page_of_the_strand_passes_axe(page: Any, live_server: Any, demo_users: str, username: str) -> None:
    started = _referral("started")
    from interventions.models import Offender, Programme

    completed = _referral("completed", handler="Probation Service – West Mercia") if username == "officer" else None
    sign_in(page, live_server, username, demo_users)
    base = f"{live_server.url}/interventions"
    paths = [
        "/",
        "/?tab=unassigned",
        "/?tab=closed&sort=-submitted",
        "/offenders/",
        f"/offenders/{started.offender_id}/",
        f"/offenders/{started.offender_id}/edit/",
        "/offenders/new/",
        "/programmes/",
        f"/programmes/{Programme.objects.first().pk}/",
        "/referrals/new/",
        f"/referrals/{started.pk}/",
        f"/referrals/{started.pk}/withdraw/",
    ]
    if username == "liaison":
        paths += [
            f"/referrals/{started.pk}/edit/",
            f"/referrals/{started.pk}/assign/",
            f"/referrals/{started.pk}/sessions/new/",
            f"/referrals/{started.pk}/complete/",
            f"/referrals/{started.pk}/mark_not_completed/",
        ]
    else:
        assert completed is not None
        paths += [f"/referrals/{completed.pk}/", f"/referrals/{completed.pk}/follow-up/"]
    for path in paths:
        response = page.goto(base + path)
        assert response.status == 200, path
        assert_accessible(page)
    page.goto(f"{live_server.url}/my-work/")
    assert_accessible(page)
    # Error states: a move without its reason, a likely duplicate person.
    page.goto(f"{base}/referrals/{started.pk}/withdraw/")
    page.get_by_role("button", name="Withdraw").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    existing = Offender.objects.get(case_reference="JOURNEY-started")
    page.goto(f"{base}/offenders/new/")
    page.get_by_label("Case reference").fill("JOURNEY-new")
    page.get_by_label("First name").fill(existing.first_name)
    page.get_by_label("Last name").fill(existing.last_name)
    fill_date(page, "Date of birth", existing.date_of_birth)
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("A record with this name and date of birth already exists").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I have checked").check()
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("heading", name=f"{existing.first_name} {existing.last_name}")).to_be_visible()
