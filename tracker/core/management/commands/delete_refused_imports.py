"""Delete the files of refused import uploads older than IMPORT_REFUSED_FILE_HOURS."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from tracker.core.imports.services import delete_refused_files


class Command(BaseCommand):
    help = (
        "Delete the stored files of refused import uploads (which may hold personal data) once they are "
        "IMPORT_REFUSED_FILE_HOURS old. Safe to run at any time, as often as wanted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours", type=int, default=None, help="Age in hours (default: the IMPORT_REFUSED_FILE_HOURS setting)."
        )

    def handle(self, *args: Any, hours: int | None, **options: Any) -> None:
        age = settings.IMPORT_REFUSED_FILE_HOURS if hours is None else hours
        deleted = delete_refused_files(older_than=timedelta(hours=age))
        self.stdout.write(f"Deleted {deleted} refused upload file(s) older than {age} hours.")
