"""Import a CSV or XLSX file from the command line: all rows or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.core.imports import registry
from tracker.core.imports.services import check_file
from tracker.core.models import User


class Command(BaseCommand):
    help = "Import a file of records. Nothing is written if any row has a problem."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="What the file holds: " + ", ".join(k.slug for k in registry.all_kinds()))
        parser.add_argument("file", type=Path, help="A .csv or .xlsx file with a header row.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")
        parser.add_argument("--user", help="Username to record in the history as the importer.")

    def handle(self, *args: Any, kind: str, file: Path, dry_run: bool, user: str | None, **options: Any) -> None:
        chosen = registry.get(kind)
        if chosen is None:
            raise CommandError(
                f"Unknown kind {kind!r}. Choose one of: {', '.join(k.slug for k in registry.all_kinds())}."
            )
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        by = None
        if user:
            by = User.objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"No user {user!r}.")
        self.stdout.write(f"Reading {file.name}…")

        def progress(done: int, total: int, verb: str = "read") -> None:
            self.stdout.write(f"  {done:,} of {total:,} rows {verb}…")
            self.stdout.flush()

        with file.open("rb") as handle:
            outcome = check_file(chosen, handle, file.name, by=by, dry_run=dry_run, progress=progress)
        if not outcome.ok:
            for error in outcome.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(outcome.errors)} problem(s) found; nothing was imported.")
        verb = "Would import" if dry_run else "Imported"
        counts = f"{outcome.new} new, {outcome.updated} updated, {outcome.unchanged} unchanged"
        self.stdout.write(self.style.SUCCESS(f"{verb} {outcome.rows} rows: {counts}."))
