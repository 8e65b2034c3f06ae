"""The schedule: slots in local time, each slot's duty enqueued once, and the queue's
health on /healthz."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.workers import DATABASE_QUEUE
from tracker.core import schedule
from tracker.core.models import ScheduledRun
from tracker.core.views import queue_health

LONDON = ZoneInfo("Europe/London")


def _at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


def _duty(every: timedelta, offset: timedelta = timedelta(0)) -> schedule.Duty:
    return schedule.Duty(name="x", every=every, offset=offset, run=lambda slot: None, description="")


def test_a_daily_duty_falls_due_once_a_local_day_at_its_offset() -> None:
    daily = _duty(timedelta(days=1), timedelta(hours=6))
    assert schedule.slot_of(daily, _at(2026, 12, 1, 5, 59)) == _at(2026, 11, 30, 6)
    assert schedule.slot_of(daily, _at(2026, 12, 1, 6, 0)) == _at(2026, 12, 1, 6)
    assert schedule.slot_of(daily, _at(2026, 12, 1, 23, 59)) == _at(2026, 12, 1, 6)
    # Summer time: still 06:00 on the wall clock.
    assert schedule.slot_of(daily, _at(2026, 7, 1, 12)) == _at(2026, 7, 1, 6)


def test_a_weekly_duty_falls_due_on_mondays() -> None:
    weekly = _duty(timedelta(days=7), timedelta(hours=7))
    slot = schedule.slot_of(weekly, _at(2026, 12, 3, 15))  # a Thursday
    assert slot == _at(2026, 11, 30, 7)
    assert slot.astimezone(LONDON).weekday() == 0


def test_every_app_registers_its_duties() -> None:
    names = {duty.name for duty in schedule.duties()}
    assert {"prune-task-results", "data-protection-duties", "check-issued-reports"} <= names


@pytest.mark.django_db
def test_run_schedule_twice_enqueues_each_duty_once(settings: Any, capsys: Any) -> None:
    settings.TASKS = DATABASE_QUEUE
    call_command("run_schedule")
    first = capsys.readouterr().out
    call_command("run_schedule")
    second = capsys.readouterr().out
    duties = schedule.duties()
    assert first.count("Enqueued ") == len(duties)
    assert second == ""
    assert ScheduledRun.objects.count() == len(duties)
    assert DBTaskResult.objects.count() == len(duties)

    # A day later every daily duty falls due again, once.
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        call_command("run_schedule")
    daily = [d for d in duties if d.every == timedelta(days=1)]
    assert capsys.readouterr().out.count("Enqueued ") >= len(daily)


@pytest.mark.django_db
def test_a_duty_runs_for_its_slot(settings: Any) -> None:
    seen: list[datetime] = []
    schedule.register(schedule.Duty(name="test-notes", every=timedelta(hours=1), run=seen.append, description=""))
    try:
        with time_machine.travel(_at(2026, 12, 1, 10, 25)):
            schedule.enqueue_due()  # the test settings run tasks at once
        assert _at(2026, 12, 1, 10) in seen
    finally:
        schedule._duties.pop("test-notes")


@pytest.mark.django_db
def test_pruning_removes_old_finished_results_only(settings: Any) -> None:
    from tests.core.worker_tasks import note_run
    from tracker.core.duties import prune_task_results

    settings.TASKS = DATABASE_QUEUE
    now = timezone.now()
    old, recent, waiting = (note_run.enqueue(n, "/dev/null") for n in range(3))
    DBTaskResult.objects.filter(pk=old.id).update(status="SUCCESSFUL", finished_at=now - timedelta(days=30))
    DBTaskResult.objects.filter(pk=recent.id).update(status="FAILED", finished_at=now - timedelta(days=1))
    prune_task_results(now)
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {
        DBTaskResult.objects.get(pk=recent.id).pk,
        DBTaskResult.objects.get(pk=waiting.id).pk,
    }


@pytest.mark.django_db
def test_healthz_shows_how_long_the_oldest_task_has_waited(client: Any, settings: Any) -> None:
    from tests.core.worker_tasks import note_run

    settings.TASKS = DATABASE_QUEUE
    settings.QUEUE_STALE_SECONDS = 120
    assert client.get("/healthz").json()["tasks"] == {"waiting": 0, "oldest_waiting_seconds": 0, "queue": "ok"}

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        note_run.enqueue(1, "/dev/null")
        note_run.using(run_after=start + timedelta(hours=1)).enqueue(2, "/dev/null")  # not due yet
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert queue_health() == {"waiting": 1, "oldest_waiting_seconds": 30, "queue": "ok"}
    # No worker for ten minutes: the queue is behind, and /healthz says so.
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        tasks = client.get("/healthz").json()["tasks"]
    assert tasks == {"waiting": 1, "oldest_waiting_seconds": 600, "queue": "behind"}
