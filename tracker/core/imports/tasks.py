"""The import's tasks, run by a worker (`manage.py db_worker`): checking an uploaded
file, and writing a checked one. The work is in services.py; a task that raises
fails its job with a message for the person who uploaded it (the traceback stays in
the task's result and the log)."""

from __future__ import annotations

import logging

from django.tasks import task

from tracker.core.imports import services

logger = logging.getLogger(__name__)


@task()
def check_import(job_id: int, attempt: int) -> None:
    """Check an uploaded file's rows, writing no record."""
    try:
        services.run_check(job_id)
    except Exception:
        logger.exception("Checking import job %s failed", job_id)
        services.fail_job(job_id, attempt)
        raise


@task()
def write_import(job_id: int, attempt: int) -> None:
    """Write a checked file's rows, all or none, for one attempt."""
    try:
        services.run_write(job_id, attempt)
    except Exception:
        logger.exception("Writing import job %s (attempt %s) failed", job_id, attempt)
        services.fail_job(job_id, attempt)
        raise
