"""The notifications app's scheduled duties: finding emails whose send task was lost,
and the partnership officers' weekly digest."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from tracker.core import schedule

from . import digest
from .models import OutboxEmail
from .tasks import send_emails

logger = logging.getLogger(__name__)

# A row this young may still have its task on the way; leave it to that task.
LOST_AFTER = timedelta(minutes=1)


def retry_notifications(slot: datetime) -> str:
    """Enqueue the send task again for pending rows whose next attempt has come and
    that are over a minute old (their task was lost, or the backend cannot defer),
    and put back rows left `sending` by a worker that died mid-send."""
    now = timezone.now()
    stalled = now - timedelta(seconds=settings.TASK_STALLED_SECONDS)
    revived = OutboxEmail.objects.filter(status=OutboxEmail.Status.SENDING, claimed_at__lt=stalled).update(
        status=OutboxEmail.Status.PENDING, next_attempt_at=now
    )
    due = list(
        OutboxEmail.objects.filter(
            status=OutboxEmail.Status.PENDING, next_attempt_at__lte=now, created_at__lte=now - LOST_AFTER
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:1000]
    )
    if due:
        send_emails.enqueue(due)
    line = f"Enqueued {len(due)} waiting email(s); {revived} stalled send(s) put back."
    logger.info(line)
    return line


def register() -> None:
    schedule.register(
        schedule.Duty(
            name="retry-notifications",
            every=timedelta(minutes=5),
            run=retry_notifications,
            description="Send again the emails whose earlier try failed or whose task was lost.",
        )
    )
    schedule.register(
        schedule.Duty(
            name="weekly-digest",
            every=timedelta(days=7),
            offset=timedelta(hours=7),  # Mondays at 07:00
            run=digest.send_digests,
            description="Email each partnership officer their week: follow-ups, reviews and engagements.",
        )
    )
