"""Every figure the dashboard, the board report and the JSON show, computed here
and only here, with SQL aggregates.

Each strand has one function returning a plain dataclass of unrounded numbers for a
`Period` (whole local days, Europe/London) and optionally one area; `board()` puts
the sections together. The number of queries does not depend on the amount of
data: each section is a fixed handful of aggregate queries.

The strands' sections (engagement, night-time economy, offender behaviour and
outcomes) are in `strands.py`, one function each, joined here by `board()`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any, cast

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncMonth

from tracker.assaults.models import AssaultIncident, IncidentOutcome, VictimRole, WorkforcePeriod
from tracker.core.models import Area
from tracker.reports import strands
from tracker.reports.periods import Period, local_zone

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# The night-time economy window: the small hours of Friday, Saturday and Sunday
# (that is, Thursday, Friday and Saturday nights out), local time.
NTE_WEEKDAYS = (4, 5, 6)  # Monday = 0
NTE_HOURS = range(6)


@dataclass(frozen=True)
class Change:
    """A count against the same count for a comparison period."""

    start: date
    end: date
    previous: int
    current: int

    @property
    def difference(self) -> int:
        return self.current - self.previous

    @property
    def percent(self) -> float | None:
        """Change as a percentage of the earlier count; None when that was 0."""
        return None if self.previous == 0 else 100 * self.difference / self.previous

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "total": self.previous,
            "difference": self.difference,
            "percent": self.percent,
        }


@dataclass(frozen=True)
class Cell:
    weekday: int  # Monday = 0
    hour: int
    count: int

    @property
    def label(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.hour:02d}:00 to {self.hour:02d}:59"


@dataclass
class Workforce:
    """Officers and staff over a period, as day-weighted averages of the workforce
    periods that cover it. A quarter half in a period of 2,000 officers and half in
    one of 2,100 has 2,050. Days no workforce period covers are left out of the
    average (and `days_covered` says how many there were); with none, None."""

    officers: float | None
    staff: float | None
    days_covered: int


@dataclass
class AssaultFigures:
    period: Period
    area: str | None
    total: int
    with_injury: int
    charged: int
    by_victim_role: dict[str, int]
    by_weekday_hour: list[list[int]]
    workforce: Workforce
    previous_period: Change
    year_earlier: Change
    peaks: list[Cell] = field(default_factory=list)

    @property
    def per_day(self) -> float:
        return self.total / self.period.days

    @property
    def officers_per_assault(self) -> float | None:
        """Officers for each assault. Workforce figures are force-wide, so for one
        area this ratio would compare unlike things and is left out."""
        if self.area is not None or not self.total or self.workforce.officers is None:
            return None
        return self.workforce.officers / self.total

    @property
    def night_time_economy(self) -> int:
        return sum(self.by_weekday_hour[day][hour] for day in NTE_WEEKDAYS for hour in NTE_HOURS)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "with_injury": self.with_injury,
            "per_day": self.per_day,
            "officers": self.workforce.officers,
            "staff": self.workforce.staff,
            "workforce_days_covered": self.workforce.days_covered,
            "officers_per_assault": self.officers_per_assault,
            "by_victim_role": dict(self.by_victim_role),
            "charged": self.charged,
            "by_weekday_hour": [list(row) for row in self.by_weekday_hour],
            "peaks": [asdict(cell) for cell in self.peaks],
            "night_time_economy": self.night_time_economy,
            "previous_period": self.previous_period.as_dict(),
            "year_earlier": self.year_earlier.as_dict(),
        }


def _in(period: Period) -> Q:
    return Q(occurred_at__gte=period.starts_at, occurred_at__lt=period.ends_before)


def _incidents(area: Area | None) -> QuerySet[AssaultIncident]:
    incidents = AssaultIncident.objects.order_by()
    return incidents.filter(area=area) if area is not None else incidents


def workforce(period: Period) -> Workforce:
    """One query: the workforce periods overlapping `period`, weighted by the days
    each shares with it."""
    rows = WorkforcePeriod.objects.filter(period_start__lte=period.end, period_end__gte=period.start).values_list(
        "period_start", "period_end", "officers", "staff"
    )
    days = officer_days = staff_days = 0
    for start, end, officers, staff in rows:
        overlap = (min(end, period.end) - max(start, period.start)).days + 1
        days += overlap
        officer_days += officers * overlap
        staff_days += staff * overlap
    if not days:
        return Workforce(None, None, 0)
    return Workforce(officer_days / days, staff_days / days, days)


def assaults(period: Period, area: Area | None = None) -> AssaultFigures:
    """The assault figures for `period` (and `area`, if given), in three queries:
    1 headline counts for the period and both comparison periods (conditional
    counts in one pass), 2 the weekday × hour grid, 3 the workforce periods."""
    current, previous, year_earlier = _in(period), _in(period.previous()), _in(period.year_earlier())
    roles = {role: Count("pk", filter=current & Q(victim_role=role)) for role in VictimRole.values}
    counts = (
        _incidents(area)
        .filter(current | previous | year_earlier)
        .aggregate(
            total=Count("pk", filter=current),
            with_injury=Count("pk", filter=current & Q(injury=True)),
            charged=Count("pk", filter=current & Q(outcome=IncidentOutcome.CHARGED)),
            previous=Count("pk", filter=previous),
            year_earlier=Count("pk", filter=year_earlier),
            **{f"role_{role}": count for role, count in roles.items()},
        )
    )
    zone = local_zone()
    grid = [[0] * 24 for _ in WEEKDAYS]
    cells = (
        _incidents(area)
        .filter(current)
        .annotate(weekday=ExtractIsoWeekDay("occurred_at", tzinfo=zone), hour=ExtractHour("occurred_at", tzinfo=zone))
        .values("weekday", "hour")
        .annotate(n=Count("pk"))
    )
    for row in cells:
        grid[row["weekday"] - 1][row["hour"]] = row["n"]
    top = max((max(row) for row in grid), default=0)
    peaks = [Cell(d, h, top) for d in range(7) for h in range(24) if top and grid[d][h] == top]
    prev_period, year_period = period.previous(), period.year_earlier()
    return AssaultFigures(
        period=period,
        area=area.name if area is not None else None,
        total=counts["total"],
        with_injury=counts["with_injury"],
        charged=counts["charged"],
        by_victim_role={role: counts[f"role_{role}"] for role in VictimRole.values},
        by_weekday_hour=grid,
        workforce=workforce(period),
        previous_period=Change(prev_period.start, prev_period.end, counts["previous"], counts["total"]),
        year_earlier=Change(year_period.start, year_period.end, counts["year_earlier"], counts["total"]),
        peaks=peaks,
    )


@dataclass(frozen=True)
class Month:
    month: date
    total: int
    with_injury: int
    in_period: bool


def assault_trend(period: Period, area: Area | None = None, *, months: int = 12) -> list[Month]:
    """Assaults per calendar month (local time) for the `months` months ending with
    the month `period` ends in; one query."""
    last = period.end.replace(day=1)
    first = last
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    span = Period(first, (last + timedelta(days=32)).replace(day=1) - timedelta(days=1))
    rows = (
        _incidents(area)
        .filter(_in(span))
        .annotate(month=TruncMonth("occurred_at", tzinfo=local_zone()))
        .values("month")
        .annotate(total=Count("pk"), with_injury=Count("pk", filter=Q(injury=True)))
    )
    found = {_as_date(row["month"]): (row["total"], row["with_injury"]) for row in rows}
    result = []
    month = first
    while month <= last:
        total, injured = found.get(month, (0, 0))
        in_period = period.start <= (month + timedelta(days=32)).replace(day=1) - timedelta(days=1) and (
            month <= period.end
        )
        result.append(Month(month, total, injured, in_period))
        month = (month + timedelta(days=32)).replace(day=1)
    return result


def _as_date(value: Any) -> date:
    return cast(date, value.date() if hasattr(value, "date") and callable(value.date) else value)


@dataclass
class BoardFigures:
    period: Period
    area: str | None
    assaults: AssaultFigures
    trend: list[Month]
    # engagement, night_time_economy, offender_behaviour, outcomes (tracker/reports/strands.py)
    strands: dict[str, Any] = field(default_factory=dict)
    # Paths of the counts (and of the counts derived from them) that may not be
    # published; filled in by disclosure.publish() for whole periods.
    hidden: frozenset[str] = frozenset()

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": {**self.period.query(), "days": self.period.days},
            "area": self.area,
            "assaults": {**self.assaults.as_dict(), "by_month": [asdict(month) for month in self.trend]},
            **{name: section.as_dict() for name, section in self.strands.items()},
        }


def board(period: Period, area: Area | None = None) -> BoardFigures:
    """Every section of the board report. Strand sections join here as they arrive."""
    return BoardFigures(
        period=period,
        area=area.name if area is not None else None,
        assaults=assaults(period, area),
        trend=assault_trend(period, area),
        strands=strands.everything(period, area),
    )
