"""Reporting periods: whole local days, from `start` to `end` inclusive, in the
service's time zone (Europe/London).

A day is midnight to midnight local time, so the spring clock-change day has 23
hours and the autumn one 25; both count as one day. Filtering by the UTC instants
of the two local midnights gets this right on every database.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

# Far enough back for the campaign's 2015 figures, short enough to stay sensible.
EARLIEST = date(2000, 1, 1)
MAX_DAYS = 366 * 10


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_midnight(day: date) -> datetime:
    """The aware instant local `day` begins (midnight never falls in a UK gap)."""
    return datetime.combine(day, time.min, tzinfo=local_zone())


def same_day_a_year_earlier(day: date) -> date:
    """29 February goes back to 28 February."""
    year = day.year - 1
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("The end date must be the same as or after the start date.")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def starts_at(self) -> datetime:
        return local_midnight(self.start)

    @property
    def ends_before(self) -> datetime:
        """The first instant after the period (exclusive upper bound)."""
        return local_midnight(self.end + timedelta(days=1))

    def previous(self) -> Period:
        """The period of the same number of days just before this one."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def year_earlier(self) -> Period:
        return Period(same_day_a_year_earlier(self.start), same_day_a_year_earlier(self.end))

    def label(self) -> str:
        return f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"

    def query(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def today() -> date:
    return timezone.localdate()


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def this_quarter(on: date | None = None) -> Period:
    """The calendar quarter so far, up to and including today."""
    day = on or today()
    return Period(quarter_start(day), day)


def last_quarter(on: date | None = None) -> Period:
    day = on or today()
    end = quarter_start(day) - timedelta(days=1)
    return Period(quarter_start(end), end)


def last_12_months(on: date | None = None) -> Period:
    """The twelve whole calendar months before the current one."""
    day = on or today()
    end = day.replace(day=1) - timedelta(days=1)
    return Period(_months_back(end), end)


def _months_back(end: date) -> date:
    # First day of the month eleven months before `end`'s month.
    month = end.month - 11
    year = end.year
    if month < 1:
        month += 12
        year -= 1
    return date(year, month, 1)


PRESETS = {
    "last_quarter": ("Last quarter", last_quarter),
    "this_quarter": ("This quarter", this_quarter),
    "last_12_months": ("Last 12 months", last_12_months),
}
