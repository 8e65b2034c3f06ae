"""Delete the files of refused import uploads older than REFUSED_IMPORT_RETENTION_DAYS.
The daily `data_protection_duties` command does the same among its other duties."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from tracker.core.imports.services import delete_refused_files


class Command(BaseCommand):
    help = (
        "Delete the stored files of refused import uploads (which may hold personal data) once they are "
        "REFUSED_IMPORT_RETENTION_DAYS old. Safe to run at any time, as often as wanted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="Age in days (default: the REFUSED_IMPORT_RETENTION_DAYS setting)."
        )

    def handle(self, *args: Any, days: int | None, **options: Any) -> None:
        age = settings.REFUSED_IMPORT_RETENTION_DAYS if days is None else days
        deleted = delete_refused_files(older_than=timedelta(days=age))
        self.stdout.write(f"Deleted {deleted} refused upload file(s) older than {age} days.")
