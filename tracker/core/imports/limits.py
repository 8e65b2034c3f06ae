"""How much of a file an import will read, from settings (see README.md and
docs/imports.md). Every limit is checked while the file is first opened, before any
row is checked, so a hostile file costs at most this much work."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

MB = 1024 * 1024
# Excel's own limits: a cell holds at most 32,767 characters, a row 16,384 cells.
EXCEL_CELL_CHARS = 32_767
EXCEL_COLUMNS = 16_384


@dataclass(frozen=True)
class Limits:
    bytes: int  # the file as uploaded
    rows: int  # data rows (the header aside), counted as the spreadsheet numbers them
    columns: int  # the rightmost column that may hold a value
    cell_chars: int  # characters in one cell
    unpacked_bytes: int  # an XLSX's parts once decompressed, all together
    compression_ratio: int  # unpacked size / packed size of any large XLSX part
    problems_shown: int  # problems listed on the preview page; the rest are counted

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            bytes=int(getattr(settings, "IMPORT_MAX_BYTES", 20 * MB)),
            rows=int(getattr(settings, "IMPORT_MAX_ROWS", 100_000)),
            columns=int(getattr(settings, "IMPORT_MAX_COLUMNS", 50)),
            cell_chars=int(getattr(settings, "IMPORT_MAX_CELL_CHARS", EXCEL_CELL_CHARS)),
            unpacked_bytes=int(getattr(settings, "IMPORT_MAX_UNPACKED_MB", 200)) * MB,
            compression_ratio=int(getattr(settings, "IMPORT_MAX_COMPRESSION_RATIO", 100)),
            problems_shown=int(getattr(settings, "IMPORT_PROBLEMS_SHOWN", 100)),
        )
