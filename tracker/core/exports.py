"""Spreadsheet exports: django-import-export resources that neutralise formulas,
and the writers that send a filtered list as CSV or XLSX with flat memory.

The writers take each row's cells from the resource itself (its field list and
`export_field`, so dehydrate methods, widgets and `neutralise` apply as they do in
`resource.export()`) but never hold the rows: the queryset is read with
`iterator()` in chunks, CSV is sent as it is written, and XLSX is written by
openpyxl's write-only workbook into a temporary file (on disk past a few MB)."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import chain, islice
from typing import Any, BinaryIO

import tablib
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from import_export import resources, widgets
from import_export.formats.base_formats import CSV, XLSX
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from tablib.formats._xlsx import safe_xlsx_sheet_title

from tracker.core.downloads import attachment
from tracker.core.imports import cells

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {"csv": CSV, "xlsx": XLSX}


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with a quote, which
    spreadsheets show as text; `restore()` takes it off again on import."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


NUMBER_LIKE = re.compile(r"[+-][\d\s().]+")


def looks_like_formula(value: Any) -> bool:
    """A cell a spreadsheet would evaluate. Text that our own export quoted is not
    one, and neither is a signed number or a phone number such as +44 1905 123456."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if len(text) < 2 or text.startswith("'"):
        return False
    if text[0] in "=@":
        return True
    return text[0] in "+-" and not NUMBER_LIKE.fullmatch(text)


