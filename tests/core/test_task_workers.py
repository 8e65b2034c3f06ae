"""The database queue with real worker processes: two `db_worker`s share it and never
run a task twice; two `run_schedule`s at once claim each duty's slot once."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.core.worker_tasks import note_run
from tests.workers import DATABASE_QUEUE, ROOT, child_env, database_for_children, query, start_worker
from tracker.core import schedule

pytestmark = pytest.mark.django_db(transaction=True)

TASK_COUNT = 500


def test_two_workers_share_the_queue_and_never_run_a_task_twice(tmp_path: Path, settings: Any) -> None:
    settings.TASKS = DATABASE_QUEUE
    log = tmp_path / "runs.log"
    for number in range(TASK_COUNT):
        note_run.enqueue(number, str(log))
    url = database_for_children(tmp_path)
    env = child_env(url)

    workers = [start_worker(env, "--batch", "--no-startup-delay") for _ in range(2)]
    for worker in workers:
        output, _ = worker.communicate(timeout=300)
        assert worker.returncode == 0, output[-3000:]

    runs = [line.split() for line in log.read_text().splitlines()]
    numbers = Counter(int(number) for number, _ in runs)
    assert sorted(numbers) == list(range(TASK_COUNT))
    assert set(numbers.values()) == {1}, "a task ran more than once"
    # Both workers took tasks from the one queue.
    assert len({pid for _, pid in runs}) == 2

    results = query(url, "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult")
    assert len(results) == TASK_COUNT
    assert {status for status, _ in results} == {"SUCCESSFUL"}
    # Each result was claimed by one worker, once.
    assert all(len(json.loads(ids) if isinstance(ids, str) else ids) == 1 for _, ids in results)


def test_two_schedules_at_once_enqueue_each_due_duty_once(tmp_path: Path, settings: Any) -> None:
    settings.TASKS = DATABASE_QUEUE
    url = database_for_children(tmp_path)
    env = child_env(url)
    command = [sys.executable, str(ROOT / "manage.py"), "run_schedule"]
    runs = [
        subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # noqa: S603
        for _ in range(3)
    ]
    outputs = []
    for run in runs:
        output, _ = run.communicate(timeout=120)
        assert run.returncode == 0, output
        outputs.append(output)

    duties = {duty.name for duty in schedule.duties()}
    claims = query(url, "SELECT duty FROM core_scheduledrun")
    assert sorted(duty for (duty,) in claims) == sorted(duties)
    tasks = query(url, "SELECT args_kwargs FROM django_tasks_database_dbtaskresult")
    assert len(tasks) == len(duties)
    # Between them, the three runs reported each duty once.
    assert sum(output.count("Enqueued ") for output in outputs) == len(duties)
