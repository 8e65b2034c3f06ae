"""The "incidents" and "workforce" import kinds: their columns and RowImporters
for core's one runner. Rows are checked with the services' own rules
(`clean_incident`, `clean_workforce`), then written in bulk with one history
entry a record (tracker/core/bulk.py).

`upsert_incidents` and `upsert_workforce_periods` run the same pipeline over rows
given in code (the demo data, the tests)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from tracker.assaults.models import AssaultIncident, WorkforcePeriod
from tracker.assaults.permissions import FIGURE_IMPORTERS
from tracker.assaults.resources import IncidentResource, WorkforceResource
from tracker.assaults.services import (
    INCIDENT_FIELDS,
    WORKFORCE_FIELDS,
    FiguresDataError,
    areas_by_name,
    clean_incident,
    clean_workforce,
)
from tracker.core.bulk import upsert_in_bulk
from tracker.core.imports import cells
from tracker.core.imports.reading import HEADER_ROWS, RowError, RowSource, as_source
from tracker.core.imports.registry import ImportKind, register
from tracker.core.imports.running import ImportOutcome, Problems, RowImporter, run_rows
from tracker.core.models import User

Raw = dict[str, Any]
Span = tuple[date, date]


def _problems(number: int, found: list[tuple[str, str]], problems: Problems) -> bool:
    for column, message in found:
        problems.add(number, column, message)
    return not found


class IncidentImporter(RowImporter[dict[str, Any]]):
    """Incidents by reference: new ones added, known ones updated, in bulk."""

    key_column = "reference"

    def __init__(self, *, by: User | None, header: list[str]):
        super().__init__(by=by, header=header)
        self.areas = areas_by_name()

    def check_batch(self, rows: list[tuple[int, Raw]], problems: Problems) -> list[tuple[int, dict[str, Any]]]:
        good = []
        for number, raw in rows:
            values, found = clean_incident(raw, self.areas)
            if _problems(number, found, problems):
                values["area_id"] = values.pop("area").pk  # compared by id: no query a row
                good.append((number, values))
        return good

    def key(self, raw: Raw) -> str | None:
        try:
            return cells.text(raw.get("reference")) or None
        except cells.CellError:
            return None

    def write_batch(self, rows: list[tuple[int, dict[str, Any]]], outcome: ImportOutcome, *, write: bool) -> None:
        values = [v for _, v in rows]
        stored = AssaultIncident.objects.in_bulk([v["reference"] for v in values], field_name="reference")
        counts = upsert_in_bulk(
            AssaultIncident, values, stored=stored, key_of=lambda v: v["reference"], by=self.by, write=write
        )
        outcome.new += counts.new
        outcome.updated += counts.updated
        outcome.unchanged += counts.unchanged


class WorkforceImporter(RowImporter[dict[str, Any]]):
    """Periods by their two dates: a row matching a stored period's dates updates
    its numbers; any other row adds a period; no two periods may overlap. A file
    holds a few dozen periods (they may not overlap), so their spans are kept."""

    def __init__(self, *, by: User | None, header: list[str]):
        super().__init__(by=by, header=header)
        self.stored = {(p.period_start, p.period_end): p for p in WorkforcePeriod.objects.all()}
        self.in_file: dict[Span, int] = {}

    def check_batch(self, rows: list[tuple[int, Raw]], problems: Problems) -> list[tuple[int, dict[str, Any]]]:
        good = []
        for number, raw in rows:
            values, found = clean_workforce(raw)
            if not _problems(number, found, problems):
                continue
            span = (values["period_start"], values["period_end"])
            earlier = self.in_file.setdefault(span, number)
            if earlier != number:
                problems.add(number, "period_start", f"Repeats the dates of row {earlier}.")
                continue
            good.append((number, values))
        return good

    def finish_check(self, problems: Problems) -> None:
        spans: dict[Span, int | None] = dict.fromkeys(self.stored)
        spans.update(self.in_file)
        problems.extend(_overlap_errors(spans, self.stored))

    def write_batch(self, rows: list[tuple[int, dict[str, Any]]], outcome: ImportOutcome, *, write: bool) -> None:
        counts = upsert_in_bulk(
            WorkforcePeriod,
            [v for _, v in rows],
            stored=self.stored,
            key_of=lambda v: (v["period_start"], v["period_end"]),
            by=self.by,
            write=write,
        )
        outcome.new += counts.new
        outcome.updated += counts.updated
        outcome.unchanged += counts.unchanged


def _overlap_errors(spans: dict[Span, int | None], stored: Mapping[Span, Any]) -> list[RowError]:
    """Each file row whose dates overlap another span (a stored period, or a row)."""
    errors = []
    reach: tuple[Span, int | None] | None = None  # the span ending latest so far
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


def upsert(
    importer: type[RowImporter[Any]],
    rows: Iterable[Mapping[str, Any]] | RowSource,
    *,
    by: User | None,
    dry_run: bool = False,
    first_row: int = HEADER_ROWS + 1,
) -> ImportOutcome:
    """Run `importer`'s kind over `rows` (mappings numbered from `first_row`, by
    default as a spreadsheet numbers them, or a RowSource such as a file's Table),
    all or nothing; FiguresDataError names every problem by row and column."""
    outcome = run_rows(importer, as_source(rows, first_row=first_row), by=by, dry_run=dry_run)
    if outcome.errors:
        raise FiguresDataError(outcome.errors)
    return outcome


def upsert_incidents(rows: Iterable[Mapping[str, Any]] | RowSource, **options: Any) -> ImportOutcome:
    """Create or update incidents by reference (see `upsert`)."""
    return upsert(IncidentImporter, rows, **options)


def upsert_workforce_periods(rows: Iterable[Mapping[str, Any]] | RowSource, **options: Any) -> ImportOutcome:
    """Create or update workforce periods (see `upsert` and WorkforceImporter)."""
    return upsert(WorkforceImporter, rows, **options)


def register_kinds() -> None:
    register(
        ImportKind(
            slug="incidents",
            label="Assault incidents",
            resource_class=IncidentResource,
            importer=IncidentImporter,
            roles=FIGURE_IMPORTERS,
            description=(
                "Assaults on on-duty personnel from the force's crime system, one row per offence. "
                "A reference already stored is updated. They feed the board report's assault figures."
            ),
            required_columns=INCIDENT_FIELDS,
            example="fixtures/incidents-example.csv",
        )
    )
    register(
        ImportKind(
            slug="workforce",
            label="Workforce figures",
            resource_class=WorkforceResource,
            importer=WorkforceImporter,
            roles=FIGURE_IMPORTERS,
            description=(
                "Officers and police staff in post for each period (periods may not overlap); "
                "the board report's 'officers for each assault'."
            ),
            required_columns=WORKFORCE_FIELDS,
            example="fixtures/workforce-example.csv",
        )
    )
