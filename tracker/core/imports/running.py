"""Running an import: all rows or none, with every problem named by row and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from import_export.results import Result, RowResult

from tracker.core.imports.reading import HEADER_ROWS, FileRefused, Progress, RowError, Table
from tracker.core.imports.registry import ImportKind
from tracker.core.models import User

__all__ = ["HEADER_ROWS", "ImportOutcome", "Progress", "run_import"]


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


class _Rollback(Exception):
    pass


def _column_for(resource: Any, field_name: str) -> str:
    for resource_field in resource.get_import_fields():
        if resource_field.attribute == field_name or resource_field.column_name == field_name:
            return str(resource_field.column_name)
    return "" if field_name == "__all__" else field_name


def _errors_from(result: Result, resource: Any, numbers: list[int]) -> list[RowError]:
    """The resource's errors by spreadsheet row: import-export numbers the dataset's
    rows from 1, and `numbers` gives the spreadsheet row of each."""
    errors: list[RowError] = []
    for error in result.base_errors:
        errors.append(RowError(None, "", str(error.error)))
    for number, row_errors in result.row_errors():
        for error in row_errors:
            errors.append(RowError(numbers[number - 1], "", _plain(error.error)))
    for invalid in result.invalid_rows:
        for name, messages in invalid.error_dict.items():
            for message in messages:
                errors.append(RowError(numbers[invalid.number - 1], _column_for(resource, name), str(message)))
    return sorted(errors, key=lambda e: (e.row or 0, e.column))


def _plain(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error) or error.__class__.__name__


def _duplicates(dataset: tablib.Dataset, columns: list[str], numbers: list[int]) -> list[RowError]:
    seen: dict[tuple[Any, ...], int] = {}
    errors = []
    present = [c for c in columns if c in dataset.headers]
    if not present:
        return []
    for number, row in zip(numbers, dataset.dict, strict=True):
        key = tuple(str(row.get(c) or "").strip().lower() for c in present)
        if not any(key):
            continue
        if key in seen:
            errors.append(
                RowError(number, present[0], f"Duplicates row {seen[key]}: each {', '.join(present)} may appear once.")
            )
        else:
            seen[key] = number
    return errors


def run_import(
    kind: ImportKind, table: Table, *, by: User | None, dry_run: bool, progress: Progress | None = None
) -> ImportOutcome:
    """Check (dry_run) or import every row. Any error anywhere writes nothing.
    `progress`, if given, hears how many rows have been read as the import goes.

    Bulk runners get the table itself and read it as a stream (twice: to check,
    then to write); the other kinds' files are small and are read into a dataset."""
    if kind.runner is not None:
        table.progress = progress
        return kind.runner(table, by=by, dry_run=dry_run)
    try:
        dataset = table.dataset()
    except FileRefused as refused:
        return ImportOutcome(rows=len(table), errors=refused.errors)
    resource = kind.resource(user=by)
    resource.progress = progress
    id_columns = [str(resource.fields[name].column_name) for name in resource.get_import_id_fields()]
    outcome = ImportOutcome(rows=len(dataset))
    outcome.errors = _duplicates(dataset, id_columns, table.numbers)
    if outcome.errors:
        return outcome
    try:
        with transaction.atomic():
            result = resource.import_data(dataset, dry_run=dry_run, raise_errors=False, use_transactions=True)
            outcome.errors = _errors_from(result, resource, table.numbers)
            totals = result.totals
            outcome.new = totals[RowResult.IMPORT_TYPE_NEW]
            outcome.updated = totals[RowResult.IMPORT_TYPE_UPDATE]
            outcome.unchanged = totals[RowResult.IMPORT_TYPE_SKIP]
            if dry_run or outcome.errors:
                raise _Rollback
    except _Rollback:
        pass
    return outcome
