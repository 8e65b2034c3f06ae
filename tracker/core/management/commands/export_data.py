"""Export every record of a kind to CSV or XLSX, in the layout import_data reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from import_export.formats.base_formats import CSV, XLSX

from tracker.core.exports import export_dataset, sheet_title
from tracker.core.imports import registry

FORMATS = {".csv": CSV, ".xlsx": XLSX}


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
        file_format = FORMATS.get(file.suffix.lower())
        if file_format is None:
            raise CommandError("The file name must end in .csv or .xlsx.")
        resource = chosen.resource(user=None)
        dataset = export_dataset(resource, None, fmt=file.suffix.lower().lstrip("."), title=sheet_title(chosen.slug))
        content = file_format().export_data(dataset)
        file.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(dataset)} rows to {file}."))
