"""Reading an uploaded file into rows, refusing what cannot be imported safely:
files too big, empty or of another type, unknown text encodings, missing or
unknown columns, and cells that a spreadsheet would run as formulas.

A `Table` reads its file as a stream: opening it checks the size, the type, the
encoding and the header, and `rows()` then yields the data rows one at a time,
from the start again on every call. A file of any length is never held in memory
whole, so the bulk importers can check every row in one pass and write in a
second."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any, Protocol, runtime_checkable

import tablib

from tracker.core.exports import looks_like_formula, restore
from tracker.core.imports import xlsx
from tracker.core.imports.limits import MB, Limits

HEADER_ROWS = 1  # data row n of a file is spreadsheet row n + 1
PROGRESS_EVERY = 1000
BUFFER = 64 * 1024


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


def _refused(message: str) -> FileRefused:
    return FileRefused([RowError(None, "", message)])


class Progress(Protocol):
    """Told how many rows have been read (or written) of how many in all."""

    def __call__(self, done: int, total: int, verb: str = "read") -> None: ...


@runtime_checkable
class RowSource(Protocol):
    """Rows that can be read more than once: a Table, or a list in a RowList."""

    header: list[str]
    errors: list[RowError]

    def __len__(self) -> int: ...

    def length_hint(self) -> int:
        """The number of rows if known without reading the file, else 0."""
        ...

    def rows(self, *, verb: str = "read") -> Iterator[tuple[int, dict[str, Any]]]: ...


def max_bytes() -> int:
    return Limits.from_settings().bytes


ENCODING_REFUSED = (
    "The file's text encoding is not UTF-8 or Windows-1252. Save it as CSV UTF-8 (in Excel: Save as, "
    "CSV UTF-8) and upload it again."
)
# Text that decodes as Windows-1252 but is not Western European text in it: control
# characters, four or more non-ASCII characters in a row (Shift-JIS, EUC, GBK and Big5
# text is made of such runs), or one of the rarely used signs that a Shift-JIS
# katakana's lead byte becomes (ƒ † ‡ ˆ ‰ ˜) directly before a letter or digit.
NOT_WINDOWS_1252 = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|[^\x00-\x7f]{4,}|[ƒ†‡ˆ‰˜][A-Za-z0-9]")


class _Raw(io.RawIOBase):
    """Any object with read() as a raw stream, so io's buffered text reader (with its
    universal newlines) can decode it; closing this leaves the file itself open."""

    def __init__(self, file: IO[bytes]):
        self._file = file

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._file.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _filled(row: list[Any] | tuple[Any, ...]) -> bool:
    return any(c not in (None, "") and not (isinstance(c, str) and not c.strip()) for c in row)


def _clean(cell: Any) -> Any:
    if isinstance(cell, str):
        cell = restore(cell.strip())
        return cell if cell != "" else None
    return cell


class Table:
    """A CSV or XLSX file with a checked, normalised header, read row by row.

    `file` is an open binary file that can seek (a file opened with "rb", an uploaded
    file, a storage file, a BytesIO); the table reads it but does not close it.
    Opening raises FileRefused naming every problem with the file as a whole.
    Problems found in single rows while reading (formula cells, too many cells) are
    collected in `errors` during each pass of `rows()`, and those rows are left out."""

    def __init__(
        self,
        file: IO[bytes],
        filename: str,
        *,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        limits: Limits | None = None,
    ) -> None:
        self._file = file
        self.filename = filename
        self.errors: list[RowError] = []
        # The spreadsheet row of each row of `dataset()`, in order.
        self.numbers: list[int] = []
        self.progress: Progress | None = None
        self._count: int | None = None
        self._encoding = ""
        self._workbook: Any = None
        self.limits = limits or Limits.from_settings()
        size = self._size()
        if size > self.limits.bytes:
            limit = self.limits.bytes // MB
            raise _refused(f"The file is larger than the {limit} MB limit. Split it into smaller files.")
        if size == 0:
            raise _refused("The file is empty.")
        suffix = PurePath(filename).suffix.lower()
        if suffix == ".csv":
            self._kind = "csv"
            self._encoding = self._detect_encoding()
        elif suffix == ".xlsx":
            self._kind = "xlsx"
            self._open_workbook()
        else:
            raise _refused("The file must be a CSV (.csv) or Excel workbook (.xlsx).")
        raw = self._raw_rows()
        try:
            first = next(raw, None)
            if first is None:
                raise _refused("The file is empty.")
            self.header = self._check_header(first[1], required, optional)
            if next(raw, None) is None:
                raise _refused("The file has a header row but no data rows.")
        except FileRefused:
            self.close()
            raise
        finally:
            raw.close()

    def _size(self) -> int:
        self._file.seek(0, os.SEEK_END)
        size = self._file.tell()
        self._file.seek(0)
        return size

    # CSV ---------------------------------------------------------------------------

    def _text(self, encoding: str) -> io.TextIOWrapper:
        self._file.seek(0)
        # newline="" as the csv module wants: line ends are left to the reader.
        return io.TextIOWrapper(io.BufferedReader(_Raw(self._file), BUFFER), encoding=encoding, newline="")

    def _lines(self, encoding: str) -> Iterator[str]:
        """The decoded lines, each read within a bounded length so that one enormous
        line cannot fill the memory."""
        text = self._text(encoding)
        longest = (self.limits.cell_chars + 3) * self.limits.columns
        while line := text.readline(longest):
            if len(line) == longest and not line.endswith(("\n", "\r")):
                raise _refused(
                    f"A line of the file is longer than {longest:,} characters: a file may have at most "
                    f"{self.limits.columns} columns of {self.limits.cell_chars:,} characters. "
                    "Check it is a CSV file and upload it again."
                )
            if "\x00" in line:
                raise _refused("The file holds binary data, not CSV text.")
            yield line

    def _csv_rows(self, encoding: str) -> Iterator[list[str]]:
        try:
            yield from csv.reader(self._lines(encoding))
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise self._too_long(None) from error
            raise _refused(f"The file is not readable CSV: {error}.") from error

    def _too_long(self, number: int | None) -> FileRefused:
        where = f"Row {number} has a cell" if number else "A cell"
        return _refused(
            f"{where} of more than {self.limits.cell_chars:,} characters, the limit. "
            "Shorten it and upload the file again."
        )

    def _detect_encoding(self) -> str:
        """UTF-8 (with or without a byte-order mark), else Windows-1252 as Excel saves
        it, if it reads as Western European text (see NOT_WINDOWS_1252). The whole file
        is decoded as a stream, keeping nothing, so a character that settles the
        question on the last line is found; on the way the rows are counted and the
        limits on rows, columns and cell length checked, before any row is."""
        limits = self.limits
        self._file.seek(0)
        start = self._file.read(BUFFER)
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise _refused(ENCODING_REFUSED)
        if b"\x00" in start:
            raise _refused("The file holds binary data, not CSV text.")
        for encoding in ("utf-8-sig", "cp1252"):
            count = 0
            try:
                for number, row in enumerate(self._csv_rows(encoding), start=1):
                    if number > limits.rows + HEADER_ROWS:
                        raise _refused(
                            f"The file has more than {limits.rows:,} rows, the limit. Split it into smaller files."
                        )
                    if not _filled(row):
                        continue
                    count += 1
                    if _filled(row[limits.columns :]):
                        raise _refused(
                            f"Row {number} has a value beyond column {limits.columns}; a file may have at most "
                            f"{limits.columns} columns. Delete the extra columns and upload the file again."
                        )
                    for cell in row:
                        if len(cell) > limits.cell_chars:
                            raise self._too_long(number)
                        if encoding == "cp1252" and NOT_WINDOWS_1252.search(cell):
                            raise _refused(ENCODING_REFUSED)
            except UnicodeDecodeError:
                continue
            self._count = max(count - HEADER_ROWS, 0)
            return encoding
        raise _refused(ENCODING_REFUSED)

    # XLSX --------------------------------------------------------------------------

    def _open_workbook(self) -> None:
        archive = xlsx.check_archive(self._file, self.limits, _refused)
        xlsx.check_shared_strings(archive, self.limits, _refused)
        archive.close()
        self._file.seek(0)
        try:
            self._book, self._sheet_path, self._workbook = xlsx.open_book(self._file)
        except FileRefused:
            raise
        except Exception as error:
            # Whatever openpyxl makes of a malformed part, the answer is the same.
            raise _refused(xlsx.UNREADABLE) from error
        # Read the sheet through once now: its limits are checked before any row is.
        try:
            self._count = max(sum(1 for _ in self._raw_rows()) - HEADER_ROWS, 0)
        except FileRefused:
            self.close()
            raise

    # Both --------------------------------------------------------------------------

    def _raw_rows(self) -> Generator[tuple[int, list[Any]]]:
        """The non-empty rows, header first, as (spreadsheet row number, cells). Empty
        rows are skipped but still counted, so a number is the row the person sees in
        their spreadsheet (a CSV record spanning lines in a quoted cell is one row)."""
        if self._kind == "csv":
            for number, row in enumerate(self._csv_rows(self._encoding), start=1):
                if _filled(row):
                    yield number, row
        else:
            with self._workbook.open(self._sheet_path) as source:
                yield from xlsx.sheet_rows(source, self._book, self.limits, _refused)

    def _check_header(self, first: list[Any], required: tuple[str, ...], optional: tuple[str, ...]) -> list[str]:
        header = ["" if h is None else str(h).strip().lower() for h in first]
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
        return header

    def __len__(self) -> int:
        """The number of data rows (empty rows are skipped). Known once the file has
        been read through (a CSV file's on opening); else the file is read to count."""
        if self._count is None:
            self._count = sum(1 for _ in self._raw_rows()) - HEADER_ROWS
        return self._count

    def length_hint(self) -> int:
        return self._count or 0

    def rows(self, *, verb: str = "read") -> Iterator[tuple[int, dict[str, Any]]]:
        """Each data row as (spreadsheet row number, {column: cleaned cell}), from the
        first row again on each call. Rows with a formula cell or more cells than the
        header are left out and their problems collected in `errors`. `progress`, if
        set, hears of every thousandth row, with `verb` ("read", "written")."""
        self.errors = []
        header = self.header
        width = len(header)
        total = len(self) if self.progress is not None else 0
        raw = self._raw_rows()
        next(raw)  # the header
        index = 0
        for index, (number, cells) in enumerate(raw, start=1):
            if self.progress is not None and index % PROGRESS_EVERY == 0:
                self.progress(index, total, verb)
            problems = len(self.errors)
            if any(c not in (None, "") for c in cells[width:]):
                self.errors.append(RowError(number, "", "The row has more cells than the header has columns."))
            cells = cells[:width]
            for column, cell in zip(header, cells, strict=False):
                if looks_like_formula(cell):
                    self.errors.append(
                        RowError(number, column, "The cell looks like a spreadsheet formula; enter the value itself.")
                    )
            if len(self.errors) > problems:
                continue
            row = {column: _clean(cell) for column, cell in zip(header, cells, strict=False)}
            for column in header[len(cells) :]:
                row[column] = None
            yield number, row
        self._count = index

    def dataset(self) -> tablib.Dataset:
        """The whole file in memory, for the kinds imported row by row through
        django-import-export (their files are small); FileRefused names every row
        that could not be read."""
        dataset = tablib.Dataset(headers=self.header)
        self.numbers.clear()
        for number, row in self.rows():
            dataset.append(list(row.values()))
            self.numbers.append(number)
        if self.errors:
            raise FileRefused(self.errors)
        return dataset

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None


class RowList:
    """Rows already in memory (a list of mappings) as a RowSource, numbered from
    `first_row`: how the services take rows from code rather than from a file."""

    def __init__(self, rows: list[Mapping[str, Any]], *, first_row: int = HEADER_ROWS + 1):
        self._rows = rows
        self._first_row = first_row
        self.header: list[str] = list(rows[0]) if rows else []
        self.errors: list[RowError] = []

    def __len__(self) -> int:
        return len(self._rows)

    def length_hint(self) -> int:
        return len(self._rows)

    def rows(self, *, verb: str = "read") -> Iterator[tuple[int, dict[str, Any]]]:
        for number, row in enumerate(self._rows, start=self._first_row):
            yield number, dict(row)


def as_source(rows: Iterable[Mapping[str, Any]] | RowSource, *, first_row: int = HEADER_ROWS + 1) -> RowSource:
    """`rows` if it can be read more than once, else its rows in a RowList."""
    if isinstance(rows, RowSource):
        return rows
    return RowList(list(rows), first_row=first_row)


def open_table(
    file: IO[bytes] | bytes,
    filename: str,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    limits: Limits | None = None,
) -> Table:
    """A Table over an open binary file (or bytes, for tests and small files),
    within `limits` (by default those of the settings)."""
    if isinstance(file, bytes):
        file = io.BytesIO(file)
    return Table(file, filename, required=required, optional=optional, limits=limits)
