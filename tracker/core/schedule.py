"""The schedule: duties that fall due every so often (digests, reminders, the data
protection duties, checks and pruning). Each app registers its duties when it loads;
`manage.py run_schedule`, run by cron or a systemd timer every few minutes, enqueues
each duty that has fallen due as a task.

A duty falls due once a *slot*: the `every`-long stretch of local time it is in,
counted from Monday 3 January 2000 plus its `offset` (so a weekly duty's slots start on
Mondays, and a daily duty with a six-hour offset at 06:00). Claiming a slot is a row
with a unique (duty, slot) pair, inserted in the same transaction as the task that does
the work: run twice, or on two machines at once, a slot is claimed and its task
enqueued exactly once. A run that finds nothing due does nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

EPOCH = datetime(2000, 1, 3)  # noqa: DTZ001  # a Monday; naive on purpose: slots count local wall-clock time


@dataclass(frozen=True)
class Duty:
    name: str
    every: timedelta
    # The work, called in a task with the start of the slot it is for.
    run: Callable[[datetime], object]
    description: str
    offset: timedelta = timedelta(0)


_duties: dict[str, Duty] = {}


def register(duty: Duty) -> Duty:
    _duties[duty.name] = duty
    return duty


def duties() -> list[Duty]:
    return sorted(_duties.values(), key=lambda d: d.name)


def get(name: str) -> Duty:
    return _duties[name]


def slot_of(duty: Duty, now: datetime) -> datetime:
    """The start of the slot `now` is in, as an aware datetime."""
    local = timezone.localtime(now).replace(tzinfo=None)
    start = EPOCH + duty.offset
    count = (local - start) // duty.every
    return timezone.make_aware(start + count * duty.every)


def enqueue_due(now: datetime | None = None) -> list[tuple[Duty, datetime]]:
    """Enqueue every duty whose current slot nobody has claimed yet. Returns what was
    enqueued by this call."""
    from tracker.core.models import ScheduledRun
    from tracker.core.tasks import run_duty

    now = now or timezone.now()
    enqueued = []
    for duty in duties():
        slot = slot_of(duty, now)
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(duty=duty.name, slot=slot)
                run_duty.enqueue(duty.name, slot.isoformat())
        except IntegrityError:
            continue  # claimed by an earlier run, or another machine's at the same moment
        enqueued.append((duty, slot))
    return enqueued
