"""Real delivery: an SMTP server (aiosmtpd) on a free port, the email settings built
from an EMAIL_URL as production builds them, the database task queue and its worker.
The request only writes the outbox; the worker sends; a mail server that is down
delays an email, never loses or doubles it, and never fails the request."""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any
from unittest import mock

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from interventions.models import Referral
from tests.partners.conftest import local
from tracker.email_url import mailer_from_url
from tracker.notifications.models import Kind, OutboxEmail
from tracker.notifications.services import notify

pytestmark = pytest.mark.django_db(transaction=True)


class Inbox:
    """The aiosmtpd handler: keeps each message delivered."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.original_content)))
        return "250 Message accepted for delivery"

    def to(self) -> list[str]:
        return sorted(address for recipients, _ in self.messages for address in recipients)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def port(settings: Any) -> int:
    """A free port, and the settings pointed at it through an EMAIL_URL."""
    number = free_port()
    settings.MAILERS = {"default": mailer_from_url(f"smtp://127.0.0.1:{number}", timeout=5)}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return number


@pytest.fixture
def mail_server(port: int) -> Callable[[], Inbox]:
    """Starts the SMTP server on the port when called; stopped after the test."""
    controllers: list[Controller] = []

    def start() -> Inbox:
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return inbox

    yield start  # type: ignore[misc]
    for controller in controllers:
        controller.stop()


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0")


@pytest.fixture
def draft(
    officer: Any, liaison: Any, colleague: Any, liaison2: Any, referral_factory: Callable[..., Referral]
) -> Iterator[Referral]:
    yield referral_factory("draft", notes="Spat at an officer")


def submit_through_the_api(officer: Any, referral: Referral) -> Any:
    api = APIClient()
    api.force_authenticate(officer)
    return api.post(f"/api/v1/referrals/{referral.pk}/submit/", {"version": referral.version}, format="json")


def test_a_submitted_referral_reaches_each_liaison_once_a_worker_runs(
    officer: Any, draft: Referral, mail_server: Callable[[], Inbox]
) -> None:
    inbox = mail_server()
    response = submit_through_the_api(officer, draft)
    assert response.status_code == 200, response.content
    assert inbox.messages == []  # the request wrote the outbox; nothing is sent yet
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"pending"}

    run_worker()
    assert inbox.to() == ["colleague@example.org", "liaison@example.org"]
    person = draft.offender
    for _, message in inbox.messages:
        assert message["Subject"] == f"{draft.reference}: new referral for your organisation"
        body = message.get_payload(decode=True).decode()
        assert draft.reference in body
        for secret in (person.first_name, person.last_name, person.date_of_birth.isoformat(), "01/01/1990",
                       "Spat at an officer"):  # fmt: skip
            assert secret not in body and secret not in message["Subject"]
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"sent"}

    run_worker()  # nothing left to do: nothing sent twice
    assert len(inbox.messages) == 2


def test_run_schedule_twice_delivers_one_digest(
    officer: Any, make_engagement: Any, make_group: Any, mail_server: Callable[[], Inbox]
) -> None:
    inbox = mail_server()
    with time_machine.travel(local(2026, 6, 8, 7, 5), tick=True):
        make_engagement(groups=[make_group()], starts_at=local(2026, 6, 10, 18))
        call_command("run_schedule")
        call_command("run_schedule")
        run_worker()
        run_worker()
    digests = [m for _, m in inbox.messages if m["Subject"].endswith(": your week")]
    assert len(digests) == 1
    assert inbox.to().count("officer@example.org") == 1


def test_mail_down_delays_the_email_never_the_request_and_sends_it_once_when_back(
    officer: Any, draft: Referral, mail_server: Callable[[], Inbox], settings: Any
) -> None:
    # Nobody listens on the port yet. The request must not even try to connect.
    with mock.patch.object(smtplib.SMTP, "connect", autospec=True, side_effect=smtplib.SMTP.connect) as connect:
        response = submit_through_the_api(officer, draft)
        assert response.status_code == 200, response.content
        assert connect.call_count == 0
        rows = list(OutboxEmail.objects.filter(kind=Kind.REFERRAL_SUBMITTED))
        assert len(rows) == 2 and {r.status for r in rows} == {"pending"}

        before = timezone.now()
        run_worker()  # the worker tries, and the server is down
        assert connect.call_count == 2
    for row in OutboxEmail.objects.all():
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.next_attempt_at >= before + timedelta(seconds=settings.NOTIFY_RETRY_SECONDS)
        assert "Connection refused" in row.last_error or "Errno" in row.last_error

    inbox = mail_server()
    run_worker()  # too early: the retry waits for its time
    assert inbox.messages == []

    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=True):
        run_worker()
        assert inbox.to() == ["colleague@example.org", "liaison@example.org"]
        # The retry duty finds nothing more to send, and a further run sends nothing twice.
        call_command("run_schedule")
        run_worker()
    assert inbox.to() == ["colleague@example.org", "liaison@example.org"]
    assert {(r.status, r.attempts) for r in OutboxEmail.objects.all()} == {("sent", 2)}


def test_an_email_is_given_up_after_the_last_attempt(officer: Any, port: int, settings: Any, caplog: Any) -> None:
    settings.NOTIFY_MAX_ATTEMPTS = 2
    [row] = notify(Kind.REFERRAL_ACCEPTED, [officer], reference="R00009", path="/")
    run_worker()
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=True):
        run_worker()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 2)
    assert "failed after 2 attempts" in caplog.text
