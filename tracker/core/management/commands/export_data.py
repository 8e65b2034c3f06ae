"""Export every record of a kind to CSV or XLSX, in the layout import_data reads,
through the streaming writers: memory stays flat whatever the number of rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.core.exports import FORMATS, SpreadsheetExport, sheet_title
from tracker.core.imports import registry


class Command(BaseCommand):
    help = "Export all records of a kind; the file's extension (.csv or .xlsx) picks the format."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, kind: str, file: Path, **options: Any) -> None:
        chosen = registry.get(kind)
        if chosen is None or not chosen.exportable:
            raise CommandError(
                f"Unknown kind {kind!r}. Choose one of: {', '.join(k.slug for k in registry.all_kinds())}."
            )
        fmt = file.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise CommandError("The file name must end in .csv or .xlsx.")
        export = SpreadsheetExport(chosen.resource(user=None), None, fmt=fmt, title=sheet_title(chosen.slug))
        with file.open("wb") as out:
            rows = export.write(out)
        self.stdout.write(self.style.SUCCESS(f"Wrote {rows} rows to {file}."))
