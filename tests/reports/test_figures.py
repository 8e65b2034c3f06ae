"""Every assault figure against hand-built data with known answers."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.reports.conftest import local
from tests.reports.counts import STRAND_QUERIES
from tracker.reports import figures
from tracker.reports.periods import Period

pytestmark = pytest.mark.django_db


def test_a_period_with_no_incidents_has_zeros_and_no_ratio(workforce_factory: Any) -> None:
    workforce_factory(date(2018, 7, 1), date(2018, 9, 30))
    result = figures.assaults(Period(date(2018, 7, 1), date(2018, 9, 30)))
    assert (result.total, result.with_injury, result.charged, result.per_day) == (0, 0, 0, 0)
    assert result.officers_per_assault is None
    assert result.by_victim_role == {
        "police_officer": 0,
        "student_officer": 0,
        "police_staff": 0,
        "pcso": 0,
        "special_constable": 0,
    }
    assert result.by_weekday_hour == [[0] * 24 for _ in range(7)]
    assert result.peaks == []
    assert result.previous_period.percent is None


def test_counts_injury_charged_and_roles(incident_factory: Any) -> None:
    incident_factory(local(2019, 1, 7, 9), injury=True, outcome="charged")
    incident_factory(local(2019, 1, 8, 9), victim_role="pcso", outcome="caution")
    incident_factory(local(2019, 1, 9, 9), victim_role="pcso", injury=True, outcome="under_investigation")
    incident_factory(local(2019, 2, 1, 9))  # outside the period
    result = figures.assaults(Period(date(2019, 1, 1), date(2019, 1, 31)))
    assert result.total == 3
    assert result.with_injury == 2
    assert result.charged == 1
    assert result.by_victim_role["pcso"] == 2
    assert result.by_victim_role["police_officer"] == 1
    assert sum(result.by_victim_role.values()) == 3
    assert result.per_day == 3 / 31


def test_the_leap_day_is_a_day_of_its_own_and_a_year_earlier_is_28_february(incident_factory: Any) -> None:
    incident_factory(local(2024, 2, 29, 10))
    incident_factory(local(2024, 2, 28, 23, 59))
    incident_factory(local(2023, 2, 28, 10))
    incident_factory(local(2023, 3, 1, 10))
    leap_day = figures.assaults(Period(date(2024, 2, 29), date(2024, 2, 29)))
    assert leap_day.total == 1
    assert leap_day.per_day == 1.0
    assert leap_day.year_earlier.start == date(2023, 2, 28)
    assert leap_day.year_earlier.previous == 1
    assert leap_day.previous_period.start == date(2024, 2, 28)
    assert leap_day.previous_period.previous == 1
    february = figures.assaults(Period(date(2024, 2, 1), date(2024, 2, 29)))
    assert february.period.days == 29
    assert february.total == 2
    assert february.per_day == 2 / 29


def test_spring_clock_change_day_counts_its_23_local_hours(incident_factory: Any) -> None:
    # 29 March 2026: clocks go forward at 01:00 GMT; the day is 23 hours long.
    incident_factory(local(2026, 3, 29, 0, 30))  # 00:30 GMT
    incident_factory(local(2026, 3, 29, 3, 30))  # 03:30 BST = 02:30 UTC
    incident_factory(local(2026, 3, 29, 23, 30))  # 22:30 UTC, still the 29th locally
    incident_factory(local(2026, 3, 30, 0, 30))  # 23:30 UTC on the 29th, but the 30th locally
    incident_factory(local(2026, 3, 28, 23, 30))  # the day before
    result = figures.assaults(Period(date(2026, 3, 29), date(2026, 3, 29)))
    assert result.total == 3
    sunday = result.by_weekday_hour[6]
    assert (sunday[0], sunday[3], sunday[23]) == (1, 1, 1)
    assert sum(map(sum, result.by_weekday_hour)) == 3


def test_autumn_clock_change_counts_the_repeated_hour_twice(incident_factory: Any) -> None:
    # 25 October 2026: 01:30 local happens twice, first in BST then in GMT.
    incident_factory(local(2026, 10, 25, 1, 30, fold=0), reference="FIRST")  # 00:30 UTC
    incident_factory(local(2026, 10, 25, 1, 30, fold=1), reference="SECOND")  # 01:30 UTC
    incident_factory(local(2026, 10, 25, 0, 30))  # 23:30 UTC on the 24th, the 25th locally
    incident_factory(local(2026, 10, 26, 0, 30))  # the next day
    result = figures.assaults(Period(date(2026, 10, 25), date(2026, 10, 25)))
    assert result.total == 3
    sunday = result.by_weekday_hour[6]
    assert sunday[1] == 2
    assert sunday[0] == 1
    assert result.peaks == [figures.Cell(6, 1, 2)]
    assert result.night_time_economy == 3


def test_weekday_hour_grid_is_monday_first_in_local_time_with_the_night_time_window(incident_factory: Any) -> None:
    incident_factory(local(2019, 7, 1, 0, 5))  # Monday 00:05 BST (Sunday 23:05 UTC)
    incident_factory(local(2019, 7, 5, 5, 59))  # Friday 05:59: in the window
    incident_factory(local(2019, 7, 6, 2))  # Saturday 02:00: in the window
    incident_factory(local(2019, 7, 6, 2, 30))  # Saturday 02:30: in the window
    incident_factory(local(2019, 7, 6, 6))  # Saturday 06:00: outside it
    incident_factory(local(2019, 7, 4, 23))  # Thursday 23:00: outside it
    result = figures.assaults(Period(date(2019, 7, 1), date(2019, 7, 7)))
    grid = result.by_weekday_hour
    assert len(grid) == 7 and all(len(row) == 24 for row in grid)
    assert grid[0][0] == 1
    assert grid[4][5] == 1
    assert grid[5][2] == 2
    assert grid[5][6] == 1
    assert grid[3][23] == 1
    assert result.night_time_economy == 3
    assert result.peaks == [figures.Cell(5, 2, 2)]


def test_an_area_counts_only_its_own_incidents(incident_factory: Any, areas: dict[str, Any]) -> None:
    for day in (1, 2, 3):
        incident_factory(local(2019, 5, day), area="Herefordshire")
    incident_factory(local(2019, 5, 4), area="Shropshire")
    result = figures.assaults(Period(date(2019, 5, 1), date(2019, 5, 31)), areas["Herefordshire"])
    assert result.total == 3
    assert result.area == "Herefordshire"
    # Workforce figures are force-wide, so no ratio for one area.
    assert result.officers_per_assault is None


def test_a_period_spanning_two_workforce_periods_uses_the_day_weighted_average(
    incident_factory: Any, workforce_factory: Any
) -> None:
    workforce_factory(date(2018, 4, 1), date(2018, 6, 30), officers=1900, staff=1400)
    workforce_factory(date(2018, 7, 1), date(2018, 9, 30), officers=2100, staff=1600)
    for day in range(1, 11):
        incident_factory(local(2018, 7, day))
    # 15 days of June at 1,900 and 15 days of July at 2,100.
    result = figures.assaults(Period(date(2018, 6, 16), date(2018, 7, 15)))
    assert result.workforce.officers == 2000
    assert result.workforce.staff == 1500
    assert result.workforce.days_covered == 30
    assert result.officers_per_assault == 200


def test_days_without_workforce_figures_are_left_out_of_the_average(workforce_factory: Any) -> None:
    workforce_factory(date(2018, 7, 1), date(2018, 7, 10), officers=2000)
    result = figures.workforce(Period(date(2018, 6, 1), date(2018, 7, 31)))
    assert result.days_covered == 10
    assert result.officers == 2000
    assert figures.workforce(Period(date(2017, 1, 1), date(2017, 1, 31))).officers is None


def test_change_against_previous_period_and_a_year_earlier(incident_factory: Any) -> None:
    for day in (1, 2, 3, 4):
        incident_factory(local(2019, 4, day))  # previous quarter
    for day in (1, 2):
        incident_factory(local(2018, 7, day))  # a year earlier
    for day in (1, 2, 3, 4, 5, 6):
        incident_factory(local(2019, 7, day))
    result = figures.assaults(Period(date(2019, 7, 1), date(2019, 9, 30)))
    assert result.previous_period.start == date(2019, 4, 1)  # the quarter before: April to June
    assert result.previous_period.end == date(2019, 6, 30)
    assert (result.previous_period.previous, result.previous_period.difference) == (4, 2)
    assert result.previous_period.percent == 50
    assert (result.year_earlier.start, result.year_earlier.end) == (date(2018, 7, 1), date(2018, 9, 30))
    assert result.year_earlier.percent == 200


def test_monthly_trend_covers_twelve_local_months(incident_factory: Any) -> None:
    incident_factory(local(2019, 9, 30, 23, 30), injury=True)  # 22:30 UTC: still September locally
    incident_factory(local(2018, 10, 1, 0, 30))  # 23:30 UTC on 30 September: October locally
    incident_factory(local(2018, 9, 30, 12))  # before the twelve months
    trend = figures.assault_trend(Period(date(2019, 7, 1), date(2019, 9, 30)))
    assert [m.month for m in trend][0] == date(2018, 10, 1)
    assert trend[-1].month == date(2019, 9, 1)
    assert len(trend) == 12
    assert (trend[0].total, trend[-1].total, trend[-1].with_injury) == (1, 1, 1)
    assert [m.in_period for m in trend] == [False] * 9 + [True] * 3


def test_the_campaigns_published_figures(campaign_figures: dict[str, Any]) -> None:
    whole = figures.assaults(Period(date(2015, 4, 1), date(2018, 9, 30)))
    assert (whole.total, whole.with_injury) == (2219, 680)
    quarter = figures.assaults(Period(date(2018, 7, 1), date(2018, 9, 30)))
    assert (quarter.total, quarter.with_injury) == (152, 46)
    assert quarter.per_day == 152 / 92
    assert quarter.officers_per_assault == 2000 / 152
    assert round(quarter.officers_per_assault) == 13  # "1 assault for every 13 officers"


def test_board_figures_as_json_keep_numbers_unrounded(campaign_figures: dict[str, Any]) -> None:
    data = figures.board(Period(date(2018, 7, 1), date(2018, 9, 30))).as_dict()
    assert data["period"] == {"start": "2018-07-01", "end": "2018-09-30", "days": 92}
    assert data["area"] is None
    assaults = data["assaults"]
    assert assaults["per_day"] == 152 / 92
    assert assaults["officers_per_assault"] == 2000 / 152
    assert set(assaults) >= {"total", "with_injury", "by_victim_role", "charged", "by_weekday_hour"}
    assert sum(map(sum, assaults["by_weekday_hour"])) == 152


def _add_incidents(incident_factory: Any, count: int) -> None:
    for n in range(count):
        incident_factory(local(2019, 1 + n % 12, 1 + n % 28, n % 24), victim_role="pcso" if n % 3 else "police_staff")


@pytest.mark.parametrize("count", [3, 30])
def test_board_figures_take_the_same_queries_at_any_size(
    incident_factory: Any, workforce_factory: Any, areas: dict[str, Any], django_assert_num_queries: Any, count: int
) -> None:
    workforce_factory(date(2019, 1, 1), date(2019, 6, 30))
    workforce_factory(date(2019, 7, 1), date(2019, 12, 31))
    _add_incidents(incident_factory, count)
    # 1 headline and comparison counts, 2 weekday × hour grid, 3 workforce periods, 4 monthly trend
    figures.board(Period(date(2019, 1, 1), date(2019, 12, 31)))  # caches content types
    # 4 for the assault figures, then the strands' sections
    with django_assert_num_queries(4 + STRAND_QUERIES):
        figures.board(Period(date(2019, 1, 1), date(2019, 12, 31)))
    with django_assert_num_queries(4 + STRAND_QUERIES):
        figures.board(Period(date(2019, 1, 1), date(2019, 12, 31)), areas["Shropshire"])


def test_an_area_with_counts_under_5_is_shown_suppressed(incident_factory: Any, areas: dict[str, Any]) -> None:
    from tracker.reports.display import assault_display

    incident_factory(local(2019, 5, 4, 1), area="Herefordshire", victim_role="pcso", injury=True)
    incident_factory(local(2019, 5, 4, 1, 30), area="Herefordshire")
    incident_factory(local(2019, 5, 6, 14), area="Herefordshire")
    shown = assault_display(figures.assaults(Period(date(2019, 5, 1), date(2019, 5, 31)), areas["Herefordshire"]))
    headline = {h.label: h.text for h in shown["headlines"]}
    assert headline["Assaults"] == "[c]"
    assert headline["With injury"] == "[c]"
    assert headline["A day"] == "Not shown"
    assert headline["Officers for each assault"] == "Not available"
    assert {label: s.text for label, s in shown["roles"]}["Police community support officer"] == "[c]"
    assert shown["roles_total"].text == "[c]"
    cells = [cell["text"] for row in shown["grid"] for cell in row["cells"]]
    assert "2" not in cells and "1" not in cells
    assert shown["peaks"] == []
    assert all("Not shown" in c["text"] for c in shown["comparisons"])


def test_force_wide_headlines_are_not_suppressed(incident_factory: Any) -> None:
    from tracker.reports.display import assault_display

    incident_factory(local(2019, 5, 4, 1))
    shown = assault_display(figures.assaults(Period(date(2019, 5, 1), date(2019, 5, 31))))
    headline = {h.label: h.text for h in shown["headlines"]}
    assert headline["Assaults"] == "1"
    assert shown["roles_total"].text == "1"
    assert {label: s.text for label, s in shown["roles"]}["Police officer"] == "[c]"
