"""The cell vocabulary's choices and date rule, which every import kind reads with."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.db.models import TextChoices
from django.utils import timezone

from tracker.core import validation
from tracker.core.imports import cells


class Kind(TextChoices):
    PUB = "pub", "Pub"
    LATE = "late_night_takeaway", "Late-night takeaway"
    # A label that is another option's stored value: the earlier option wins.
    ODD = "odd", "late_night_takeaway"


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("pub", "pub"),
        ("PUB", "pub"),
        ("Late-night takeaway", "late_night_takeaway"),
        ("LATE-NIGHT TAKEAWAY", "late_night_takeaway"),
        ("late_night_takeaway", "late_night_takeaway"),
        ("Odd", "odd"),
    ],
)
def test_a_choice_is_read_by_its_label_or_stored_value_in_any_case(cell: str, stored: str) -> None:
    assert cells.choice(cell, Kind, what="a kind of venue") == stored


def test_an_unknown_choice_names_the_choices() -> None:
    with pytest.raises(cells.CellError) as refused:
        cells.choice("Cafe", Kind, what="a kind of venue")
    assert refused.value.message == (
        "“Cafe” is not a kind of venue. Use one of: Pub, Late-night takeaway, late_night_takeaway."
    )


def test_the_date_rule_takes_today_in_uk_local_time() -> None:
    # 23:30 UTC on 31 May is 00:30 on 1 June in London (summer time): an incident at
    # 00:15 on 1 June happened today, and one at 00:45 on 2 June has not happened yet.
    with time_machine.travel(datetime(2026, 5, 31, 23, 30, tzinfo=UTC), tick=False):
        assert cells.a_date_time("2026-06-01 00:15", validation.INCIDENT_DATE) == datetime(
            2026, 5, 31, 23, 15, tzinfo=UTC
        )
        with pytest.raises(cells.CellError, match="must be today or in the past"):
            cells.a_date_time("2026-06-02 00:45", validation.INCIDENT_DATE)


def test_the_date_rule_follows_the_active_time_zone() -> None:
    # The rule's day is the current time zone's, as before: at 23:30 UTC on 31 May,
    # in UTC it is still 31 May, so 00:15 on 1 June in UTC is in the future.
    with time_machine.travel(datetime(2026, 5, 31, 23, 30, tzinfo=UTC), tick=False), timezone.override(UTC):
        with pytest.raises(cells.CellError, match="must be today or in the past"):
            cells.a_date_time("2026-06-01 00:15+00:00", validation.INCIDENT_DATE)
        validation.INCIDENT_DATE(datetime(2026, 5, 31, 23, 0, tzinfo=UTC))
