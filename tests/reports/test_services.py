"""Incident and workforce services: all-or-nothing bulk writes with history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.db import IntegrityError

from tests.reports.conftest import LONDON, local
from tracker.assaults.imports import upsert_incidents, upsert_workforce_periods
from tracker.assaults.models import AssaultIncident, WorkforcePeriod
from tracker.assaults.services import (
    FiguresDataError,
    create_incident,
    create_workforce_period,
    update_incident,
    update_workforce_period,
)
from tracker.core.versioning import EditConflict

pytestmark = pytest.mark.django_db


def row(reference: str, **fields: Any) -> dict[str, Any]:
    return {
        "reference": reference,
        "occurred_at": local(2019, 3, 1, 22),
        "area": "Shropshire",
        "victim_role": "police_officer",
        "injury": False,
        "outcome": "charged",
        **fields,
    }


def test_upsert_creates_and_updates_by_reference_with_history(admin_user: Any, areas: dict[str, Any]) -> None:
    result = upsert_incidents([row("A1"), row("A2")], by=admin_user)
    assert (result.new, result.updated) == (2, 0)
    result = upsert_incidents([row("A1", injury=True), row("A2"), row("A3")], by=admin_user)
    assert (result.new, result.updated, result.unchanged) == (1, 1, 1)
    a1 = AssaultIncident.objects.get(reference="A1")
    assert a1.injury is True
    assert a1.version == 2
    assert [h.history_type for h in a1.history.order_by("history_id")] == ["+", "~"]
    assert {h.history_user for h in a1.history.all()} == {admin_user}


def test_one_bad_row_writes_nothing_and_names_every_problem(admin_user: Any, areas: dict[str, Any]) -> None:
    rows = [
        row("B1"),
        row("B2", area="Atlantis"),
        row("B3", victim_role="dog"),
        row("B1"),
        row("B5", injury="maybe"),
        {"reference": "B6"},
    ]
    with pytest.raises(FiguresDataError) as caught:
        upsert_incidents(rows, by=admin_user)
    # Numbered as in a spreadsheet: the header is row 1, so the first row is row 2.
    problems = {(e.row, e.column) for e in caught.value.errors}
    assert {(3, "area"), (4, "victim_role"), (5, "reference"), (6, "injury"), (7, "occurred_at")} <= problems
    assert not AssaultIncident.objects.exists()


def test_naive_times_are_local_time(admin_user: Any, areas: dict[str, Any]) -> None:
    upsert_incidents([row("C1", occurred_at=datetime(2019, 7, 1, 0, 30))], by=admin_user)  # noqa: DTZ001
    stored = AssaultIncident.objects.get()
    assert stored.occurred_at == datetime(2019, 7, 1, 0, 30, tzinfo=LONDON)


def test_single_incident_services_and_stale_edit(admin_user: Any, officer: Any, areas: dict[str, Any]) -> None:
    incident = create_incident(by=admin_user, **row("D1"))
    with pytest.raises(FiguresDataError):
        create_incident(by=admin_user, **row("D1"))
    update_incident(incident, by=officer, expected_version=1, outcome="caution")
    stale = AssaultIncident.objects.get(pk=incident.pk)
    stale.version = 1
    with pytest.raises(EditConflict):
        update_incident(stale, by=admin_user, expected_version=1, outcome="other")
    assert AssaultIncident.objects.get(pk=incident.pk).outcome == "caution"


def test_workforce_periods_may_not_overlap(admin_user: Any) -> None:
    create_workforce_period(
        period_start=date(2018, 7, 1), period_end=date(2018, 9, 30), officers=2000, staff=1500, by=admin_user
    )
    with pytest.raises(FiguresDataError, match="overlap"):
        create_workforce_period(
            period_start=date(2018, 9, 30), period_end=date(2018, 12, 31), officers=1, staff=1, by=admin_user
        )
    with pytest.raises(FiguresDataError):
        upsert_workforce_periods(
            [
                {"period_start": date(2019, 1, 1), "period_end": date(2019, 3, 31), "officers": 2, "staff": 2},
                {"period_start": date(2019, 3, 1), "period_end": date(2019, 6, 30), "officers": 2, "staff": 2},
            ],
            by=admin_user,
        )
    assert WorkforcePeriod.objects.count() == 1


def test_workforce_values_are_checked(admin_user: Any) -> None:
    with pytest.raises(FiguresDataError) as caught:
        upsert_workforce_periods(
            [{"period_start": date(2019, 3, 1), "period_end": date(2019, 1, 1), "officers": 0, "staff": "x"}],
            by=admin_user,
        )
    assert {e.column for e in caught.value.errors} == {"period_end", "officers", "staff"}
    with pytest.raises(FiguresDataError, match="end"):
        create_workforce_period(
            period_start=date(2019, 3, 1), period_end=date(2019, 1, 1), officers=1, staff=1, by=admin_user
        )


def test_upserting_workforce_updates_exact_matches(admin_user: Any) -> None:
    rows = [{"period_start": date(2019, 1, 1), "period_end": date(2019, 3, 31), "officers": 2000, "staff": 1500}]
    upsert_workforce_periods(rows, by=admin_user)
    rows[0]["officers"] = 2050
    result = upsert_workforce_periods(rows, by=admin_user)
    assert (result.new, result.updated) == (0, 1)
    period = WorkforcePeriod.objects.get()
    assert period.officers == 2050
    update_workforce_period(period, by=admin_user, expected_version=period.version, staff=1490)
    assert period.history.count() == 3


def test_the_database_refuses_a_period_ending_before_it_starts() -> None:
    with pytest.raises(IntegrityError):
        WorkforcePeriod.objects.create(period_start=date(2019, 2, 1), period_end=date(2019, 1, 1), officers=1, staff=1)


def test_reimporting_the_same_rows_changes_nothing_even_on_clock_change_days(
    admin_user: Any, areas: dict[str, Any]
) -> None:
    rows = [
        row("E1", occurred_at=local(2026, 10, 25, 1, 30, fold=1)),  # the repeated hour, second time
        row("E2", occurred_at=datetime(2026, 3, 29, 1, 30)),  # noqa: DTZ001  # in the spring gap
        row("E3", occurred_at=local(2026, 10, 25, 1, 30, fold=0)),
    ]
    upsert_incidents(rows, by=admin_user)
    again = upsert_incidents(rows, by=admin_user)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
    first, second = (AssaultIncident.objects.get(reference=r).occurred_at for r in ("E3", "E1"))
    assert (second - first).total_seconds() == 3600
