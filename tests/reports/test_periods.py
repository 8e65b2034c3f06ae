from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tracker.reports.periods import Kind, Period, last_12_months, last_quarter, this_quarter


def test_a_period_counts_whole_local_days_inclusive() -> None:
    assert Period(date(2018, 7, 1), date(2018, 9, 30)).days == 92
    assert Period(date(2024, 2, 29), date(2024, 2, 29)).days == 1


def test_local_midnights_on_clock_change_days() -> None:
    spring = Period(date(2026, 3, 29), date(2026, 3, 29))
    assert spring.starts_at == datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    assert spring.ends_before == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)  # 23 hours
    autumn = Period(date(2026, 10, 25), date(2026, 10, 25))
    assert autumn.starts_at == datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    assert autumn.ends_before == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)  # 25 hours


@pytest.mark.parametrize(
    ("start", "end", "kind"),
    [
        (date(2018, 7, 1), date(2018, 7, 31), Kind.MONTH),
        (date(2024, 2, 1), date(2024, 2, 29), Kind.MONTH),
        (date(2018, 4, 1), date(2018, 6, 30), Kind.QUARTER),
        (date(2019, 1, 1), date(2019, 3, 31), Kind.QUARTER),
        (date(2018, 4, 1), date(2019, 3, 31), Kind.FINANCIAL_YEAR),
        (date(2018, 1, 1), date(2018, 12, 31), Kind.CUSTOM),  # a calendar year is not offered
        (date(2018, 5, 1), date(2018, 7, 31), Kind.CUSTOM),  # three months, not a quarter
        (date(2018, 7, 1), date(2018, 7, 30), Kind.CUSTOM),
        (date(2024, 2, 1), date(2024, 2, 28), Kind.CUSTOM),  # a leap year's February has 29 days
        (date(2018, 7, 2), date(2018, 9, 30), Kind.CUSTOM),
    ],
)
def test_the_kind_is_inferred_from_the_dates(start: date, end: date, kind: Kind) -> None:
    period = Period(start, end)
    assert period.kind == kind
    assert period.is_whole == (kind != Kind.CUSTOM)


def test_constructors_say_the_kind_and_equal_the_same_dates() -> None:
    assert Period.month(2018, 7) == Period(date(2018, 7, 1), date(2018, 7, 31))
    assert Period.quarter(2018, 3) == Period(date(2018, 7, 1), date(2018, 9, 30))
    assert Period.financial_year(2018) == Period(date(2018, 4, 1), date(2019, 3, 31))
    assert Period.fy_quarter(2018, 1) == Period(date(2018, 4, 1), date(2018, 6, 30))
    assert Period.fy_quarter(2018, 2) == Period(date(2018, 7, 1), date(2018, 9, 30))
    assert Period.fy_quarter(2018, 4) == Period(date(2019, 1, 1), date(2019, 3, 31))
    assert Period.fy_quarter(2018, 2).kind == Kind.FY_QUARTER
    assert Period.quarter(2018, 3).kind == Kind.QUARTER
    with pytest.raises(ValueError, match="not a whole month"):
        Period(date(2018, 7, 1), date(2018, 7, 30), Kind.MONTH)
    with pytest.raises(ValueError, match="quarter"):
        Period.quarter(2018, 5)


def test_labels_are_said_as_people_say_them() -> None:
    assert Period.month(2018, 7).label() == "July 2018"
    assert Period(date(2018, 4, 1), date(2018, 6, 30)).label() == "April to June 2018"
    assert Period.quarter(2018, 3).label() == "July to September 2018"
    assert Period.fy_quarter(2018, 2).label() == "July to September 2018"
    assert Period.fy_quarter(2018, 2).title() == "July to September 2018 (Q2 2018/19)"
    assert Period.fy_quarter(2019, 4).title() == "January to March 2020 (Q4 2019/20)"
    assert Period.financial_year(2018).label() == "April 2018 to March 2019"
    assert Period.financial_year(2018).title() == "April 2018 to March 2019 (2018/19 financial year)"
    assert Period.financial_year(1999).name == "1999/00 financial year"
    assert Period(date(2018, 7, 1), date(2018, 7, 9)).label() == "1 July 2018 to 9 July 2018"
    assert Period(date(2018, 7, 1), date(2018, 7, 9)).title() == "1 July 2018 to 9 July 2018"


