"""Differencing closed: no two outputs a board member can request (a month, a
quarter or a financial year, for the force or one area) show the same figure with
a difference from 1 to 4, so none reveals a small count by subtraction."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from tests.partners.conftest import lists, make_engagement, make_group  # noqa: F401 - fixtures
from tests.reports.conftest import local
from tracker.assaults.imports import upsert_incidents
from tracker.core.models import Area
from tracker.reports import figures
from tracker.reports.disclosure import STOCKS, Lattice, counts, parts, publish
from tracker.reports.periods import Period
from tracker.reports.suppression import Hidden, is_small

pytestmark = pytest.mark.django_db

AREAS = ["Herefordshire", "Shropshire", "Telford & Wrekin", "North Worcestershire", "South Worcestershire"]
ROLES = ["police_officer"] * 6 + ["student_officer", "police_staff", "pcso", "special_constable"]
YEAR = Period(date(2018, 4, 1), date(2019, 3, 31))


def test_what_whole_periods_contain() -> None:
    assert not Period(date(2018, 8, 1), date(2018, 10, 31)).is_whole  # three months, not a quarter
    assert not Period(date(2018, 1, 1), date(2018, 12, 31)).is_whole  # a calendar year
    assert parts(YEAR) == [
        Period(date(2018, 4, 1), date(2018, 6, 30)),
        Period(date(2018, 7, 1), date(2018, 9, 30)),
        Period(date(2018, 10, 1), date(2018, 12, 31)),
        Period(date(2019, 1, 1), date(2019, 3, 31)),
    ]
    assert [p.start.month for p in parts(Period(date(2019, 1, 1), date(2019, 3, 31)))] == [1, 2, 3]
    assert parts(Period(date(2018, 7, 1), date(2018, 7, 31))) == []


def _periods() -> list[Period]:
    quarters = parts(YEAR)
    return [YEAR, *quarters, *(month for quarter in quarters for month in parts(quarter))]


def _contains(outer: tuple[Period, Area | None], inner: tuple[Period, Area | None]) -> bool:
    (p, a), (q, b) = outer, inner
    return p.start <= q.start and q.end <= p.end and (a is None or a == b) and outer != inner


@pytest.fixture
def sparse_year(
    admin_user: Any, areas: dict[str, Any], make_engagement: Any, make_group: Any, lists: dict[str, Any]
) -> None:
    """A year of small, uneven numbers: plenty of differences from 1 to 4 to catch."""
    rng = random.Random(16)
    rows = []
    for n in range(150):
        day = YEAR.start + timedelta(days=rng.randrange(YEAR.days))
        rows.append(
            {
                "reference": f"D{n:05d}",
                "occurred_at": local(day.year, day.month, day.day, rng.randrange(24)),
                "area": rng.choice(AREAS[:3]),  # two areas with nothing at all
                "victim_role": rng.choice(ROLES),
                "injury": rng.random() < 0.3,
                "outcome": "charged" if rng.random() < 0.7 else "caution",
            }
        )
    upsert_incidents(rows, by=admin_user)
    kinds = list(lists["kinds"].values())
    groups = [make_group(f"Group {n}") for n in range(4)]
    for _ in range(30):
        day = YEAR.start + timedelta(days=rng.randrange(YEAR.days))
        make_engagement(
            starts_at=local(day.year, day.month, day.day, 19),
            kind=rng.choice(kinds),
            area=areas[rng.choice(AREAS[:2])],
            attendance=rng.randrange(1, 9),
            groups=[rng.choice(groups)],
        )


def _published(lattice: Lattice, exact: dict[tuple[Period, Area | None], Any]) -> dict[tuple[Period, Area | None], Any]:
    outputs = {}
    for period in _periods():
        for area in [None, *Area.objects.order_by("name")]:
            exact[(period, area)] = figures.board(period, area)
            outputs[(period, area)] = publish(exact[(period, area)], area, lattice=lattice)
    return outputs


def _shown(board: Any) -> dict[str, int]:
    return {path: value for path, value in counts(board).items() if path not in board.hidden}


def test_no_two_outputs_a_board_member_can_request_differ_by_1_to_4(sparse_year: None) -> None:
    boards: dict[tuple[Period, Area | None], Any] = {}
    outputs = _published(Lattice(), boards)
    shown = {node: _shown(board) for node, board in outputs.items()}
    # No count from 1 to 4 is shown, for the force either.
    assert not [(node, path) for node, found in shown.items() for path, value in found.items() if is_small(value)]
    # The comparisons and the trend show other outputs' totals: hidden as there.
    for (period, area), board in outputs.items():
        for month in board.trend:
            own = outputs.get((Period(month.month, _month_end(month.month)), area))
            if own is not None:
                assert isinstance(month.total, Hidden) == ("assaults.total" in own.hidden), (period, area, month)
        previous = board.assaults.previous_period
        own = outputs.get((Period(previous.start, previous.end), area))
        if own is not None:
            assert isinstance(previous.previous, Hidden) == ("assaults.total" in own.hidden)
    checked = 0
    for outer, inner in itertools.permutations(outputs, 2):
        if not _contains(outer, inner):
            continue
        same_day = outer[0].end == inner[0].end
        for path, value in shown[outer].items():
            if path not in shown[inner] or (path.startswith(STOCKS) and not same_day):
                continue
            checked += 1
            difference = value - shown[inner][path]
            assert not is_small(abs(difference)), (outer, inner, path, value, shown[inner][path])
    # Many pairs were compared, and the data set is sparse enough that the rule had
    # work to do: counts of 5 or more hidden because of another output.
    assert checked > 10_000
    assert any(
        not is_small(value) and path in board.hidden
        for board in outputs.values()
        for path, value in counts(board).items()
    )
    # Without the rule, the same outputs do reveal small counts by subtraction.
    exact = {node: counts(board) for node, board in boards.items()}
    revealed = [
        (outer, inner, path)
        for outer, inner in itertools.permutations(outputs, 2)
        if _contains(outer, inner)
        for path, value in exact[outer].items()
        if not is_small(value)
        and not is_small(exact[inner].get(path, 0))
        and is_small(value - exact[inner].get(path, 0))
        and not path.startswith(STOCKS)
    ]
    assert revealed


def _month_end(start: date) -> date:
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def test_the_dashboard_shows_c_where_a_month_would_give_the_quarter_away(
    client: Any, board: Any, incident_factory: Any
) -> None:
    # Shropshire: 10 in July, 3 in August. July (10) is published; so the quarter
    # (13) must not be, or the board could work out August's 3.
    for day in range(1, 11):
        incident_factory(local(2018, 7, day, 12), area="Shropshire")
    for day in range(1, 4):
        incident_factory(local(2018, 8, day, 12), area="Shropshire")
    client.force_login(board)
    july = client.get(reverse("reports:dashboard"), {"start": "2018-07-01", "end": "2018-07-31", "area": "Shropshire"})
    quarter = client.get(
        reverse("reports:dashboard"), {"start": "2018-07-01", "end": "2018-09-30", "area": "Shropshire"}
    )
    force = client.get(reverse("reports:dashboard"), {"start": "2018-07-01", "end": "2018-09-30"})
    assert july.status_code == quarter.status_code == force.status_code == 200
    assert '<span class="app-figure">10</span>' in july.text
    assert '<span class="app-figure">13</span>' not in quarter.text
    assert '<span class="app-figure">13</span>' not in force.text  # the force's 13 is Shropshire's
    assert '<span class="app-figure">[c]</span>' in quarter.text


class _Chain(Lattice):
    """A ⊃ C ⊃ B with made-up values, to test the rule on its own."""

    def __init__(self, values: dict[str, int]) -> None:
        super().__init__()
        self.values = values

    def value(self, node: Any, path: str) -> int:
        return self.values[node]

    def contains(self, node: Any, path: str) -> list[Any]:
        return {"A": ["C"], "C": ["B"], "B": []}[node]


def test_a_count_equal_to_a_hidden_one_it_contains_is_hidden_too() -> None:
    # C is hidden because C − B = 3. A equals C: showing A (10) beside B (7) would
    # give the 3 away, so A is hidden as well.
    chain = _Chain({"A": 10, "C": 10, "B": 7})
    assert [chain.hidden(node, "x") for node in "ACB"] == [True, True, False]
    # With a difference of 5 or more at each step, everything is shown.
    chain = _Chain({"A": 20, "C": 12, "B": 7})
    assert [chain.hidden(node, "x") for node in "ACB"] == [False, False, False]
    # Zeros are never hidden: 0 reveals nothing a count from 1 to 4 would.
    chain = _Chain({"A": 0, "C": 0, "B": 0})
    assert [chain.hidden(node, "x") for node in "ACB"] == [False, False, False]
