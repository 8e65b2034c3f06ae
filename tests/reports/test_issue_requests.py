"""Issuing runs in the background: the page answers at once and follows the request;
a request is seen only by whoever made it; a stopped worker never leaves one
"issuing" for ever, and a late worker then stores nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tracker.reports import services
from tracker.reports.models import IssuedReport, ReportIssue
from tracker.reports.periods import Period

pytestmark = pytest.mark.django_db

QUARTER = {"start": "2018-07-01", "end": "2018-09-30"}
QUEUE_ONLY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _without_token(text: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def _files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


def _request(client: Any, settings: Any) -> ReportIssue:
    """Ask for the report with no worker running: the request waits in the queue."""
    settings.TASKS = QUEUE_ONLY
    response = client.post(reverse("reports:issue"), QUARTER)
    request = ReportIssue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:issue-request", args=[request.pk])
    return request


def test_the_page_answers_at_once_and_follows_the_request_until_issued(
    client: Any, officer: Any, settings: Any
) -> None:
    client.force_login(officer)
    request = _request(client, settings)
    assert not IssuedReport.objects.exists()  # nothing rendered in the web request

    page = client.get(reverse("reports:issue-request", args=[request.pk]))
    assert page.status_code == 200
    assert "July to September 2018" in page.text
    assert "Waiting to start" in page.text
    status_url = reverse("reports:issue-request-status", args=[request.pk])
    assert f'data-app-follow="{status_url}"' in page.text
    assert '<noscript><meta http-equiv="refresh"' in page.text  # without JavaScript it refreshes
    assert client.get(status_url).json() == {"status": "queued", "label": "Waiting to start", "done": False}

    services.run_report_issue(request.pk)  # what the worker does
    assert client.get(status_url).json()["done"] is True
    done = client.get(reverse("reports:issue-request", args=[request.pk]), follow=True)
    assert done.redirect_chain[-1][0] == reverse("reports:issued")
    assert "Board progress report, July to September 2018 issued" in done.text
    request.refresh_from_db()
    assert request.status == ReportIssue.Status.ISSUED
    assert request.report == IssuedReport.objects.get()


def test_a_request_runs_once_however_often_its_task_does(client: Any, officer: Any, settings: Any) -> None:
    client.force_login(officer)
    request = _request(client, settings)
    services.run_report_issue(request.pk)
    assert services.run_report_issue(request.pk) is None
    assert IssuedReport.objects.count() == 1


def test_someone_elses_request_is_a_404_like_one_that_does_not_exist(
    client: Any, officer: Any, admin_user: Any, settings: Any
) -> None:
    client.force_login(officer)
    request = _request(client, settings)
    client.force_login(admin_user)
    for name in ("reports:issue-request", "reports:issue-request-status"):
        theirs = client.get(reverse(name, args=[request.pk]))
        missing = client.get(reverse(name, args=[request.pk + 1000]))
        assert theirs.status_code == missing.status_code == 404
        # The same page, but for the sign-out form's token.
        assert _without_token(theirs.text) == _without_token(missing.text)


def test_the_board_may_not_follow_requests(client: Any, officer: Any, board: Any, settings: Any) -> None:
    client.force_login(officer)
    request = _request(client, settings)
    client.force_login(board)
    assert client.get(reverse("reports:issue-request", args=[request.pk])).status_code == 403


def test_a_stopped_worker_leaves_the_request_failed_and_a_late_one_stores_nothing(
    client: Any, officer: Any, settings: Any, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(officer)
    request = _request(client, settings)
    real_render = services.render_board_pdf

    def slow_render(*args: Any, **kwargs: Any) -> bytes:
        # While this worker lays the report out, it is given up as stopped (its
        # heartbeat is the request's start time, long ago by then).
        with time_machine.travel(timezone.now() + timedelta(seconds=settings.TASK_STALLED_SECONDS + 1)):
            page = client.get(reverse("reports:issue-request", args=[request.pk]))
        assert "The report was not issued" in page.text
        assert "stopped before it was issued" in page.text
        return real_render(*args, **kwargs)

    monkeypatch.setattr(services, "render_board_pdf", slow_render)
    services.run_report_issue(request.pk)

    request.refresh_from_db()
    assert request.status == ReportIssue.Status.FAILED
    assert not IssuedReport.objects.exists()
    assert not _files(media)  # the late worker's file was removed with its row


def test_the_schedule_gives_up_requests_whose_worker_stopped(officer: Any) -> None:
    period = Period(date(2018, 7, 1), date(2018, 9, 30))
    started = timezone.now() - timedelta(minutes=30)
    stuck = ReportIssue.objects.create(
        period_start=period.start, period_end=period.end, period_kind=period.kind, requested_by=officer,
        status=ReportIssue.Status.ISSUING, started_at=started,
    )  # fmt: skip
    recent = ReportIssue.objects.create(
        period_start=period.start, period_end=period.end, period_kind=period.kind, requested_by=officer,
        status=ReportIssue.Status.ISSUING, started_at=timezone.now(),
    )  # fmt: skip
    assert services.give_up_stalled_issues() == 1
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert (stuck.status, recent.status) == (ReportIssue.Status.FAILED, ReportIssue.Status.ISSUING)
    assert stuck.message == services.STOPPED


def test_a_task_that_breaks_fails_the_request_with_words_not_a_traceback(
    client: Any, officer: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(officer)
    request = _request(client, settings)

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise RuntimeError("layout engine crashed at /srv/secret/path")

    monkeypatch.setattr(services, "render_board_pdf", broken)
    with pytest.raises(RuntimeError):
        services.run_report_issue(request.pk)  # the task fails, and its result records why
    page = client.get(reverse("reports:issue-request", args=[request.pk]))
    assert "Something went wrong while the report was being issued. Nothing was issued." in page.text
    assert "secret" not in page.text
    assert "Back to the dashboard for July to September 2018" in page.text


def test_a_period_that_has_not_ended_is_refused_at_once(client: Any, officer: Any, settings: Any) -> None:
    settings.TASKS = QUEUE_ONLY
    client.force_login(officer)
    today = timezone.localdate()
    this_month = {"start": today.replace(day=1).isoformat(), "end": (today.replace(day=28)).isoformat()}
    response = client.post(reverse("reports:issue"), this_month, follow=True)
    assert not ReportIssue.objects.exists()
    assert response.redirect_chain[-1][0].startswith(reverse("reports:dashboard"))
