"""Sending: the task that delivers outbox rows, run by a worker (`manage.py db_worker`).

Each row is claimed pending → sending by one conditional UPDATE, so two workers
handed the same row never both send it. A mail server that refuses or cannot be
reached puts the row back to pending with its next attempt later (1, 2, 4 … times
NOTIFY_RETRY_SECONDS, at most an hour), and the task is enqueued again for then; after
NOTIFY_MAX_ATTEMPTS tries the row is marked failed and the failure logged."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from .emails import render_email
from .models import OutboxEmail

logger = logging.getLogger(__name__)

MAX_DELAY = timedelta(hours=1)
# Errors that say "try later": the server refused, dropped or could not be reached.
TRANSIENT = (smtplib.SMTPException, OSError)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 1, 2, 4 … times the base, capped."""
    base = timedelta(seconds=int(settings.NOTIFY_RETRY_SECONDS))
    return min(base * (1 << max(attempts - 1, 0)), MAX_DELAY)


def claim(pk: int, now: datetime) -> bool:
    """Take the row for this worker; False if another has it, or it is not due."""
    return (
        OutboxEmail.objects.filter(pk=pk, status=OutboxEmail.Status.PENDING, next_attempt_at__lte=now).update(
            status=OutboxEmail.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now
        )
        == 1
    )


def deliver(pk: int) -> bool:
    """Send one row if it is due and nobody else has it. True if it was sent now."""
    now = timezone.now()
    if not claim(pk, now):
        return False
    row = OutboxEmail.objects.select_related("recipient").get(pk=pk)
    try:
        subject, body = render_email(row)
        EmailMessage(subject=subject, body=body, to=[row.recipient.email]).send()
    except TRANSIENT as error:
        retry_later(row, error)
        return False
    except Exception as error:
        # A fault of ours (a template, say): trying again would fail the same way.
        give_up(row, error)
        return False
    OutboxEmail.objects.filter(pk=pk).update(status=OutboxEmail.Status.SENT, sent_at=timezone.now(), last_error="")
    return True


def _problem(error: Exception) -> str:
    # The error names the server and the failure, never the email's content.
    return f"{type(error).__name__}: {error}"[:500]


def give_up(row: OutboxEmail, error: Exception) -> None:
    problem = _problem(error)
    OutboxEmail.objects.filter(pk=row.pk).update(status=OutboxEmail.Status.FAILED, last_error=problem)
    logger.error("Email %s (%s) failed after %s attempts: %s", row.pk, row.kind, row.attempts, problem)


def retry_later(row: OutboxEmail, error: Exception) -> None:
    problem = _problem(error)
    if row.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        give_up(row, error)
        return
    when = timezone.now() + backoff(row.attempts)
    OutboxEmail.objects.filter(pk=row.pk).update(
        status=OutboxEmail.Status.PENDING, next_attempt_at=when, last_error=problem
    )
    logger.warning("Email %s (%s) not sent, attempt %s; next try at %s: %s", row.pk, row.kind, row.attempts, when,
                   problem)  # fmt: skip
    if send_emails.get_backend().supports_defer:
        send_emails.using(run_after=when).enqueue([row.pk])
    # Otherwise (a backend that runs tasks at once) the retry duty sends it when due.


@task()
def send_emails(ids: list[int]) -> int:
    """Send the outbox rows `ids` that are still waiting. Returns how many were sent."""
    return sum(deliver(pk) for pk in ids)
