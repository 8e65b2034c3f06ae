"""The strand's import kinds (issue 6): venues from the licensed-premises register,
community groups and engagements. Venues come in files of tens of thousands of
rows, so they have a bulk importer: every row is checked in Python against lookups
loaded once, then all rows are written in batches with their history, the file read as a stream."""

from __future__ import annotations

import re
from contextlib import nullcontext
from datetime import datetime, time
from typing import Any

from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from partners.models import Venue
from partners.resources import EngagementResource, GroupResource, VenueResource
from tracker.core.imports import registry
from tracker.core.imports.keys import RepeatedKeys
from tracker.core.imports.reading import RowError, RowSource
from tracker.core.imports.running import ImportOutcome
from tracker.core.models import Area, User
from tracker.core.permissions import PARTNERS

VENUE_COLUMNS = ("licence_number", "name", "address", "postcode", "area", "kind")
VENUE_OPTIONAL = ("latest_licensed_hour", "operator")
VENUE_FIELDS = VENUE_COLUMNS + VENUE_OPTIONAL
POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2})$")
BATCH = 1000
MAX_LENGTHS = {
    f: getattr(Venue._meta.get_field(f), "max_length", None) for f in ("licence_number", "name", "postcode", "operator")
}


def _kinds() -> dict[str, str]:
    labels = {}
    for choice in Venue.Kind:
        labels[choice.value.lower()] = choice.value
        labels[choice.label.lower()] = choice.value
    return labels


def _hour(value: Any) -> time | None:
    if value in (None, ""):
        return None
    if isinstance(value, time):
        return value
    if isinstance(value, datetime):
        return value.time()
    try:
        return time.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError("Enter a time like 02:00.") from None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


class _VenueChecker:
    """Checks rows one by one against lookups loaded once per file."""

    def __init__(self) -> None:
        self.areas = {a.name.lower(): a for a in Area.objects.all()}
        self.kinds = _kinds()
        self.errors: list[RowError] = []

    def row(self, number: int, row: dict[str, Any]) -> dict[str, Any] | None:
        errors = len(self.errors)

        def refuse(column: str, message: str) -> None:
            self.errors.append(RowError(number, column, message))

        values: dict[str, Any] = {f: _text(row.get(f)) for f in ("licence_number", "name", "address", "operator")}
        for column in ("licence_number", "name", "address"):
            if not values[column]:
                refuse(column, "This field cannot be blank.")
        for column, limit in MAX_LENGTHS.items():
            if column in values and limit and len(values[column]) > limit:
                refuse(column, f"At most {limit} characters.")
        postcode = _text(row.get("postcode")).upper()
        if not POSTCODE.match(postcode):
            refuse("postcode", "Enter a real UK postcode, like WR1 2AB.")
        values["postcode"] = postcode
        area = self.areas.get(_text(row.get("area")).lower())
        if area is None:
            refuse("area", f"No area named {_text(row.get('area'))!r}.")
        values["area"] = area
        kind = self.kinds.get(_text(row.get("kind")).lower())
        if kind is None:
            refuse("kind", f"{_text(row.get('kind'))!r} is not one of: {', '.join(Venue.Kind.labels)}.")
        values["kind"] = kind
        try:
            values["latest_licensed_hour"] = _hour(row.get("latest_licensed_hour"))
        except ValueError as error:
            refuse("latest_licensed_hour", str(error))
        return values if len(self.errors) == errors else None


def _stored(keys: list[str], names: list[str]) -> dict[str, tuple[Any, ...]]:
    """The stored values of those of one batch's venues already known, by licence number."""
    return {values[0]: values for values in Venue.objects.filter(licence_number__in=keys).values_list(*names)}


def _licence(row: dict[str, Any]) -> str | None:
    return _text(row.get("licence_number")).lower() or None


