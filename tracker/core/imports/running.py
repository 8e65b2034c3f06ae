"""Running an import: one streaming check-then-write runner for every kind.

A kind contributes its columns (the registry), and a `RowImporter`: how to check a
batch of rows (parse the cells with `cells`, look names up in a handful of queries,
validate with the rules its services use) and how to write a batch of checked rows
through its services. The runner reads the file as a stream, twice:

1. **Check**, writing nothing and holding no transaction (on SQLite, no write
   lock), so other people's saves go on while a long file is checked. Every
   problem is named by row and column; a key that must appear once in a file is
   found repeated by an 8-byte hash a row (see keys.py), so memory stays flat.
2. **Write** (or count, on a dry run): the rows are checked again, a batch at a
   time, and handed to the kind's `write_batch`, all in one transaction. If a row
   has become invalid meanwhile (someone changed the data), nothing is written.

All rows or none."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import IntegrityError, transaction

from tracker.core.errors import DomainError
from tracker.core.imports import cells
from tracker.core.imports.keys import RepeatedKeys
from tracker.core.imports.reading import HEADER_ROWS, Progress, RowError, RowSource
from tracker.core.models import User
from tracker.core.versioning import EditConflict

__all__ = [
    "BATCH", "HEADER_ROWS", "ImportOutcome", "Problems", "Progress", "Row", "RowImporter", "RowsRefused", "run_rows",
]  # fmt: skip

# Rows checked and written together. A batch's rows, and the records, history records
# and query parameters made from them, all live until it is written: at 250 rows an
# import's peak memory is a third of what it was at 1,000 (10,000 incidents: 1.8 MB,
# not 5.4 MB), and fewer of those objects last long enough to be promoted to Python's
# oldest garbage-collector generation, whose collections walk every object in the
# process. The price is four times as many lookups and inserts, each a quarter the size.
BATCH = 250
Raw = dict[str, Any]


@dataclass
class ImportOutcome:
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class Problems(list[RowError]):
    """The problems found so far, by spreadsheet row and column."""

    def add(self, row: int | None, column: str, message: str) -> None:
        self.append(RowError(row, column, message))


class Row:
    """One file row being checked: reads its cells with a parser from `cells`,
    noting each problem against the row and column."""

    def __init__(self, number: int, raw: Raw, problems: Problems):
        self.number = number
        self.raw = raw
        self._problems = problems
        self._before = len(problems)

    def fail(self, column: str, message: str) -> None:
        self._problems.add(self.number, column, message)

    @property
    def ok(self) -> bool:
        return len(self._problems) == self._before

    def has(self, column: str) -> bool:
        return column in self.raw

    def cell(self, column: str, parse: Callable[..., Any], *args: Any, required: bool = True, **kwargs: Any) -> Any:
        """`parse(cell, *args, **kwargs)`; an empty cell is a problem if `required`,
        else None; a CellError is a problem on this column (and None)."""
        value = self.raw.get(column)
        if cells.blank(value):
            if required:
                self.fail(column, "This cell is empty.")
            return None
        try:
            return parse(value, *args, **kwargs)
        except cells.CellError as error:
            self.fail(column, error.message)
            return None

    def text(self, column: str, *, required: bool = True, max_length: int | None = None) -> str:
        return self.cell(column, cells.text, required=required, max_length=max_length) or ""


class RowImporter[V]:
    """What a kind contributes to the runner. Made once for each pass, so a pass
    starts with fresh lookups and state."""

    # The column of the key each row must not repeat, if any (see `key`).
    key_column = ""

    def __init__(self, *, by: User | None, header: list[str]):
        self.by = by
        self.header = header

    def check_batch(self, rows: list[tuple[int, Raw]], problems: Problems) -> list[tuple[int, V]]:
        """The checked values of the rows without problems; the others' problems
        go to `problems`. Writes nothing."""
        raise NotImplementedError

    def key(self, raw: Raw) -> str | None:
        """The key of a raw row that may appear only once in a file, if any."""
        return None

    def finish_check(self, problems: Problems) -> None:
        """Problems between rows, found once every row has been checked."""

    def write_batch(self, rows: list[tuple[int, V]], outcome: ImportOutcome, *, write: bool) -> None:
        """Count the rows as new, updated or unchanged and, if `write`, write them
        through the kind's services (inside the runner's transaction). A row the
        services refuse raises DomainError or RowsRefused."""
        raise NotImplementedError


class RowsRefused(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def _batches(rows: Iterator[tuple[int, Raw]], size: int) -> Iterator[list[tuple[int, Raw]]]:
    while batch := list(islice(rows, size)):
        yield batch


def _by_row(errors: list[RowError]) -> list[RowError]:
    # Stable: within a row, the problems stay in the order they were found.
    return sorted(errors, key=lambda e: e.row or 0)


def _check(importer: RowImporter[Any], source: RowSource) -> tuple[list[RowError], set[int]]:
    """The check pass: every problem, and the rows that have one."""
    problems = Problems()
    seen = RepeatedKeys(source.length_hint())
    for batch in _batches(source.rows(), BATCH):
        good = {number for number, _ in importer.check_batch(batch, problems)}
        for number, raw in batch:
            if number in good and (key := importer.key(raw)) is not None:
                seen.add(key)
    importer.finish_check(problems)
    errors: list[RowError] = [*source.errors, *problems]
    refused = {e.row for e in errors if e.row is not None}
    good_rows = ((number, raw) for number, raw in source.rows() if number not in refused)
    for number, earlier in seen.duplicates(good_rows, importer.key):
        refused.add(number)
        column = importer.key_column
        errors.append(RowError(number, column, f"Duplicates row {earlier}: each {column} may appear once."))
    return _by_row(errors), refused


def run_rows(
    make: Callable[..., RowImporter[Any]],
    source: RowSource,
    *,
    by: User | None,
    dry_run: bool,
    before_commit: Callable[[ImportOutcome], None] | None = None,
) -> ImportOutcome:
    """Check every row of `source` without writing, then (unless `dry_run`, or a
    row has a problem) write them all in one transaction. A dry run counts the
    good rows as new, updated or unchanged even when others have problems, for
    the preview. `make(by=, header=)` makes the kind's RowImporter.

    `before_commit(outcome)`, if given, is the write's last step inside its
    transaction, once every row is written: whatever it raises (other than the
    refusals above) rolls the whole write back and is raised to the caller."""
    try:
        errors, refused = _check(make(by=by, header=source.header), source)
    except RowsRefused as refusal:  # the user may not import this kind at all
        return ImportOutcome(rows=len(source), errors=refusal.errors)
    outcome = ImportOutcome(rows=len(source), errors=errors)
    if errors and not dry_run:
        return outcome
    write = not dry_run
    importer = make(by=by, header=source.header)
    try:
        # Only the write is a transaction: a dry run reads, and holds no lock.
        with transaction.atomic() if write else nullcontext():
            rows = ((n, raw) for n, raw in source.rows(verb="written" if write else "counted") if n not in refused)
            for batch in _batches(rows, BATCH):
                late = Problems()
                good = importer.check_batch(batch, late)
                if late and write:
                    # The data changed since the check made these rows invalid.
                    raise RowsRefused(late)
                importer.write_batch(good, outcome, write=write)
            if write and before_commit is not None:
                before_commit(outcome)
    except RowsRefused as refusal:
        outcome.new = outcome.updated = outcome.unchanged = 0
        outcome.errors = _by_row(refusal.errors)
    except IntegrityError:
        outcome.new = outcome.updated = outcome.unchanged = 0
        outcome.errors = [RowError(None, "", "A record in the file was added meanwhile. Check the file again.")]
    except EditConflict:
        outcome.new = outcome.updated = outcome.unchanged = 0
        outcome.errors = [RowError(None, "", "A record in the file was changed meanwhile. Check the file again.")]
    except DomainError as error:
        outcome.new = outcome.updated = outcome.unchanged = 0
        outcome.errors = [RowError(None, "", error.message)]
    return outcome
