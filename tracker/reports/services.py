"""Every change to assault incidents and workforce figures.

Single-record services are for the admin and the tests; the `upsert_*` services are
the bulk path the importer uses: they validate every row first and write nothing if
any row is bad, then write in a handful of queries with history in bulk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tracker.core.models import Area, User
from tracker.core.roles import Role
from tracker.core.versioning import save_changes
from tracker.reports.models import AssaultIncident, IncidentOutcome, IssuedReport, VictimRole, WorkforcePeriod
from tracker.reports.pdf import filename as pdf_filename
from tracker.reports.pdf import render_board_pdf
from tracker.reports.periods import Period, local_zone

INCIDENT_FIELDS = ("reference", "occurred_at", "area", "victim_role", "injury", "outcome")
WORKFORCE_FIELDS = ("period_start", "period_end", "officers", "staff")
BATCH = 500


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based, as a person counts the rows of a file
    field: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.field}: {self.message}"


class FiguresDataError(Exception):
    """Incident or workforce data that cannot be stored; nothing was written."""

    def __init__(self, errors: list[RowError] | str):
        self.errors = [RowError(1, "", errors)] if isinstance(errors, str) else errors
        super().__init__("; ".join(str(e) for e in self.errors[:20]))


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def _aware(value: Any) -> datetime:
    """Naive times are local (the force's systems record local time); of an
    ambiguous autumn hour the first occurrence is taken."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise ValidationError("Enter a date and time.")
    if timezone.is_naive(value):
        value = value.replace(tzinfo=local_zone())
    # In UTC, so that comparing with the stored value is exact: Python never finds
    # a time in the autumn's repeated hour equal to one in another zone.
    return value.astimezone(UTC)


def _to_date(value: Any) -> date:
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError("Enter a date.")
    return value


def _area(value: Any, areas: Mapping[str, Area]) -> Area:
    if isinstance(value, Area):
        return value
    area = areas.get(str(value).strip().casefold())
    if area is None:
        raise ValidationError(f"There is no area called “{value}”.")
    return area


def _build_incident(data: Mapping[str, Any], areas: Mapping[str, Area]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Clean one incident's values; returns the values and (field, message) errors."""
    values: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for name in INCIDENT_FIELDS:
        if name not in data:
            errors.append((name, "This field is missing."))
    if errors:
        return values, errors
    cleaners = {
        "reference": lambda v: str(v).strip(),
        "occurred_at": _aware,
        "area": lambda v: _area(v, areas),
        "victim_role": lambda v: str(v),
        "injury": lambda v: v,
        "outcome": lambda v: str(v),
    }
    for name, clean in cleaners.items():
        try:
            values[name] = clean(data[name])
        except (ValidationError, ValueError, TypeError) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else "This value is not valid."
            errors.append((name, message))
    if "reference" in values and not values["reference"]:
        errors.append(("reference", "Enter a reference."))
    elif len(values.get("reference", "")) > 50:
        errors.append(("reference", "A reference has at most 50 characters."))
    if "victim_role" in values and values["victim_role"] not in VictimRole.values:
        errors.append(("victim_role", f"“{values['victim_role']}” is not a victim role."))
    if "outcome" in values and values["outcome"] not in IncidentOutcome.values:
        errors.append(("outcome", f"“{values['outcome']}” is not an outcome."))
    if "injury" in values and not isinstance(values["injury"], bool):
        errors.append(("injury", "Say whether there was an injury (true or false)."))
    return values, errors


def _areas_by_name() -> dict[str, Area]:
    return {area.name.casefold(): area for area in Area.objects.all()}


@transaction.atomic
def create_incident(*, by: User, **data: Any) -> AssaultIncident:
    """Record one assault incident."""
    values, errors = _build_incident(data, _areas_by_name())
    if not errors and AssaultIncident.objects.filter(reference=values["reference"]).exists():
        errors.append(("reference", "An incident with this reference already exists."))
    if errors:
        raise FiguresDataError([RowError(1, f, m) for f, m in errors])
    incident = AssaultIncident(**values)
    incident._history_user = by  # type: ignore[attr-defined]
    incident.save()
    return incident


@transaction.atomic
def update_incident(incident: AssaultIncident, *, by: User, expected_version: int, **changes: Any) -> AssaultIncident:
    """Change an incident, refused with EditConflict if someone saved it since
    `expected_version`."""
    merged = {name: getattr(incident, name) for name in INCIDENT_FIELDS} | changes
    values, errors = _build_incident(merged, _areas_by_name())
    if not errors and AssaultIncident.objects.filter(reference=values["reference"]).exclude(pk=incident.pk).exists():
        errors.append(("reference", "An incident with this reference already exists."))
    if errors:
        raise FiguresDataError([RowError(1, f, m) for f, m in errors])
    return save_changes(incident, by=by, expected_version=expected_version, changes=values)


def _existing_by_reference(references: list[str]) -> dict[str, AssaultIncident]:
    found: dict[str, AssaultIncident] = {}
    for offset in range(0, len(references), BATCH):
        chunk = references[offset : offset + BATCH]
        found.update({i.reference: i for i in AssaultIncident.objects.filter(reference__in=chunk)})
    return found


@transaction.atomic
def upsert_incidents(rows: Iterable[Mapping[str, Any]], *, by: User) -> UpsertResult:
    """Create or update incidents by reference, all or nothing.

    Every row is checked before anything is written; if any row is bad a
    FiguresDataError lists every problem (row numbers from 1) and the database is
    untouched. Otherwise new incidents are inserted and changed ones updated in
    batches, with one history row each, attributed to `by`."""
    areas = _areas_by_name()
    cleaned: list[dict[str, Any]] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, data in enumerate(rows, start=1):
        values, row_errors = _build_incident(data, areas)
        errors.extend(RowError(number, f, m) for f, m in row_errors)
        reference = values.get("reference")
        if reference:
            if reference in seen:
                errors.append(RowError(number, "reference", f"Repeats the reference of row {seen[reference]}."))
            seen[reference] = number
        cleaned.append(values)
    if errors:
        raise FiguresDataError(errors)

    existing = _existing_by_reference([values["reference"] for values in cleaned])
    result = UpsertResult()
    new: list[AssaultIncident] = []
    changed: list[AssaultIncident] = []
    for values in cleaned:
        incident = existing.get(values["reference"])
        if incident is None:
            new.append(AssaultIncident(**values))
            continue
        if all(getattr(incident, name) == value for name, value in values.items()):
            result.unchanged += 1
            continue
        for name, value in values.items():
            setattr(incident, name, value)
        incident.version += 1
        changed.append(incident)
    if new:
        bulk_create_with_history(new, AssaultIncident, batch_size=BATCH, default_user=by)
    if changed:
        bulk_update_with_history(
            changed, AssaultIncident, [*INCIDENT_FIELDS[1:], "version"], batch_size=BATCH, default_user=by
        )
    result.created, result.updated = len(new), len(changed)
    return result


# Workforce figures -------------------------------------------------------------------


def _clean_workforce(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    values: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for name in ("period_start", "period_end"):
        try:
            values[name] = _to_date(data.get(name))
        except (ValidationError, ValueError, TypeError):
            errors.append((name, "Enter a date."))
    for name in ("officers", "staff"):
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors.append((name, "Enter a whole number greater than 0."))
        else:
            values[name] = value
    if not errors and values["period_end"] < values["period_start"]:
        errors.append(("period_end", "The end must be the same as or after the start."))
    return values, errors


def _overlaps(periods: list[tuple[date, date, str]]) -> list[str]:
    ordered = sorted(periods)
    return [f"{a[2]} overlaps {b[2]}" for a, b in zip(ordered, ordered[1:], strict=False) if b[0] <= a[1]]


@transaction.atomic
def create_workforce_period(*, by: User, **data: Any) -> WorkforcePeriod:
    """Record the headcount for a span of days that overlaps no other."""
    values, errors = _clean_workforce(data)
    if errors:
        raise FiguresDataError([RowError(1, f, m) for f, m in errors])
    clash = WorkforcePeriod.objects.filter(
        period_start__lte=values["period_end"], period_end__gte=values["period_start"]
    ).first()
    if clash is not None:
        raise FiguresDataError(f"These dates overlap the workforce period {clash}.")
    period = WorkforcePeriod(**values)
    period._history_user = by  # type: ignore[attr-defined]
    period.save()
    return period


@transaction.atomic
def update_workforce_period(
    period: WorkforcePeriod, *, by: User, expected_version: int, **changes: Any
) -> WorkforcePeriod:
    """Change a workforce period; it still may not overlap another."""
    merged = {name: getattr(period, name) for name in WORKFORCE_FIELDS} | changes
    values, errors = _clean_workforce(merged)
    if errors:
        raise FiguresDataError([RowError(1, f, m) for f, m in errors])
    clash = (
        WorkforcePeriod.objects.filter(period_start__lte=values["period_end"], period_end__gte=values["period_start"])
        .exclude(pk=period.pk)
        .first()
    )
    if clash is not None:
        raise FiguresDataError(f"These dates overlap the workforce period {clash}.")
    return save_changes(period, by=by, expected_version=expected_version, changes=values)


@transaction.atomic
def upsert_workforce_periods(rows: Iterable[Mapping[str, Any]], *, by: User) -> UpsertResult:
    """Create or update workforce periods, all or nothing. A row whose dates match a
    stored period exactly updates its numbers; any other row is a new period. The
    resulting set of periods must not overlap."""
    cleaned: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for number, data in enumerate(rows, start=1):
        values, row_errors = _clean_workforce(data)
        errors.extend(RowError(number, f, m) for f, m in row_errors)
        cleaned.append(values)
    if errors:
        raise FiguresDataError(errors)
    stored = {(p.period_start, p.period_end): p for p in WorkforcePeriod.objects.all()}
    spans = {key: str(p) for key, p in stored.items()}
    for number, values in enumerate(cleaned, start=1):
        key = (values["period_start"], values["period_end"])
        if key in spans and key not in stored:
            errors.append(RowError(number, "period_start", "Repeats an earlier row's dates."))
        spans.setdefault(key, f"row {number}")
    clashes = _overlaps([(start, end, label) for (start, end), label in spans.items()])
    errors.extend(RowError(0, "period", message) for message in clashes)
    if errors:
        raise FiguresDataError(errors)

    result = UpsertResult()
    new: list[WorkforcePeriod] = []
    changed: list[WorkforcePeriod] = []
    for values in cleaned:
        period = stored.get((values["period_start"], values["period_end"]))
        if period is None:
            new.append(WorkforcePeriod(**values))
        elif (period.officers, period.staff) == (values["officers"], values["staff"]):
            result.unchanged += 1
        else:
            period.officers, period.staff = values["officers"], values["staff"]
            period.version += 1
            changed.append(period)
    if new:
        bulk_create_with_history(new, WorkforcePeriod, default_user=by)
    if changed:
        bulk_update_with_history(changed, WorkforcePeriod, ["officers", "staff", "version"], default_user=by)
    result.created, result.updated = len(new), len(changed)
    return result


# Issued reports ----------------------------------------------------------------------


class IssueError(Exception):
    """The report could not be issued; nothing was stored."""


def can_issue(user: User) -> bool:
    return user.has_role(Role.OFFICER, Role.ADMIN)


def issue_board_report(*, period: Period, area: Area | None, by: User) -> IssuedReport:
    """Render the board report and archive it: the PDF through the storage API,
    then its row (parameters, user, time, SHA-256) in a transaction. If the row
    cannot be written the file is deleted again, so a failure leaves neither.

    Not wrapped in an outer transaction on purpose: a stored file cannot be rolled
    back, so the row's transaction must be the last step."""
    if not can_issue(by):
        raise IssueError("Only administrators and partnership officers can issue reports.")
    issued_at = timezone.now()
    content = render_board_pdf(period, area, generated_at=issued_at)
    report = IssuedReport(
        title=f"Board progress report, {period.label()}" + (f", {area.name}" if area is not None else ""),
        period_start=period.start,
        period_end=period.end,
        area=area,
        issued_by=by,
        issued_at=issued_at,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )
    report.file.save(pdf_filename(period, area), ContentFile(content), save=False)
    try:
        with transaction.atomic():
            report._history_user = by  # type: ignore[attr-defined]
            report.save()
    except Exception:
        report.file.delete(save=False)
        raise
    return report
