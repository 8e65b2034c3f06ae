"""Core tasks: the schedule's duties, run by a worker (`manage.py db_worker`)."""

from __future__ import annotations

from datetime import datetime

from django.tasks import task

from tracker.core import schedule


@task()
def run_duty(name: str, slot: str) -> None:
    """Do one slot's work of the duty `name` (see tracker.core.schedule)."""
    schedule.get(name).run(datetime.fromisoformat(slot))


@task()
def write_export(job_id: int) -> str:
    """Write and store the file an ExportJob asked for."""
    from tracker.core.export_jobs import run_export

    job = run_export(job_id)
    return job.status if job is not None else "not claimed"
