"""The core's scheduled duties: pruning finished task results and old schedule claims,
and deleting background exports' files after a day."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django_tasks_db.models import DBTaskResult

from tracker.core import schedule
from tracker.core.export_jobs import delete_old_exports
from tracker.core.models import ScheduledRun

logger = logging.getLogger(__name__)

# A claim only needs to outlive its slot; a year of them answers "did it run?".
SCHEDULE_CLAIMS_KEPT = timedelta(days=366)


def prune_task_results(slot: datetime) -> str:
    """Finished task results older than TASK_RESULT_RETENTION_DAYS, and old claims."""
    cutoff = slot - timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    results, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    claims, _ = ScheduledRun.objects.filter(slot__lt=slot - SCHEDULE_CLAIMS_KEPT).delete()
    line = f"Pruned {results} finished task result(s) and {claims} old schedule claim(s)."
    logger.info(line)
    return line


def register() -> None:
    schedule.register(
        schedule.Duty(
            name="prune-task-results",
            every=timedelta(days=1),
            offset=timedelta(hours=3),
            run=prune_task_results,
            description=f"Delete finished task results older than {settings.TASK_RESULT_RETENTION_DAYS} days.",
        )
    )
    schedule.register(
        schedule.Duty(
            name="delete-old-exports",
            every=timedelta(hours=1),
            run=delete_old_exports,
            description="Delete the files of background exports asked for more than a day ago.",
        )
    )
