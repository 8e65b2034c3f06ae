"""Reading an XLSX workbook's first sheet as a stream, within the import limits.

An XLSX file is a zip of XML parts, and both layers can be turned against a server:
a zip whose parts unpack to gigabytes, XML with entity declarations that expand
without end or fetch other files, a sheet that claims a million rows or columns, a
cell of hundreds of megabytes. So, before openpyxl reads anything:

- the zip's directory is checked (declared sizes and compression ratios), then every
  part is unpacked as a stream and counted, since the declared sizes can lie;
- any part holding a document type declaration (`<!DOCTYPE`, `<!ENTITY`) is refused:
  a spreadsheet never needs one (defusedxml, which openpyxl uses when installed,
  guards its own parsing as well);
- the shared strings are streamed and any string over the cell limit refused.

The sheet itself is then read by expat, event by event, never trusting its claimed
dimension: it stops at the first row past the row limit, the first value past the
column limit and the first cell past the character limit, and holds one row at a
time. Each cell's value is what openpyxl's own reader gives (numbers, dates by the
cell's number format, booleans, shared strings, formulas as "=…" text)."""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any
from xml.parsers import expat

from openpyxl.utils import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._reader import _cast_number

from tracker.core.imports.limits import EXCEL_COLUMNS, MB, Limits

HEADER_ROWS = 1
CHUNK = 64 * 1024
XML_PARTS = (".xml", ".rels", ".vml")
MAX_PARTS = 10_000
# Parts smaller than this are never refused for their compression ratio.
RATIO_FLOOR = 1 * MB
DTD = re.compile(rb"<!(DOCTYPE|ENTITY)")

UNREADABLE = "The file is not a readable XLSX workbook. Open it in Excel, save it again as .xlsx and upload it again."
ENTITIES = (
    "The workbook contains XML document type or entity declarations, which spreadsheets never need "
    "and which can be used to attack a server. Open it in Excel, save it again as .xlsx and upload it again."
)

Refuse = Callable[[str], Exception]


def _fmt(number: int) -> str:
    return f"{number:,}"


def check_archive(file: IO[bytes], limits: Limits, refuse: Refuse) -> zipfile.ZipFile:
    """The zip, once its every part has been unpacked within the limits and found
    free of document type declarations; raises `refuse(message)` otherwise."""
    try:
        archive = zipfile.ZipFile(file)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise refuse(UNREADABLE) from error
    too_big = refuse(
        f"The workbook unpacks to more than {limits.unpacked_bytes // MB} MB, the limit. Split it into smaller files."
    )
    if len(infos) > MAX_PARTS or sum(info.file_size for info in infos) > limits.unpacked_bytes:
        raise too_big
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > limits.compression_ratio * max(info.compress_size, 1):
            raise refuse(
                f"The workbook is compressed more than {limits.compression_ratio} to 1, beyond what a "
                "spreadsheet needs; it may be a zip bomb. Save it again from Excel, or as CSV."
            )
    unpacked = 0
    try:
        for info in infos:
            if info.is_dir():
                continue
            scan = info.filename.lower().endswith(XML_PARTS)
            tail = b""
            with archive.open(info) as part:
                while chunk := part.read(CHUNK):
                    unpacked += len(chunk)
                    if unpacked > limits.unpacked_bytes:
                        raise too_big
                    if scan:
                        # UTF-16 parts: the markup's bytes are separated by NULs.
                        text = tail + chunk.replace(b"\x00", b"")
                        if DTD.search(text):
                            raise refuse(ENTITIES)
                        tail = text[-16:]
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as error:
        # Truncated or corrupt data, a bad checksum, encryption, an unknown compression.
        raise refuse(UNREADABLE) from error
    return archive


def _parser(refuse: Refuse) -> Any:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def forbidden(*args: Any) -> Any:
        raise refuse(ENTITIES)

    parser.StartDoctypeDeclHandler = forbidden
    parser.EntityDeclHandler = forbidden
    parser.ExternalEntityRefHandler = forbidden
    return parser


