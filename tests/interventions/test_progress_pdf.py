"""The referral progress report: a real PDF whose text is checked, for the handling
organisation only, and access-logged as a PDF."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from tests.pdfs import pdf_text
from tracker.core.models import AccessLog

pytestmark = pytest.mark.django_db


def test_handling_liaison_downloads_the_progress_report_and_it_is_logged(
    client: Any, referral_factory: Any, liaison: Any
) -> None:
    referral = referral_factory("started")
    client.force_login(liaison)
    response = client.get(reverse("interventions:referral-pdf", args=[referral.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    assert referral.offender.case_reference in text
    assert referral.offender.last_name in text
    assert "OFFICIAL-SENSITIVE" in text
    assert "Page 1 of" in text
    assert "Sessions attended: 0 of 6 planned" in text
    log = AccessLog.objects.get(user=liaison, action=AccessLog.Action.REPORT)
    assert log.record_id == referral.pk
    assert log.way == AccessLog.Way.PDF
    assert log.people == 1


def test_the_referral_page_links_to_its_progress_report(client: Any, referral_factory: Any, liaison: Any) -> None:
    referral = referral_factory("started")
    client.force_login(liaison)
    page = client.get(reverse("interventions:referral", args=[referral.pk])).content.decode()
    assert f'href="{reverse("interventions:referral-pdf", args=[referral.pk])}"' in page


@pytest.mark.parametrize("who", ["liaison2", "officer", "board"])
def test_others_cannot_get_the_progress_report(client: Any, referral_factory: Any, users: Any, who: str) -> None:
    referral = referral_factory("started")  # referred by the officer, handled by probation
    client.force_login(users[who])
    response = client.get(reverse("interventions:referral-pdf", args=[referral.pk]))
    assert response.status_code in {403, 404}
    assert not AccessLog.objects.filter(action=AccessLog.Action.REPORT).exists()


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
    # time only), outcomes, follow-up, access-log insert (+ consulted person); 1 to spare
    with django_assert_max_num_queries(12):
        assert client.get(reverse("interventions:referral-pdf", args=[referral.pk])).status_code == 200
