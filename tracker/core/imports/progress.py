"""How far an import's task has got, and its heartbeat, in the "progress" cache.

The write is one transaction, so nothing it does is visible to other connections
until it commits (and on SQLite no other connection may write meanwhile). Progress
therefore goes through a cache every web and worker process shares: the task records
each thousandth row it reaches, with the time; the job page and its status endpoint
read it back, and the stall check takes the time as the task's last sign of life."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from django.core.cache import caches

# Long enough to outlive any step; a finished job's entry is deleted at once.
KEPT_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Reading:
    attempt: int  # the job's attempt the task works for (0 while checking)
    verb: str  # "started", "read", "counted" or "written"
    done: int
    total: int
    passes: int  # how many times the rows have been gone through with this verb
    at: float  # when, in seconds since the epoch

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


def _key(job_id: int) -> str:
    return f"import-job:{job_id}"


def read(job_id: int) -> Reading | None:
    value = caches["progress"].get(_key(job_id))
    if not isinstance(value, dict):
        return None
    try:
        return Reading(**value)
    except TypeError:  # an entry from an older layout
        return None


def record(job_id: int, *, attempt: int, verb: str, done: int = 0, total: int = 0) -> Reading:
    """Note that the task is alive and has reached `done` of `total` rows."""
    earlier = read(job_id)
    passes = 1
    if earlier is not None and earlier.attempt == attempt and earlier.verb == verb:
        # The check may read the rows a second time (to name repeated keys): a count
        # going back to the start is the next pass of the same verb.
        passes = earlier.passes + 1 if done < earlier.done else earlier.passes
    reading = Reading(attempt=attempt, verb=verb, done=done, total=total, passes=passes, at=time.time())
    caches["progress"].set(_key(job_id), asdict(reading), KEPT_SECONDS)
    return reading


def forget(job_id: int) -> None:
    caches["progress"].delete(_key(job_id))


class Recorder:
    """A runner's `Progress` callback for one job's step."""

    def __init__(self, job_id: int, *, attempt: int):
        self.job_id = job_id
        self.attempt = attempt
        record(job_id, attempt=attempt, verb="started")

    def __call__(self, done: int, total: int, verb: str = "read") -> None:
        record(self.job_id, attempt=self.attempt, verb=verb, done=done, total=total)
