"""Fixtures for the figures: incidents and workforce periods built through the bulk
services, and the campaign's own published figures as a synthetic data set."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

LONDON = ZoneInfo("Europe/London")


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0, *, fold: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON, fold=fold)


@pytest.fixture
def incident_factory(db: None, admin_user: Any, areas: dict[str, Any]) -> Callable[..., Any]:
    """make(occurred_at, area=..., victim_role=..., injury=..., outcome=...) -> incident."""
    from tracker.assaults.imports import upsert_incidents
    from tracker.assaults.models import AssaultIncident

    counter = {"n": 0}

    def make(occurred_at: datetime, **fields: Any) -> AssaultIncident:
        counter["n"] += 1
        reference = fields.pop("reference", f"T{counter['n']:06d}")
        row = {
            "reference": reference,
            "occurred_at": occurred_at,
            "area": fields.pop("area", "Shropshire"),
            "victim_role": "police_officer",
            "injury": False,
            "outcome": "charged",
            **fields,
        }
        upsert_incidents([row], by=admin_user)
        return AssaultIncident.objects.get(reference=reference)

    return make


@pytest.fixture
def workforce_factory(db: None, admin_user: Any) -> Callable[..., Any]:
    from tracker.assaults.services import create_workforce_period

    def make(start: date, end: date, officers: int = 2000, staff: int = 1500) -> Any:
        return create_workforce_period(
            period_start=start, period_end=end, officers=officers, staff=staff, by=admin_user
        )

    return make


CAMPAIGN_START = date(2015, 4, 1)
QUARTER_START = date(2018, 7, 1)
QUARTER_END = date(2018, 9, 30)


def _spread(
    rng: random.Random, start: date, end: date, count: int, injured: int, prefix: str, *, weekend_nights: float = 0
) -> list[dict[str, Any]]:
    """`count` incidents between `start` and `end`; a share `weekend_nights` of them
    in the small hours of Friday to Sunday (where the campaign says they concentrate),
    the rest at any hour."""
    days = (end - start).days + 1
    areas = ["Herefordshire", "Shropshire", "Telford & Wrekin", "North Worcestershire", "South Worcestershire"]
    rows = []
    injured_rows = set(rng.sample(range(count), injured))
    night_rows = set(rng.sample(range(count), round(count * weekend_nights)))
    for n in range(count):
        day = start + timedelta(days=rng.randrange(days))
        hour = rng.randrange(24)
        if n in night_rows:
            while day.weekday() < 4:  # Friday, Saturday or Sunday
                day = start + timedelta(days=rng.randrange(days))
            hour = rng.randrange(6)
        rows.append(
            {
                "reference": f"{prefix}{n:05d}",
                "occurred_at": datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON),
                "area": areas[n % len(areas)],
                "victim_role": "police_officer" if n % 8 else "police_staff",
                "injury": n in injured_rows,
                "outcome": "charged" if n % 4 else "caution",
            }
        )
    return rows


@pytest.fixture
def campaign_figures(db: None, admin_user: Any, areas: dict[str, Any]) -> dict[str, Any]:
    """PRODUCT.md's published figures: 2,219 offences from April 2015 to September
    2018 (680 with injury), of which 152 in July–September 2018 (46 with injury), up
    10% on the 138 of July–September 2017; concentrated in weekend small hours;
    2,000 officers in that quarter, so about 13 officers for each assault."""
    from tracker.assaults.imports import upsert_incidents, upsert_workforce_periods

    rng = random.Random(2018)
    # Incidents rose 10% year on year: 138 in July to September 2017; 161 in April
    # to June 2018; the rest of the 2,219 spread over the other months.
    rows = _spread(rng, CAMPAIGN_START, date(2017, 6, 30), 1300, 400, "EARLY", weekend_nights=0.3)
    rows += _spread(rng, date(2017, 7, 1), date(2017, 9, 30), 138, 41, "Q3-2017-", weekend_nights=0.3)
    rows += _spread(rng, date(2017, 10, 1), date(2018, 3, 31), 2219 - 152 - 138 - 161 - 1300, 145, "LATER")
    rows += _spread(rng, date(2018, 4, 1), date(2018, 6, 30), 161, 48, "Q2-2018-", weekend_nights=0.3)
    rows += _spread(rng, QUARTER_START, QUARTER_END, 152, 46, "Q3", weekend_nights=0.3)
    upsert_incidents(rows, by=admin_user)
    upsert_workforce_periods(
        [
            {"period_start": date(2018, 4, 1), "period_end": date(2018, 6, 30), "officers": 1980, "staff": 1490},
            {"period_start": QUARTER_START, "period_end": QUARTER_END, "officers": 2000, "staff": 1500},
        ],
        by=admin_user,
    )
    return {"start": CAMPAIGN_START, "end": QUARTER_END, "quarter": (QUARTER_START, QUARTER_END)}
