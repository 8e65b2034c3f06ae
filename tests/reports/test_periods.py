from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tracker.reports.periods import Period, last_12_months, last_quarter, this_quarter


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


def test_comparison_periods() -> None:
    quarter = Period(date(2018, 7, 1), date(2018, 9, 30))
    assert quarter.previous() == Period(date(2018, 3, 31), date(2018, 6, 30))
    assert quarter.year_earlier() == Period(date(2017, 7, 1), date(2017, 9, 30))
    assert Period(date(2024, 2, 1), date(2024, 2, 29)).year_earlier() == Period(date(2023, 2, 1), date(2023, 2, 28))


def test_presets() -> None:
    on = date(2026, 11, 25)
    assert last_quarter(on) == Period(date(2026, 7, 1), date(2026, 9, 30))
    assert this_quarter(on) == Period(date(2026, 10, 1), date(2026, 11, 25))
    assert last_12_months(on) == Period(date(2025, 11, 1), date(2026, 10, 31))
    assert last_12_months(date(2027, 1, 5)) == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert last_quarter(date(2027, 2, 1)) == Period(date(2026, 10, 1), date(2026, 12, 31))


def test_end_before_start_is_refused() -> None:
    with pytest.raises(ValueError, match="end date"):
        Period(date(2020, 1, 2), date(2020, 1, 1))
