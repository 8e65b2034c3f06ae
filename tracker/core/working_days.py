"""Working days: Monday to Friday. The service holds no list of bank holidays, so
a bank holiday counts as a working day (a reminder may come a day early, never late)."""

from __future__ import annotations

from datetime import date, timedelta


def is_working_day(day: date) -> bool:
    return day.weekday() < 5


def add_working_days(day: date, days: int) -> date:
    """The working day `days` working days after `day` (before it, if negative)."""
    step = timedelta(days=1 if days >= 0 else -1)
    left = abs(days)
    while left:
        day += step
        if is_working_day(day):
            left -= 1
    return day