def _local(name: str) -> str:
    return name.rpartition("}")[2]


def _feed(parser: Any, source: IO[bytes], refuse: Refuse) -> Iterator[None]:
    """Feed `source` to `parser` a chunk at a time, yielding after each chunk."""
    try:
        while chunk := source.read(CHUNK):
            parser.Parse(chunk, False)
            yield
        parser.Parse(b"", True)
        yield
    except (expat.ExpatError, zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
        raise refuse(UNREADABLE) from error


def check_shared_strings(archive: zipfile.ZipFile, limits: Limits, refuse: Refuse) -> None:
    """Refuse a workbook with a shared string over the cell limit, before openpyxl
    reads the shared strings into memory (which it does whole)."""
    name = next((n for n in archive.namelist() if n.lower().endswith("sharedstrings.xml")), None)
    if name is None:
        return
    parser = _parser(refuse)
    length = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal length
        if _local(name) == "si":
            length = 0

    def text(data: str) -> None:
        nonlocal length
        length += len(data)
        if length > limits.cell_chars:
            raise refuse(
                f"A cell holds more than {_fmt(limits.cell_chars)} characters, the limit. Shorten it and upload "
                "the file again."
            )

    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    with archive.open(name) as source:
        for _ in _feed(parser, source, refuse):
            pass


@dataclass(frozen=True)
class Book:
    """What a sheet's cells need from the rest of the workbook."""

    shared_strings: Sequence[Any]
    epoch: datetime
    date_formats: frozenset[int]
    timedelta_formats: frozenset[int]


COORDINATE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)$")


class _Cell:
    __slots__ = ("formula", "kind", "style", "text", "column")

    def __init__(self, attrs: dict[str, str]) -> None:
        self.kind = attrs.get("t", "n")
        self.style = attrs.get("s", "")
        self.formula = False
        self.text: list[str] = []
        self.column = attrs.get("r", "")


def _value(cell: _Cell, book: Book) -> Any:
    """The cell's value as openpyxl's reader gives it (with data_only off)."""
    text = "".join(cell.text)
    if cell.formula:
        return "=" + text
    if cell.kind == "inlineStr":
        return text
    if text == "":
        return None
    if cell.kind == "n":
        number: Any = _cast_number(text)
        style = int(cell.style) if cell.style else 0
        if style in book.date_formats:
            try:
                return from_excel(number, book.epoch, timedelta=style in book.timedelta_formats)
            except (OverflowError, ValueError):
                return "#VALUE!"  # a date out of range, as openpyxl reads it
        return number
    if cell.kind == "s":
        return book.shared_strings[int(text)]
    if cell.kind == "b":
        return bool(int(text))
    if cell.kind == "d":
        return from_ISO8601(text)
    return text  # "str" (a formula's cached text), "e" (an error such as #N/A)


