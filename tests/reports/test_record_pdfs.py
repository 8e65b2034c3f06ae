"""The referral progress report and the venue partnership summary: real PDFs whose
text is checked, behind the strands' scoping, and the referral one access-logged."""

from __future__ import annotations

import subprocess
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from tests.interventions.conftest import (  # noqa: F401 - fixtures
    offender_factory,
    outcome_types,
    programme,
    reason,
    referral_factory,
)
from tests.partners.conftest import lists, make_partnership, make_venue  # noqa: F401 - fixtures
from tracker.core.models import AccessLog

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)  # noqa: S607
    return result.stdout.decode()


def test_handling_liaison_downloads_the_progress_report_and_it_is_logged(
    client: Any, referral_factory: Any, liaison: Any
) -> None:
    referral = referral_factory("started")
    client.force_login(liaison)
    response = client.get(reverse("reports:referral-pdf", args=[referral.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert referral.offender.case_reference in text
    assert referral.offender.last_name in text
    assert "OFFICIAL-SENSITIVE" in text
    assert "Page 1 of" in text
    assert "Sessions attended: 0 of 6 planned" in text
    log = AccessLog.objects.get(user=liaison, action=AccessLog.Action.REPORT)
    assert log.record_id == referral.pk


@pytest.mark.parametrize("who", ["liaison2", "officer", "board"])
def test_others_cannot_get_the_progress_report(client: Any, referral_factory: Any, users: Any, who: str) -> None:
    referral = referral_factory("started")  # referred by the officer, handled by probation
    client.force_login(users[who])
    response = client.get(reverse("reports:referral-pdf", args=[referral.pk]))
    assert response.status_code in {403, 404}
    assert not AccessLog.objects.filter(action=AccessLog.Action.REPORT).exists()


def test_partnership_summary_for_officers(
    client: Any, make_partnership: Any, officer: Any, board: Any, liaison: Any
) -> None:
    partnership = make_partnership("active", signed_up_on=date(2026, 2, 1))
    url = reverse("reports:partnership-pdf", args=[partnership.pk])
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert partnership.venue.name in text
    assert partnership.venue.licence_number in text
    assert "Active" in text
    assert "OFFICIAL" in text
    for other in (board, liaison):
        client.force_login(other)
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("sessions", [0, 6])
def test_progress_report_queries_do_not_grow(
    client: Any, referral_factory: Any, liaison: Any, sessions: int, django_assert_max_num_queries: Any
) -> None:
    from interventions import services

    referral = referral_factory("started")
    for day in range(sessions):
        services.record_session(
            referral, by=liaison, scheduled_on=date(2026, 3, 1 + day), happened=True, attendance="attended"
        )
    client.force_login(liaison)
    # session, user, session save; referral (joined), sessions, moves, content type (first
    # time only), outcomes, follow-up, access-log insert; 1 to spare
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:referral-pdf", args=[referral.pk])).status_code == 200