class YesNoWidget(widgets.Widget):
    """A true/false column: written "yes" or "no", read with the import vocabulary."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool | None:
        return None if cells.blank(value) else cells.yes_no(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "yes" if value else "no"


class IsoDateWidget(widgets.DateWidget):
    """A date column: written YYYY-MM-DD, read with the import vocabulary."""

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        return None if cells.blank(value) else cells.a_date(value)


class SafeExportResource(resources.ModelResource):
    """Base for every resource: exported text cannot run as a formula, and dates
    are written in the local time zone."""

    def export_field(self, field: Any, instance: Any, **kwargs: Any) -> Any:
        value = super().export_field(field, instance, **kwargs)
        if isinstance(value, datetime) and timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return neutralise(value)


def sheet_title(name: str) -> str:
    """A list's name as a sheet's: "community-groups" → "Community groups"."""
    return name.replace("-", " ").replace("_", " ").strip().capitalize()


def export_dataset(
    resource: resources.ModelResource, queryset: QuerySet[Any] | None, *, fmt: str, title: str
) -> tablib.Dataset:
    """The rows of `queryset` (None: the resource's own) as a whole dataset in memory,
    titled after the list. For small exports and comparisons only: files are written
    by `SpreadsheetExport`, which holds no more than a chunk of rows."""
    dataset = resource.export(queryset, force_native_type=fmt == "xlsx")
    dataset.title = title
    return dataset


# Rows fetched per database round trip (and per prefetch batch of each lookup).
CHUNK_ROWS = 2000
# CSV text is sent in pieces of about this many characters.
CSV_PIECE_CHARS = 64 * 1024
# XLSX column widths fit the header and this many first rows (a write-only sheet must
# be given its widths before its rows).
WIDTH_SAMPLE_ROWS = 1000
# A long export tells its `progress` callback the rows written every this many rows.
PROGRESS_EVERY = 10_000
# An XLSX file stays in memory up to this size, then moves to a temporary file on disk.
SPOOL_BYTES = 4 * 1024 * 1024


class SpreadsheetExport:
    """One export of `queryset` (None: the resource's own) through `resource`, as CSV
    or XLSX. Writes the same header, columns and cells as `resource.export()` followed
    by django-import-export's CSV or XLSX format; `rows` counts what was written."""

    def __init__(
        self,
        resource: resources.ModelResource,
        queryset: QuerySet[Any] | None,
        *,
        fmt: str,
        title: str,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"Unknown export format {fmt!r}")
        self.resource = resource
        self.queryset = resource.get_queryset() if queryset is None else queryset
        self.fmt = fmt
        self.title = title
        self.progress = progress
        self.rows = 0

    @property
    def content_type(self) -> str:
        return str(FORMATS[self.fmt]().get_content_type())

    @property
    def extension(self) -> str:
        return self.fmt

    def header(self) -> list[str]:
        return [str(name) for name in self.resource.get_export_headers()]

    def _instances(self) -> Iterator[Any]:
        queryset = self.resource.filter_export(self.queryset)
        if not isinstance(queryset, QuerySet):
            yield from queryset
            return
        if not queryset.ordered:
            queryset = queryset.order_by("pk")  # the order django-import-export pages in
        # A server-side cursor on PostgreSQL, chunked fetches on SQLite; prefetches run
        # once a chunk, so the number of queries grows by one per lookup per chunk.
        yield from queryset.iterator(chunk_size=CHUNK_ROWS)

    def cells(self, *, native: bool) -> Iterator[list[Any]]:
        """Each row's cells, computed by the resource as `resource.export()` does."""
        fields = self.resource.get_export_fields()
        export_field = self.resource.export_field
        for instance in self._instances():
            self.rows += 1
            yield [export_field(field, instance, force_native_type=native) for field in fields]
            if self.progress is not None and self.rows % PROGRESS_EVERY == 0:
                self.progress(self.rows)

    def csv_pieces(self) -> Iterator[bytes]:
        """The CSV file, UTF-8, in pieces of about CSV_PIECE_CHARS characters."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.header())
        for row in self.cells(native=False):
            writer.writerow(row)
            if buffer.tell() >= CSV_PIECE_CHARS:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode("utf-8")

    def write_xlsx(self, out: BinaryIO) -> None:
        """The XLSX file, laid out as django-import-export's (bold frozen header,
        wrapped multi-line cells, columns as wide as their content), with numbers,
        dates and times as native cells."""
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(safe_xlsx_sheet_title(self.title) if self.title else "Tablib Dataset")
        sheet.freeze_panes = "A2"
        header = self.header()
        rows = self.cells(native=True)
        first = list(islice(rows, WIDTH_SAMPLE_ROWS))
        for column, width in enumerate(column_widths([header, *first]), start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        bold = Font(bold=True)
        sheet.append([_styled(sheet, name, font=bold) for name in header])
        wrap = Alignment(wrap_text=True)
        for row in chain(first, rows):
            sheet.append([_xlsx_cell(sheet, value, wrap) for value in row])
        workbook.save(out)

    def write(self, out: BinaryIO) -> int:
        """Write the whole file to `out`; returns the number of rows written."""
        if self.fmt == "csv":
            for piece in self.csv_pieces():
                out.write(piece)
        else:
            self.write_xlsx(out)
        return self.rows


def column_widths(rows: Iterable[list[Any]]) -> list[int]:
    widths: list[int] = []
    for row in rows:
        for index, value in enumerate(row):
            width = len(str(value))
            if index < len(widths):
                widths[index] = max(widths[index], width)
            else:
                widths.append(width)
    return widths


def _styled(
    sheet: WriteOnlyWorksheet, value: Any, *, font: Font | None = None, alignment: Alignment | None = None
) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any, wrap: Alignment) -> Any:
    if isinstance(value, str):
        # Characters an XLSX cell cannot hold (control codes): dropped, where the
        # whole-workbook writer would have refused the export.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if "\n" in value:
            return _styled(sheet, value, alignment=wrap)
    return value


def spooled_export(export: SpreadsheetExport) -> BinaryIO:
    """The whole file in a temporary file (memory up to SPOOL_BYTES, then disk), at its start."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  # handed to the response, which closes it
    export.write(spool)  # type: ignore[arg-type]  # a SpooledTemporaryFile is a binary file
    spool.seek(0)
    return spool  # type: ignore[return-value]


def download_name(filename: str, fmt: str) -> str:
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    return f"{filename}-{stamp}.{fmt}"


def export_response(
    resource: resources.ModelResource, queryset: QuerySet[Any], *, fmt: str, filename: str, title: str = ""
) -> StreamingHttpResponse:
    """The rows of `queryset`, in its order, as a CSV or XLSX download; the sheet is
    named `title` (by default after `filename`). CSV is streamed as it is written;
    XLSX is written first (a zip file needs its end before its start) to a spooled
    temporary file, then streamed."""
    export = SpreadsheetExport(resource, queryset, fmt=fmt, title=title or sheet_title(filename))
    response: StreamingHttpResponse
    if fmt == "csv":
        response = StreamingHttpResponse(export.csv_pieces(), content_type=export.content_type)
    else:
        response = FileResponse(spooled_export(export), content_type=export.content_type)
    attachment(response, download_name(filename, fmt))
    return response
