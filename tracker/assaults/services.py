"""Every change to assault incidents and workforce figures.

The single-record services are for the admin and the tests; files are imported
through the "incidents" and "workforce" import kinds (imports.py), which check
their rows with the same rules (`clean_incident`, `clean_workforce`) and write in
bulk with history.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.db import transaction

from tracker.assaults.models import AssaultIncident, IncidentOutcome, VictimRole, WorkforcePeriod
from tracker.core import validation
from tracker.core.errors import DomainError
from tracker.core.history import set_history_user
from tracker.core.imports import cells
from tracker.core.imports.reading import RowError
from tracker.core.models import Area, User
from tracker.core.versioning import save_changes

INCIDENT_FIELDS = ("reference", "occurred_at", "area", "victim_role", "injury", "outcome")
WORKFORCE_FIELDS = ("period_start", "period_end", "officers", "staff")
Problem = tuple[str, str]  # (column, message)


class FiguresDataError(DomainError):
    """Incident or workforce data that cannot be stored; nothing was written."""

    status_code = 400

    def __init__(self, errors: list[RowError] | str):
        self.errors = [RowError(None, "", errors)] if isinstance(errors, str) else errors
        super().__init__("; ".join(str(e) for e in self.errors[:20]))


def _area(value: Any, areas: cells.Names[Area]) -> Area:
    return value if isinstance(value, Area) else areas(value)


def _clean(
    data: Mapping[str, Any], cleaners: Mapping[str, Callable[[Any], Any]]
) -> tuple[dict[str, Any], list[Problem]]:
    values: dict[str, Any] = {}
    errors: list[Problem] = []
    for name, clean in cleaners.items():
        value = data.get(name)
        if cells.blank(value):
            errors.append((name, "This cell is empty."))
            continue
        try:
            values[name] = clean(value)
        except cells.CellError as error:
            errors.append((name, error.message))
    return values, errors


def clean_incident(data: Mapping[str, Any], areas: cells.Names[Area]) -> tuple[dict[str, Any], list[Problem]]:
    """One incident's values, cleaned with the import cell vocabulary (the
    services and the import kind alike); returns the values and (column, message)
    problems. A datetime and an Area are taken as they are."""
    return _clean(
        data,
        {
            "reference": lambda v: cells.required_text(v, max_length=50),
            "occurred_at": lambda v: cells.a_date_time(v, validation.INCIDENT_DATE),
            "area": lambda v: _area(v, areas),
            "victim_role": lambda v: cells.choice(v, VictimRole, what="a victim role"),
            "injury": cells.yes_no,
            "outcome": lambda v: cells.choice(v, IncidentOutcome, what="an outcome"),
        },
    )


def areas_by_name() -> cells.Names[Area]:
    return cells.Names(Area.objects.all(), what="area")


def _one(errors: list[Problem]) -> FiguresDataError:
    return FiguresDataError([RowError(None, column, message) for column, message in errors])


@transaction.atomic
def create_incident(*, by: User, **data: Any) -> AssaultIncident:
    """Record one assault incident."""
    values, errors = clean_incident(data, areas_by_name())
    if not errors and AssaultIncident.objects.filter(reference=values["reference"]).exists():
        errors.append(("reference", "An incident with this reference already exists."))
    if errors:
        raise _one(errors)
    incident = AssaultIncident(**values)
    set_history_user(incident, by)
    incident.save()
    return incident


@transaction.atomic
def update_incident(incident: AssaultIncident, *, by: User, expected_version: int, **changes: Any) -> AssaultIncident:
    """Change an incident, refused with EditConflict if someone saved it since
    `expected_version`."""
    merged = {name: getattr(incident, name) for name in INCIDENT_FIELDS} | changes
    values, errors = clean_incident(merged, areas_by_name())
    if not errors and AssaultIncident.objects.filter(reference=values["reference"]).exclude(pk=incident.pk).exists():
        errors.append(("reference", "An incident with this reference already exists."))
    if errors:
        raise _one(errors)
    return save_changes(incident, by=by, expected_version=expected_version, changes=values)


# Workforce figures -------------------------------------------------------------------


def clean_workforce(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """One workforce period's values, cleaned with the import cell vocabulary."""

    values, errors = _clean(
        data,
        {
            "period_start": cells.a_date,
            "period_end": cells.a_date,
            "officers": lambda v: cells.whole_number(v, validation.OFFICERS),
            "staff": lambda v: cells.whole_number(v, validation.STAFF),
        },
    )
    if "period_start" in values and "period_end" in values and values["period_end"] < values["period_start"]:
        errors.append(("period_end", "The end must be the same as or after the start."))
    return values, errors


@transaction.atomic
def create_workforce_period(*, by: User, **data: Any) -> WorkforcePeriod:
    """Record the headcount for a span of days that overlaps no other."""
    values, errors = clean_workforce(data)
    if errors:
        raise _one(errors)
    clash = overlapping(values["period_start"], values["period_end"]).first()
    if clash is not None:
        raise FiguresDataError(f"These dates overlap the workforce period {clash}.")
    period = WorkforcePeriod(**values)
    set_history_user(period, by)
    period.save()
    return period


@transaction.atomic
def update_workforce_period(
    period: WorkforcePeriod, *, by: User, expected_version: int, **changes: Any
) -> WorkforcePeriod:
    """Change a workforce period; it still may not overlap another."""
    merged = {name: getattr(period, name) for name in WORKFORCE_FIELDS} | changes
    values, errors = clean_workforce(merged)
    if errors:
        raise _one(errors)
    clash = overlapping(values["period_start"], values["period_end"]).exclude(pk=period.pk).first()
    if clash is not None:
        raise FiguresDataError(f"These dates overlap the workforce period {clash}.")
    return save_changes(period, by=by, expected_version=expected_version, changes=values)


def overlapping(start: date, end: date) -> Any:
    return WorkforcePeriod.objects.filter(period_start__lte=end, period_end__gte=start)
