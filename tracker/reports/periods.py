"""Reporting periods: whole local days, from `start` to `end` inclusive, in the
service's time zone (Europe/London).

A day is midnight to midnight local time, so the spring clock-change day has 23
hours and the autumn one 25; both count as one day. Filtering by the UTC instants
of the two local midnights gets this right on every database.

A period also has a kind, the way the board thinks of it: a calendar month, a
calendar quarter, a quarter of the financial year (April to March; Q1 is April to
June), a financial year, or custom dates. Published figures use whole periods only
(the Government Statistical Service convention), and comparisons follow the kind:
a quarter is compared with the quarter before and the same quarter a year earlier.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

# Far enough back for the campaign's 2015 figures, short enough to stay sensible.
EARLIEST = date(2000, 1, 1)
MAX_DAYS = 366 * 10
FY_FIRST_MONTH = 4  # UK policing reports April to March


class Kind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    FY_QUARTER = "fy_quarter"
    FINANCIAL_YEAR = "financial_year"
    CUSTOM = "custom"

    @property
    def noun(self) -> str:
        """As in 'Previous quarter', 'Same month a year earlier'."""
        return {
            Kind.MONTH: "month",
            Kind.QUARTER: "quarter",
            Kind.FY_QUARTER: "quarter",
            Kind.FINANCIAL_YEAR: "financial year",
            Kind.CUSTOM: "period",
        }[self]


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_midnight(day: date) -> datetime:
    """The aware instant local `day` begins (midnight never falls in a UK gap)."""
    return datetime.combine(day, time.min, tzinfo=local_zone())


def same_day_a_year_earlier(day: date) -> date:
    """29 February goes back to 28 February."""
    year = day.year - 1
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def financial_year_of(day: date) -> int:
    """The year the financial year holding `day` starts: 2018 for 2018/19."""
    return day.year if day.month >= FY_FIRST_MONTH else day.year - 1


def fy_name(year: int) -> str:
    """2018 → '2018/19'."""
    return f"{year}/{(year + 1) % 100:02d}"


def _months_spanned(start: date, end: date) -> int | None:
    """How many whole calendar months `start`–`end` is, or None if it is not whole months."""
    if start.day != 1 or end != month_end(end.year, end.month):
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def infer_kind(start: date, end: date) -> Kind:
    months = _months_spanned(start, end)
    if months == 1:
        return Kind.MONTH
    if months == 3 and (start.month - 1) % 3 == 0:
        return Kind.QUARTER
    if months == 12 and start.month == FY_FIRST_MONTH:
        return Kind.FINANCIAL_YEAR
    return Kind.CUSTOM


# The kinds whose dates are a calendar quarter (a financial-year quarter is one too).
QUARTERS = frozenset({Kind.QUARTER, Kind.FY_QUARTER})
KEY = re.compile(
    r"^(?:(?P<fy>FY)(?P<fy_year>\d{4})(?:-Q(?P<fy_q>[1-4]))?"  # FY2018, FY2018-Q2
    r"|(?P<year>\d{4})-(?:Q(?P<q>[1-4])|(?P<m>\d{2})))$"  # 2018-Q3, 2018-07
)


@dataclass(frozen=True)
class Period:
    """`Period(start, end)` infers the kind from the dates; the constructors below
    (`Period.month(2018, 7)`, `Period.fy_quarter(2018, 2)`…) say it outright. Two
    periods with the same dates are equal whatever their kind."""

    start: date
    end: date
    kind: Kind = field(default=None, compare=False)  # type: ignore[assignment]  # None: inferred

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("The end date must be the same as or after the start date.")
        inferred = infer_kind(self.start, self.end)
        if self.kind is None:
            object.__setattr__(self, "kind", inferred)
        elif self.kind == Kind.FY_QUARTER and inferred == Kind.QUARTER:
            pass  # July to September is both the third calendar quarter and Q2 of the financial year
        elif self.kind != inferred:
            raise ValueError(f"{self.start} to {self.end} is not a whole {Kind(self.kind).noun}.")

    # Constructors ------------------------------------------------------------

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), month_end(year, month), Kind.MONTH)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """Calendar quarter 1 to 4 of `year` (quarter 1 is January to March)."""
        if not 1 <= quarter <= 4:
            raise ValueError("A quarter is 1 to 4.")
        first = 3 * (quarter - 1) + 1
        return cls(date(year, first, 1), month_end(year, first + 2), Kind.QUARTER)

    @classmethod
    def fy_quarter(cls, year: int, quarter: int) -> Period:
        """Quarter 1 to 4 of the financial year starting April `year` (Q1 is April to June)."""
        if not 1 <= quarter <= 4:
            raise ValueError("A quarter is 1 to 4.")
        start = add_months(date(year, FY_FIRST_MONTH, 1), 3 * (quarter - 1))
        end = add_months(start, 3) - timedelta(days=1)
        return cls(start, end, Kind.FY_QUARTER)

    @classmethod
    def financial_year(cls, year: int) -> Period:
        """April `year` to March `year + 1`."""
        return cls(date(year, FY_FIRST_MONTH, 1), date(year + 1, FY_FIRST_MONTH, 1) - timedelta(days=1))

    @classmethod
    def from_key(cls, key: str) -> Period | None:
        """The period a URL's `period` names ('2018-07', '2018-Q3', 'FY2018',
        'FY2018-Q2'), or None if it names none."""
        match = KEY.match(key.strip())
        if match is None:
            return None
        try:
            if match["fy"]:
                year = int(match["fy_year"])
                return cls.fy_quarter(year, int(match["fy_q"])) if match["fy_q"] else cls.financial_year(year)
            year = int(match["year"])
            if match["q"]:
                return cls.quarter(year, int(match["q"]))
            return cls.month(year, int(match["m"]))
        except ValueError:  # month 13, year 0 or 9999's next year
            return None

    # What it is --------------------------------------------------------------

    @property
    def is_whole(self) -> bool:
        """A month, a quarter or a financial year: what published figures may cover."""
        return self.kind != Kind.CUSTOM

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

    @property
    def financial_year_start(self) -> int:
        return financial_year_of(self.start)

    @property
    def fy_quarter_number(self) -> int:
        """1 for April to June … 4 for January to March."""
        return (self.start.month - FY_FIRST_MONTH) % 12 // 3 + 1

    @property
    def key(self) -> str | None:
        """The `period` URL value naming this period; None for custom dates."""
        if self.kind == Kind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == Kind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == Kind.FY_QUARTER:
            return f"FY{self.financial_year_start}-Q{self.fy_quarter_number}"
        if self.kind == Kind.FINANCIAL_YEAR:
            return f"FY{self.start.year}"
        return None

    # Comparisons -------------------------------------------------------------

    def previous(self) -> Period:
        """The month, quarter or financial year before; for custom dates, the
        period of the same number of days just before."""
        if self.is_whole:
            months = _months_spanned(self.start, self.end) or 1
            start = add_months(self.start, -months)
            return Period(start, self.start - timedelta(days=1), self.kind)
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def year_earlier(self) -> Period:
        """The same month, quarter or financial year a year earlier; for custom
        dates, the same days a year earlier."""
        if self.is_whole:
            start = self.start.replace(year=self.start.year - 1)
            return Period(start, month_end(self.end.year - 1, self.end.month), self.kind)
        return Period(same_day_a_year_earlier(self.start), same_day_a_year_earlier(self.end))

    # Words -------------------------------------------------------------------

    def label(self) -> str:
        """As people say it: 'July 2018', 'July to September 2018', 'April 2018 to
        March 2019', '1 July 2018 to 9 July 2018'."""
        if self.kind == Kind.MONTH:
            return f"{self.start:%B %Y}"
        if self.kind in QUARTERS:
            return f"{self.start:%B} to {self.end:%B %Y}"
        if self.kind == Kind.FINANCIAL_YEAR:
            return f"{self.start:%B %Y} to {self.end:%B %Y}"
        return f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"

    @property
    def name(self) -> str:
        """The financial year's name for its quarters and itself ('Q2 2018/19',
        '2018/19 financial year'); empty for other kinds."""
        if self.kind == Kind.FY_QUARTER:
            return f"Q{self.fy_quarter_number} {fy_name(self.financial_year_start)}"
        if self.kind == Kind.FINANCIAL_YEAR:
            return f"{fy_name(self.start.year)} financial year"
        return ""

    def title(self) -> str:
        """The label with the financial year's name: 'July to September 2018 (Q2 2018/19)'."""
        return f"{self.label()} ({self.name})" if self.name else self.label()

    def query(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    def params(self) -> dict[str, str]:
        """URL parameters that reproduce the period: its key, or custom dates."""
        if self.key is not None:
            return {"period": self.key}
        return self.query()


def today() -> date:
    return timezone.localdate()


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def this_quarter(on: date | None = None) -> Period:
    """The calendar quarter so far, up to and including today."""
    day = on or today()
    return Period(quarter_start(day), day)


def last_quarter(on: date | None = None) -> Period:
    """The last complete calendar quarter: the dashboard's default."""
    day = on or today()
    end = quarter_start(day) - timedelta(days=1)
    return Period(quarter_start(end), end)


def last_12_months(on: date | None = None) -> Period:
    """The twelve whole calendar months before the current one."""
    day = on or today()
    end = day.replace(day=1) - timedelta(days=1)
    return Period(add_months(end, -11), end)
