"""Demo assault incidents and workforce figures: five years to the end of last
month, about 700 incidents a year at scale 1, shaped like the real pattern (peaks in
the small hours of Saturday and Sunday, ~30% with injury, ~75% charged, ~87% on
police officers). Each month's incidents come from a random generator seeded with
that month, so reruns create nothing new and the data does not depend on the day."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.utils import timezone

from tracker.assaults.imports import upsert_incidents, upsert_workforce_periods
from tracker.assaults.models import IncidentOutcome, VictimRole
from tracker.core.demo import AREAS
from tracker.core.models import User

PER_YEAR = 700
YEARS = 5
AREA_WEIGHTS = [12, 20, 15, 28, 25]
ROLE_WEIGHTS = {
    VictimRole.POLICE_OFFICER: 87,
    VictimRole.STUDENT_OFFICER: 4,
    VictimRole.POLICE_STAFF: 3,
    VictimRole.PCSO: 4,
    VictimRole.SPECIAL_CONSTABLE: 2,
}
OTHER_OUTCOMES = [
    IncidentOutcome.SUMMONS,
    IncidentOutcome.CAUTION,
    IncidentOutcome.NO_FURTHER_ACTION,
    IncidentOutcome.UNDER_INVESTIGATION,
    IncidentOutcome.OTHER,
]


def _hour_weights() -> list[tuple[int, int, float]]:
    """(weekday, hour, weight): a night-time economy peak on Friday to Sunday
    mornings, busy evenings, quiet mid-mornings."""
    cells = []
    for weekday in range(7):
        for hour in range(24):
            weight = 1.0
            if hour < 6 and weekday in (5, 6):
                weight = 7.0
            elif hour < 6 and weekday == 4:
                weight = 3.5
            elif hour < 6:
                weight = 1.2
            elif 7 <= hour < 12:
                weight = 0.6
            elif hour >= 20 and weekday in (4, 5):
                weight = 3.0
            elif hour >= 18:
                weight = 1.8
            cells.append((weekday, hour, weight))
    return cells


def _months(last: date) -> list[date]:
    months = [last]
    while len(months) < YEARS * 12:
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    return sorted(months)


def _month_rows(month: date, scale: int) -> list[dict[str, object]]:
    rng = random.Random(f"assaults-{month:%Y-%m}")
    next_month = (month + timedelta(days=32)).replace(day=1)
    days = [month + timedelta(days=n) for n in range((next_month - month).days)]
    cells = _hour_weights()
    day_weights = {d: [w for wd, _, w in cells if wd == d.weekday()] for d in days}
    count = round(PER_YEAR * scale / 12 * rng.uniform(0.85, 1.15))
    zone = timezone.get_default_timezone()
    rows = []
    for n in range(count):
        day = rng.choices(days, weights=[sum(day_weights[d]) for d in days])[0]
        hour = rng.choices(range(24), weights=day_weights[day])[0]
        when = datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=zone)
        rows.append(
            {
                "reference": f"DEMO-{month:%Y%m}-{n:05d}",
                "occurred_at": when,
                "area": rng.choices(AREAS, weights=AREA_WEIGHTS)[0],
                "victim_role": rng.choices(list(ROLE_WEIGHTS), weights=list(ROLE_WEIGHTS.values()))[0],
                "injury": rng.random() < 0.30,
                "outcome": IncidentOutcome.CHARGED if rng.random() < 0.75 else rng.choice(OTHER_OUTCOMES),
            }
        )
    return rows


def seed(*, scale: int, log: Callable[[str], None]) -> None:
    admin = User.objects.get(username="admin")
    last = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    months = _months(last)
    rows = [row for month in months for row in _month_rows(month, scale)]
    incidents = upsert_incidents(rows, by=admin)
    rng = random.Random("workforce")
    quarters = []
    start = months[0].replace(month=3 * ((months[0].month - 1) // 3) + 1)  # the first month's quarter
    while start <= last:
        end = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)  # three months on
        quarters.append(
            {
                "period_start": start,
                "period_end": end,
                "officers": 2000 + rng.randrange(-60, 61),
                "staff": 1500 + rng.randrange(-40, 41),
            }
        )
        start = end + timedelta(days=1)
    workforce = upsert_workforce_periods(quarters, by=admin)
    log(
        f"assaults: {incidents.new} assault incidents created ({incidents.unchanged} already there), "
        f"{workforce.new} workforce periods created"
    )
