"""Reading an uploaded file into rows, refusing what cannot be imported safely:
files too big, empty or of another type, unknown text encodings, missing or
unknown columns, and cells that a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import tablib
from django.conf import settings

from tracker.core.exports import looks_like_formula, restore


@dataclass(frozen=True)
class RowError:
    row: int | None  # the spreadsheet row number (the header is row 1); None for the whole file
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row else "File"
        column = f", column '{self.column}'" if self.column else ""
        return f"{where}{column}: {self.message}"


class FileRefused(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def _decode(content: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252 as Excel saves it."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused(
        [RowError(None, "", "The file's text encoding is not UTF-8 or Windows-1252. Save it as CSV UTF-8.")]
    )


def _read_csv(content: bytes) -> tuple[list[str], list[list[Any]]]:
    text = _decode(content)
    if "\x00" in text:
        raise FileRefused([RowError(None, "", "The file holds binary data, not CSV text.")])
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = [row for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        raise FileRefused([RowError(None, "", "The file is empty.")])
    return rows[0], rows[1:]


def _read_xlsx(content: bytes) -> tuple[list[str], list[list[Any]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (InvalidFileException, KeyError, OSError, ValueError, zipfile.BadZipFile) as error:
        raise FileRefused([RowError(None, "", "The file is not a readable XLSX workbook.")]) from error
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True) if any(c not in (None, "") for c in row)]
    workbook.close()
    if not rows:
        raise FileRefused([RowError(None, "", "The file is empty.")])
    header = ["" if c is None else str(c) for c in rows[0]]
    return header, rows[1:]


def read_table(
    content: bytes, filename: str, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> tablib.Dataset:
    """The file as a tablib Dataset with checked, normalised headers, or FileRefused
    naming every problem found."""
    if len(content) > max_bytes():
        limit = max_bytes() // (1024 * 1024)
        raise FileRefused(
            [RowError(None, "", f"The file is larger than the {limit} MB limit. Split it into smaller files.")]
        )
    if not content:
        raise FileRefused([RowError(None, "", "The file is empty.")])
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".csv":
        header, rows = _read_csv(content)
    elif suffix == ".xlsx":
        header, rows = _read_xlsx(content)
    else:
        raise FileRefused([RowError(None, "", "The file must be a CSV (.csv) or Excel workbook (.xlsx).")])

    header = [h.strip().lower() for h in header]
    # Trailing empty columns are common in spreadsheets; drop them.
    while header and header[-1] == "":
        header.pop()
    errors: list[RowError] = []
    known = set(required) | set(optional)
    for column in required:
        if column not in header:
            errors.append(RowError(None, column, "This column is missing."))
    for column in header:
        if column not in known:
            errors.append(RowError(None, column, f"Unknown column. Expected: {', '.join(required + optional)}."))
    duplicates = {c for c in header if header.count(c) > 1}
    for column in sorted(duplicates):
        errors.append(RowError(None, column, "This column appears more than once."))
    if errors:
        raise FileRefused(errors)
    if not rows:
        raise FileRefused([RowError(None, "", "The file has a header row but no data rows.")])

    width = len(header)
    dataset = tablib.Dataset(headers=header)
    for number, raw in enumerate(rows, start=2):
        cells = list(raw[:width]) + [None] * (width - len(raw))
        extra = [c for c in raw[width:] if c not in (None, "")]
        if extra:
            errors.append(RowError(number, "", "The row has more cells than the header has columns."))
        for column, cell in zip(header, cells, strict=True):
            if looks_like_formula(cell):
                errors.append(
                    RowError(number, column, "The cell looks like a spreadsheet formula; enter the value itself.")
                )
        dataset.append([_clean(c) for c in cells])
    if errors:
        raise FileRefused(errors)
    return dataset


def _clean(cell: Any) -> Any:
    if isinstance(cell, str):
        cell = restore(cell.strip())
        return cell if cell != "" else None
    return cell