class _Batches:
    """Checked rows, a batch at a time: each batch is compared with the stored venues
    (one query), counted as new, updated or unchanged and, when writing, written
    with its history. Only one batch is held at a time."""

    def __init__(self, columns: list[str], outcome: ImportOutcome, *, by: User | None, write: bool):
        self.columns = columns
        # licence_number first: the stored-values lookup is keyed on it.
        self.names = [f"{c}_id" if c == "area" else c for c in columns]
        self.outcome = outcome
        self.by = by
        self.write = write
        self.batch: list[tuple[Any, ...]] = []

    def add(self, values: dict[str, Any]) -> None:
        self.batch.append(tuple(values[c].pk if c == "area" else values[c] for c in self.columns))
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        current = _stored([row[0] for row in batch], self.names)
        new = [row for row in batch if row[0] not in current]
        changed = [row for row in batch if row[0] in current and current[row[0]] != row]
        self.outcome.new += len(new)
        self.outcome.updated += len(changed)
        self.outcome.unchanged += len(batch) - len(new) - len(changed)
        if not self.write:
            return
        if new:
            venues = [Venue(**dict(zip(self.names, row, strict=True))) for row in new]
            bulk_create_with_history(venues, Venue, batch_size=BATCH, default_user=self.by)
        if changed:
            stored = Venue.objects.in_bulk([row[0] for row in changed], field_name="licence_number")
            updated = []
            for row in changed:
                venue = stored[row[0]]
                for name, value in zip(self.names, row, strict=True):
                    setattr(venue, name, value)
                venue.version += 1
                updated.append(venue)
            fields = [c for c in self.columns if c != "licence_number"] + ["version"]
            bulk_update_with_history(updated, Venue, fields, batch_size=BATCH, default_user=self.by)


def import_venues(table: RowSource, *, by: User | None, dry_run: bool) -> ImportOutcome:
    """Import the licensed-premises register: match on premises licence number,
    update or create. All rows or none; history records `by` as the importer.

    The file is read twice, as a stream. The first pass checks every row against
    lookups loaded once and notes each licence number's hash, to find numbers used
    twice; nothing is kept of a good row. If no row has a problem, the second pass
    checks each row again (cheap, and no memory) and counts and, unless dry_run,
    writes the rows a batch at a time, all in one transaction. A dry run with
    problems still counts the good rows, for the preview."""
    checker = _VenueChecker()
    columns = [c for c in VENUE_FIELDS if c in table.header]
    seen = RepeatedKeys(table.length_hint())
    refused: set[int] = set()
    for number, raw in table.rows():
        values = checker.row(number, raw)
        if values is None:
            refused.add(number)
            continue
        seen.add(values["licence_number"].lower())
    outcome = ImportOutcome(rows=len(table))  # counted by now
    errors = table.errors + checker.errors
    good = ((number, raw) for number, raw in table.rows() if number not in refused)
    for number, earlier in seen.duplicates(good, _licence):
        refused.add(number)
        errors.append(
            RowError(number, "licence_number", f"Duplicates row {earlier}: each licence_number may appear once.")
        )
    del seen
    outcome.errors = sorted(errors, key=lambda e: (e.row or 0, e.column))
    if outcome.errors and not dry_run:
        return outcome
    write = not dry_run
    try:
        # Only the write is a transaction: a dry run reads, and holds no lock.
        with transaction.atomic() if write else nullcontext():
            batches = _Batches(columns, outcome, by=by, write=write)
            for number, raw in table.rows(verb="written" if write else "counted"):
                values = checker.row(number, raw) if number not in refused else None
                if values is not None:
                    batches.add(values)
            batches.flush()
    except IntegrityError:
        # Someone added one of the venues between the check and the write.
        outcome.errors = [RowError(None, "licence_number", "A venue in the file was added meanwhile. Check again.")]
    return outcome


KINDS = (
    registry.ImportKind(
        slug="venues",
        label="Venues (licensed-premises register)",
        resource_class=VenueResource,
        roles=PARTNERS,
        description="Licensed premises, matched on premises licence number: new numbers are added, known ones updated.",
        required_columns=VENUE_COLUMNS,
        optional_columns=VENUE_OPTIONAL,
        example="fixtures/venues-example.csv",
        runner=import_venues,
    ),
    registry.ImportKind(
        slug="community-groups",
        label="Community groups",
        resource_class=GroupResource,
        roles=PARTNERS,
        description="Community groups, matched on name: new names are added, known ones updated.",
        required_columns=("name", "kind", "area"),
        optional_columns=("active",),
        example="fixtures/community-groups-example.csv",
    ),
    registry.ImportKind(
        slug="engagements",
        label="Engagements",
        resource_class=EngagementResource,
        roles=PARTNERS,
        description="Meetings, visits and events with their groups (by name), venues (by licence number) "
        "and materials. Rows with an id from an export update that engagement; rows without add one.",
        required_columns=("starts_at", "kind", "lead_officer", "area"),
        optional_columns=("id", "groups", "venues", "attendance", "summary", "materials"),
        example="fixtures/engagements-example.csv",
    ),
)


def register_kinds() -> None:
    for kind in KINDS:
        registry.register(kind)
