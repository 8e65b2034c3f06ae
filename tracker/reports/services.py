"""Every change to assault incidents and workforce figures, and the issuing of
board reports.

Single-record services are for the admin and the tests; the `upsert_*` services are
the bulk path the importer uses (see imports.py): they check every row first and
write nothing if any row is bad, naming each problem by spreadsheet row (the header
is row 1) and column, then write in batches with history in bulk.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from contextlib import nullcontext
from datetime import UTC, date, datetime, time
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tracker.core import validation
from tracker.core.errors import DomainError
from tracker.core.history import set_history_user
from tracker.core.imports.keys import RepeatedKeys
from tracker.core.imports.reading import RowError, RowSource, as_source
from tracker.core.imports.running import HEADER_ROWS, ImportOutcome
from tracker.core.models import Area, User
from tracker.core.versioning import save_changes
from tracker.reports.models import AssaultIncident, IncidentOutcome, IssuedReport, VictimRole, WorkforcePeriod
from tracker.reports.pdf import filename as pdf_filename
from tracker.reports.pdf import render_board_pdf
from tracker.reports.periods import Period, local_zone
from tracker.reports.permissions import can_issue

INCIDENT_FIELDS = ("reference", "occurred_at", "area", "victim_role", "injury", "outcome")
WORKFORCE_FIELDS = ("period_start", "period_end", "officers", "staff")
BATCH = 1000
FIRST_ROW = HEADER_ROWS + 1  # the spreadsheet row of the first data row
DATE_ONLY = re.compile(r"\s*\d{4}-?\d{2}-?\d{2}\s*")
YES = {"yes": True, "no": False}


class FiguresDataError(DomainError):
    """Incident or workforce data that cannot be stored; nothing was written."""

    status_code = 400

    def __init__(self, errors: list[RowError] | str):
        self.errors = [RowError(None, "", errors)] if isinstance(errors, str) else errors
        super().__init__("; ".join(str(e) for e in self.errors[:20]))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _aware(value: Any) -> datetime:
    """An ISO 8601 date and time (text, or a datetime as Excel gives it back).
    Naive times are UK local time (the force's systems record local time); of an
    ambiguous autumn hour the first occurrence is taken unless an offset says
    otherwise."""
    if isinstance(value, str):
        if DATE_ONLY.fullmatch(value):
            raise ValidationError("Give the time as well as the date, for example 2018-07-01 23:30.")
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError as error:
            raise ValidationError(
                "Enter a date and time as YYYY-MM-DD HH:MM (UK local time), for example 2018-07-01 23:30."
            ) from error
    if not isinstance(value, datetime):
        raise ValidationError("Enter a date and time, for example 2018-07-01 23:30.")
    if timezone.is_naive(value):
        value = value.replace(tzinfo=local_zone())
    # The model field's rule (from the campaign's data start to today), in UK local time.
    for problem in validation.problems(value, [validation.INCIDENT_DATE]):
        raise ValidationError(f"{problem}.")
    # In UTC, so that comparing with the stored value is exact: Python never finds
    # a time in the autumn's repeated hour equal to one in another zone.
    return cast(datetime, value.astimezone(UTC))


def _to_date(value: Any) -> date:
    """A date as text (YYYY-MM-DD), or a date cell (Excel gives midnight datetimes)."""
    if isinstance(value, datetime):
        if value.time() != time.min or value.tzinfo is not None:
            raise ValidationError("Enter a date without a time, as YYYY-MM-DD.")
        return value.date()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError as error:
            raise ValidationError("Enter a real date as YYYY-MM-DD, for example 2018-07-01.") from error
    if not isinstance(value, date):
        raise ValidationError("Enter a date as YYYY-MM-DD, for example 2018-07-01.")
    return value


def _whole_number(value: Any, rule: validation.CountWithin) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*\d[\d,]*\s*", value):
        value = int(value.replace(",", ""))
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{rule.message()}.")
    for problem in validation.problems(value, [rule]):  # the model field's rule
        raise ValidationError(f"{problem}.")
    return value


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's number cell holding a reference such as 12345
    text = str(value).strip()
    if "\x00" in text:
        raise ValidationError("The cell holds a null character.")
    return text


def _area(value: Any, areas: Mapping[str, Area]) -> Area:
    if isinstance(value, Area):
        return value
    area = areas.get(_text(value).casefold())
    if area is None:
        raise ValidationError(f"There is no area called “{_text(value)[:100]}”. Use an area's name as listed.")
    return area


# Worked out once: an enum's `.values` builds a new list on every call.
VICTIM_ROLES = frozenset(VictimRole.values)
OUTCOMES = frozenset(IncidentOutcome.values)


def _choice(value: Any, allowed: frozenset[str], what: str) -> str:
    text = _text(value).lower()
    if text not in allowed:
        raise ValidationError(f"“{_text(value)[:50]}” is not {what}. Use one of: {', '.join(sorted(allowed))}.")
    return text


def _injury(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    answer = YES.get(_text(value).lower())
    if answer is None:
        raise ValidationError("Enter yes or no.")
    return answer


def _build_incident(data: Mapping[str, Any], areas: Mapping[str, Area]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Clean one incident's values; returns the values and (column, message) errors."""
    values: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    cleaners: dict[str, Callable[[Any], Any]] = {
        "reference": _text,
        "occurred_at": _aware,
        "area": lambda v: _area(v, areas),
        "victim_role": lambda v: _choice(v, VICTIM_ROLES, "a victim role"),
        "injury": _injury,
        "outcome": lambda v: _choice(v, OUTCOMES, "an outcome"),
    }
    for name, clean in cleaners.items():
        if name not in data:
            errors.append((name, "This value is missing."))
            continue
        if _blank(data[name]):
            errors.append((name, "This cell is empty."))
            continue
        try:
            values[name] = clean(data[name])
        except ValidationError as error:
            errors.append((name, error.messages[0]))
    if len(values.get("reference", "")) > 50:
        errors.append(("reference", "A reference has at most 50 characters."))
    return values, errors


def _areas_by_name() -> dict[str, Area]:
    return {area.name.casefold(): area for area in Area.objects.all()}


def _one(errors: list[tuple[str, str]]) -> FiguresDataError:
    return FiguresDataError([RowError(None, column, message) for column, message in errors])


@transaction.atomic
def create_incident(*, by: User, **data: Any) -> AssaultIncident:
    """Record one assault incident."""
    values, errors = _build_incident(data, _areas_by_name())
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
    values, errors = _build_incident(merged, _areas_by_name())
    if not errors and AssaultIncident.objects.filter(reference=values["reference"]).exclude(pk=incident.pk).exists():
        errors.append(("reference", "An incident with this reference already exists."))
    if errors:
        raise _one(errors)
    return save_changes(incident, by=by, expected_version=expected_version, changes=values)


def _unchanged(incident: AssaultIncident, values: Mapping[str, Any]) -> bool:
    # The area by id: reading `incident.area` would cost a query per row.
    return all(
        incident.area_id == value.pk if name == "area" else getattr(incident, name) == value
        for name, value in values.items()
    )


def _reference(data: Mapping[str, Any]) -> str | None:
    """The reference of a row, as `_build_incident` cleans it; None if it has none."""
    value = data.get("reference")
    if _blank(value):
        return None
    try:
        return _text(value)
    except ValidationError:
        return None


def _by_row(errors: list[RowError]) -> list[RowError]:
    # Stable: within a row, the problems stay in column order.
    return sorted(errors, key=lambda e: e.row or 0)


def upsert_incidents(
    rows: Iterable[Mapping[str, Any]] | RowSource,
    *,
    by: User | None,
    dry_run: bool = False,
    first_row: int = FIRST_ROW,
) -> ImportOutcome:
    """Create or update incidents by reference, all or nothing.

    `rows` is a list of mappings (numbered from `first_row`; spreadsheet numbering
    by default) or a RowSource such as an import file's Table, which is read twice
    as a stream. Every row is checked before anything is written; if any row is bad
    a FiguresDataError lists every problem by row and column, and the database is
    untouched. Otherwise rows are compared with the stored incidents and new ones
    inserted, changed ones updated, in batches of BATCH, each with one history row
    attributed to `by`. With `dry_run` the counts are worked out and nothing is
    written.

    The check runs outside any transaction, so a long or hostile file holds no lock
    while it is read; only the write pass is one transaction.

    Memory stays flat with the number of rows: the check keeps only an 8-byte hash
    of each reference (see RepeatedKeys), and the write pass cleans each batch
    again rather than holding every cleaned row."""
    source = as_source(rows, first_row=first_row)
    areas = _areas_by_name()
    errors: list[RowError] = []
    seen = RepeatedKeys(source.length_hint())
    for number, data in source.rows():
        values, row_errors = _build_incident(data, areas)
        errors.extend(RowError(number, column, message) for column, message in row_errors)
        reference = values.get("reference")
        if reference:
            seen.add(reference)
    errors.extend(source.errors)
    for number, earlier in seen.duplicates(source.rows(), _reference):
        errors.append(RowError(number, "reference", f"Repeats the reference of row {earlier}; each may appear once."))
    if errors:
        raise FiguresDataError(_by_row(errors))
    del seen

    outcome = ImportOutcome(rows=len(source))
    with nullcontext() if dry_run else transaction.atomic():
        batch: list[dict[str, Any]] = []
        for _, data in source.rows(verb="counted" if dry_run else "written"):
            batch.append(_build_incident(data, areas)[0])
            if len(batch) >= BATCH:
                _upsert_batch(batch, outcome, by=by, dry_run=dry_run)
                batch = []
        if batch:
            _upsert_batch(batch, outcome, by=by, dry_run=dry_run)
    return outcome


def _upsert_batch(batch: list[dict[str, Any]], outcome: ImportOutcome, *, by: User | None, dry_run: bool) -> None:
    existing = {i.reference: i for i in AssaultIncident.objects.filter(reference__in=[v["reference"] for v in batch])}
    new: list[AssaultIncident] = []
    changed: list[AssaultIncident] = []
    for values in batch:
        incident = existing.get(values["reference"])
        if incident is None:
            new.append(AssaultIncident(**values))
        elif _unchanged(incident, values):
            outcome.unchanged += 1
        else:
            for name, value in values.items():
                setattr(incident, name, value)
            incident.version += 1
            changed.append(incident)
    outcome.new += len(new)
    outcome.updated += len(changed)
    if dry_run:
        return
    if new:
        bulk_create_with_history(new, AssaultIncident, batch_size=BATCH, default_user=by)
    if changed:
        bulk_update_with_history(
            changed, AssaultIncident, [*INCIDENT_FIELDS[1:], "version"], batch_size=BATCH, default_user=by
        )


# Workforce figures -------------------------------------------------------------------


def _clean_workforce(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    values: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    cleaners: dict[str, Callable[[Any], Any]] = {
        "period_start": _to_date,
        "period_end": _to_date,
        "officers": lambda v: _whole_number(v, validation.OFFICERS),
        "staff": lambda v: _whole_number(v, validation.STAFF),
    }
    for name, clean in cleaners.items():
        value = data.get(name)
        if _blank(value):
            errors.append((name, "This cell is empty."))
            continue
        try:
            values[name] = clean(value)
        except ValidationError as error:
            errors.append((name, error.messages[0]))
    if "period_start" in values and "period_end" in values and values["period_end"] < values["period_start"]:
        errors.append(("period_end", "The end must be the same as or after the start."))
    return values, errors


@transaction.atomic
def create_workforce_period(*, by: User, **data: Any) -> WorkforcePeriod:
    """Record the headcount for a span of days that overlaps no other."""
    values, errors = _clean_workforce(data)
    if errors:
        raise _one(errors)
    clash = WorkforcePeriod.objects.filter(
        period_start__lte=values["period_end"], period_end__gte=values["period_start"]
    ).first()
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
    values, errors = _clean_workforce(merged)
    if errors:
        raise _one(errors)
    clash = (
        WorkforcePeriod.objects.filter(period_start__lte=values["period_end"], period_end__gte=values["period_start"])
        .exclude(pk=period.pk)
        .first()
    )
    if clash is not None:
        raise FiguresDataError(f"These dates overlap the workforce period {clash}.")
    return save_changes(period, by=by, expected_version=expected_version, changes=values)


def _overlap_errors(
    spans: dict[tuple[date, date], int | None], stored: Mapping[tuple[date, date], Any]
) -> list[RowError]:
    """Each file row whose dates overlap another span (a stored period, or a row)."""
    errors = []
    reach: tuple[tuple[date, date], int | None] | None = None  # the span ending latest so far
    for span, row in sorted(spans.items()):
        if reach is not None and span[0] <= reach[0][1]:
            (earlier, earlier_row) = reach
            other = f"row {earlier_row}" if earlier_row is not None else f"the stored period {stored[earlier]}"
            if row is not None:
                errors.append(RowError(row, "period_start", f"These dates overlap {other}."))
            elif earlier_row is not None:
                errors.append(
                    RowError(earlier_row, "period_end", f"These dates overlap the stored period {stored[span]}.")
                )
        if reach is None or span[1] > reach[0][1]:
            reach = (span, row)
    return errors


def upsert_workforce_periods(
    rows: Iterable[Mapping[str, Any]] | RowSource,
    *,
    by: User | None,
    dry_run: bool = False,
    first_row: int = FIRST_ROW,
) -> ImportOutcome:
    """Create or update workforce periods, all or nothing. A row whose dates match a
    stored period exactly updates its numbers; any other row is a new period. The
    resulting set of periods must not overlap. Rows are numbered as
    `upsert_incidents` numbers them; `dry_run` writes nothing.

    The cleaned rows are kept in memory: periods may not overlap, so a file holds
    a few dozen of them, not thousands. The check runs outside any transaction;
    the writes are one."""
    source = as_source(rows, first_row=first_row)
    cleaned: list[tuple[int, dict[str, Any]]] = []
    errors: list[RowError] = []
    for number, data in source.rows():
        values, row_errors = _clean_workforce(data)
        errors.extend(RowError(number, column, message) for column, message in row_errors)
        cleaned.append((number, values))
    errors.extend(source.errors)
    if errors:
        raise FiguresDataError(_by_row(errors))
    stored = {(p.period_start, p.period_end): p for p in WorkforcePeriod.objects.all()}
    spans: dict[tuple[date, date], int | None] = dict.fromkeys(stored)
    in_file: dict[tuple[date, date], int] = {}
    for number, values in cleaned:
        key = (values["period_start"], values["period_end"])
        if key in in_file:
            errors.append(RowError(number, "period_start", f"Repeats the dates of row {in_file[key]}."))
            continue
        in_file[key] = spans[key] = number
    errors.extend(_overlap_errors(spans, stored))
    if errors:
        raise FiguresDataError(sorted(errors, key=lambda e: (e.row or 0, e.column)))

    outcome = ImportOutcome(rows=len(source))
    new: list[WorkforcePeriod] = []
    changed: list[WorkforcePeriod] = []
    for _, values in cleaned:
        period = stored.get((values["period_start"], values["period_end"]))
        if period is None:
            new.append(WorkforcePeriod(**values))
        elif (period.officers, period.staff) == (values["officers"], values["staff"]):
            outcome.unchanged += 1
        else:
            period.officers, period.staff = values["officers"], values["staff"]
            period.version += 1
            changed.append(period)
    outcome.new, outcome.updated = len(new), len(changed)
    if not dry_run:
        _write_workforce(new, changed, by=by)
    return outcome


@transaction.atomic
def _write_workforce(new: list[WorkforcePeriod], changed: list[WorkforcePeriod], *, by: User | None) -> None:
    if new:
        bulk_create_with_history(new, WorkforcePeriod, default_user=by)
    if changed:
        bulk_update_with_history(changed, WorkforcePeriod, ["officers", "staff", "version"], default_user=by)


# Issued reports ----------------------------------------------------------------------


class IssueError(DomainError):
    """The report could not be issued; nothing was stored."""

    status_code = 403


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
            set_history_user(report, by)
            report.save()
    except Exception:
        report.file.delete(save=False)
        raise
    return report
