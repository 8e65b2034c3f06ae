"""A task for the worker tests: notes each run in a log file, one line a run."""

from __future__ import annotations

import os
import time

from django.tasks import task


@task()
def note_run(number: int, log: str) -> int:
    with open(log, "a", encoding="utf-8") as file:
        file.write(f"{number} {os.getpid()}\n")
    time.sleep(0.005)  # long enough for the two workers to interleave
    return number