@pytest.mark.parametrize(
    ("key", "period"),
    [
        ("2018-07", Period.month(2018, 7)),
        ("2018-Q3", Period.quarter(2018, 3)),
        ("FY2018", Period.financial_year(2018)),
        ("FY2018-Q2", Period.fy_quarter(2018, 2)),
        ("FY2018-Q4", Period(date(2019, 1, 1), date(2019, 3, 31))),
    ],
)
def test_keys_name_whole_periods_both_ways(key: str, period: Period) -> None:
    found = Period.from_key(key)
    assert found == period
    assert found is not None and found.key == key
    assert found.params() == {"period": key}
    assert found.query() == {"start": period.start.isoformat(), "end": period.end.isoformat()}


@pytest.mark.parametrize("key", ["2018-13", "2018-00", "2018-Q5", "FY2018-Q0", "0000-01", "FY9999", "2018", "x", ""])
def test_keys_that_name_no_period(key: str) -> None:
    assert Period.from_key(key) is None


def test_custom_dates_are_carried_as_dates() -> None:
    assert Period(date(2018, 7, 1), date(2018, 7, 9)).params() == {"start": "2018-07-01", "end": "2018-07-09"}
    assert Period(date(2018, 7, 1), date(2018, 7, 9)).key is None


def test_a_month_is_compared_with_the_month_before_and_a_year_earlier() -> None:
    july = Period.month(2018, 7)
    assert july.previous() == Period.month(2018, 6)
    assert july.previous().kind == Kind.MONTH
    assert july.year_earlier() == Period.month(2017, 7)
    assert Period.month(2018, 1).previous() == Period.month(2017, 12)
    assert Period.month(2024, 3).previous() == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert Period.month(2023, 3).previous() == Period(date(2023, 2, 1), date(2023, 2, 28))
    # February a year after a leap year: the whole of the earlier February
    assert Period.month(2025, 2).year_earlier() == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert Period.month(2024, 2).year_earlier() == Period(date(2023, 2, 1), date(2023, 2, 28))


def test_a_quarter_is_compared_with_the_quarter_before_and_a_year_earlier() -> None:
    quarter = Period(date(2018, 7, 1), date(2018, 9, 30))
    assert quarter.previous() == Period(date(2018, 4, 1), date(2018, 6, 30))
    assert quarter.previous().label() == "April to June 2018"
    assert quarter.year_earlier() == Period(date(2017, 7, 1), date(2017, 9, 30))
    assert Period.quarter(2019, 1).previous() == Period.quarter(2018, 4)
    # Q1 of a financial year goes back to Q4 of the one before, keeping its kind
    q1 = Period.fy_quarter(2018, 1)
    assert q1.previous() == Period.fy_quarter(2017, 4) == Period(date(2018, 1, 1), date(2018, 3, 31))
    assert q1.previous().title() == "January to March 2018 (Q4 2017/18)"
    assert q1.year_earlier().title() == "April to June 2017 (Q1 2017/18)"


def test_a_financial_year_is_compared_with_the_one_before() -> None:
    year = Period.financial_year(2018)
    assert year.previous() == Period(date(2017, 4, 1), date(2018, 3, 31))
    assert year.year_earlier() == year.previous()
    assert year.previous().kind == Kind.FINANCIAL_YEAR
    # The year ending in a leap February ends on 31 March all the same
    assert Period.financial_year(2024).year_earlier() == Period(date(2023, 4, 1), date(2024, 3, 31))


def test_custom_dates_keep_the_days_just_before_and_a_year_earlier() -> None:
    week = Period(date(2018, 7, 2), date(2018, 7, 8))
    assert week.previous() == Period(date(2018, 6, 25), date(2018, 7, 1))
    assert week.year_earlier() == Period(date(2017, 7, 2), date(2017, 7, 8))
    leap_day = Period(date(2024, 2, 29), date(2024, 2, 29))
    assert leap_day.year_earlier() == Period(date(2023, 2, 28), date(2023, 2, 28))
    assert leap_day.previous() == Period(date(2024, 2, 28), date(2024, 2, 28))


def test_presets() -> None:
    on = date(2026, 11, 25)
    assert last_quarter(on) == Period(date(2026, 7, 1), date(2026, 9, 30))
    assert last_quarter(on).key == "2026-Q3"
    assert this_quarter(on) == Period(date(2026, 10, 1), date(2026, 11, 25))
    assert last_12_months(on) == Period(date(2025, 11, 1), date(2026, 10, 31))
    assert last_12_months(date(2027, 1, 5)) == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert last_quarter(date(2027, 2, 1)) == Period(date(2026, 10, 1), date(2026, 12, 31))


def test_end_before_start_is_refused() -> None:
    with pytest.raises(ValueError, match="end date"):
        Period(date(2020, 1, 2), date(2020, 1, 1))