def open_book(file: IO[bytes]) -> tuple[Book, str, zipfile.ZipFile]:
    """The workbook's shared strings, date formats and epoch, and the path of its
    first worksheet in the (open) zip. openpyxl reads the workbook's parts, but not
    the sheet: its read-only worksheet would parse a sheet without a `dimension`
    whole just to size it."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(file, read_only=True, data_only=False)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    paths = [
        rel.target
        for _, rel in reader.parser.find_sheets()
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type
    ]
    if not paths:
        raise ValueError("no worksheet")
    book = Book(
        shared_strings=reader.shared_strings,
        epoch=reader.wb.epoch,
        date_formats=frozenset(reader.wb._date_formats),
        timedelta_formats=frozenset(reader.wb._timedelta_formats),
    )
    return book, paths[0], reader.archive


def sheet_rows(source: IO[bytes], book: Book, limits: Limits, refuse: Refuse) -> Iterator[tuple[int, list[Any]]]:
    """The rows of a sheet's XML as (row number, values by column from A), empty rows
    left out. Raises `refuse(message)` at the first row, column or cell over the limits."""
    parser = _parser(refuse)
    pending: list[tuple[int, list[Any]]] = []
    max_rows = limits.rows + HEADER_ROWS
    # Every row and cell element costs work, empty or not, so their numbers are
    # bounded too: no more row elements than rows allowed, no more cell elements than
    # (rows × columns) allowed, with room for empty formatted cells.
    max_row_elements = max_rows
    max_cell_elements = max_rows * max(limits.columns, 100)
    state: dict[str, Any] = {"last": 0, "number": 0, "in_row": False, "cells": 0, "column": 0, "rows": 0, "all": 0}
    values: dict[int, Any] = {}
    # Inside a cell: the cell, the element names open within it, and its length so far.
    cell: _Cell | None = None
    inside: list[str] = []
    collect = False
    chars = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal cell, collect, chars
        local = name.rpartition("}")[2]
        if cell is not None:
            inside.append(local)
            if local == "f":
                cell.formula = True
                cell.text.clear()
            # Text is a cell's value (v), formula (f) or inline string (t, but not
            # the phonetic guide rPh).
            collect = local in ("v", "f", "t") and "rPh" not in inside and not (cell.formula and local != "f")
            return
        if local == "row":
            state["in_row"], state["cells"], state["column"] = True, 0, 0
            state["rows"] += 1
            if state["rows"] > max_row_elements:
                raise refuse(
                    f"The file has more than {_fmt(limits.rows)} rows, the limit. Split it into smaller files."
                )
            values.clear()
            try:
                number = int(float(attrs["r"])) if "r" in attrs else state["last"] + 1
            except ValueError as error:
                raise refuse(UNREADABLE) from error
            if number > max_rows:
                raise refuse(
                    f"The file has more than {_fmt(limits.rows)} rows, the limit. Split it into smaller files."
                )
            state["number"] = number
        elif local == "c" and state["in_row"]:
            state["cells"] += 1
            state["all"] += 1
            if state["cells"] > EXCEL_COLUMNS:
                raise refuse(UNREADABLE)
            if state["all"] > max_cell_elements:
                raise refuse(
                    f"The sheet has more cells than {_fmt(limits.rows)} rows of {limits.columns} columns. "
                    "Delete the unused rows and columns (including formatted empty cells) and upload it again."
                )
            cell, chars = _Cell(attrs), 0

    def end(name: str) -> None:
        nonlocal cell, collect
        collect = False
        if cell is not None:
            if inside:
                inside.pop()
                return
            done, cell = cell, None
            _store(done)
            return
        if state["in_row"] and name.rpartition("}")[2] == "row":
            state["in_row"] = False
            number = state["number"]
            if number <= state["last"]:  # a repeated or out-of-order row, which openpyxl skips too
                return
            state["last"] = number
            if values:
                row: list[Any] = [None] * max(values)
                for column, value in values.items():
                    row[column - 1] = value
                pending.append((number, row))

    def _store(done: _Cell) -> None:
        if done.column:
            match = COORDINATE.match(done.column)
            if match is None:
                raise refuse(UNREADABLE)
            column = column_index_from_string(match[1].upper())
        else:
            column = state["column"] + 1
        state["column"] = column
        try:
            value = _value(done, book)
        except (ValueError, KeyError, IndexError, TypeError, OverflowError) as error:
            raise refuse(UNREADABLE) from error
        if value is None or (isinstance(value, str) and not value.strip()):
            return  # a row of blank cells is an empty row, as in a CSV file
        if column > limits.columns:
            raise refuse(
                f"Row {state['number']} has a value in column {_fmt(column)}; a file may have at most "
                f"{limits.columns} columns. Delete the extra columns and upload the file again."
            )
        values[column] = value

    def text(data: str) -> None:
        nonlocal chars
        if not collect or cell is None:
            return
        chars += len(data)
        if chars > limits.cell_chars:
            raise refuse(
                f"Row {state['number']} has a cell of more than {_fmt(limits.cell_chars)} characters, the limit. "
                "Shorten it and upload the file again."
            )
        cell.text.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    for _ in _feed(parser, source, refuse):
        yield from pending
        pending.clear()
