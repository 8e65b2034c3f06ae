"""The DPO's subject access journey in a real browser: record a request for a demo
person, review the preview, withhold one item, produce the PDF; axe on every page."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def test_dpo_records_a_request_redacts_one_item_and_produces_the_pack(
    page: Any, live_server: Any, demo_users: str, tmp_path: Path
) -> None:
    from interventions.models import Referral
    from tracker.dataprotection.models import Redaction, SubjectAccessRequest

    referral = Referral.objects.exclude(notes="").select_related("offender").order_by("pk").first()
    assert referral is not None
    person = referral.offender
    sign_in(page, live_server, "dpo", demo_users)
    page.get_by_role("link", name="Data protection").first.click()
    page.get_by_role("link", name="Subject access requests").click()
    assert_accessible(page)
    page.get_by_role("link", name="Record a request").click()
    page.get_by_label("Case reference or name").fill(person.case_reference)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name=person.full_name, exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Choose {person.full_name}").click()
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("link", name="Enter the date the request was received")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Date the request was received").fill("2026-01-31")
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_text("The pack is due by 28 February 2026")).to_be_visible()
    expect(page.get_by_role("heading", name="Preview of the pack")).to_be_visible()
    assert_accessible(page)

    notes = page.get_by_role("checkbox", name=f"Withhold this ({referral.reference}, notes)")
    notes.check()
    page.get_by_label("Reason for withholding it").filter(visible=True).fill("Names another person")
    page.get_by_role("button", name="Save redactions").click()
    expect(page.get_by_text("Redactions saved: 1 item withheld.")).to_be_visible()
    expect(page.get_by_role("checkbox", name=f"Withhold this ({referral.reference}, notes)")).to_be_checked()

    with page.expect_download() as info:
        page.get_by_role("button", name="Produce the pack (PDF)").click()
    download = info.value
    request = SubjectAccessRequest.objects.get()
    assert download.suggested_filename == f"disclosure-pack-{request.reference}.pdf"
    saved = tmp_path / "pack.pdf"
    download.save_as(saved)
    text = subprocess.run(["pdftotext", "-layout", str(saved), "-"], capture_output=True, check=True).stdout.decode()  # noqa: S603, S607
    assert person.case_reference in text and "OFFICIAL-SENSITIVE" in text
    assert "[redacted]" in text and "Names another person" in text
    redaction = Redaction.objects.get()
    assert (redaction.item, redaction.by.username) == (f"referral:{referral.pk}:notes", "dpo")
    request.refresh_from_db()
    assert request.status == SubjectAccessRequest.Status.PRODUCED
