"""Check that every issued report's stored file is whole, and find files no report
refers to (left by an issue that was killed after storing its PDF but before its
row was committed), removing them with --delete-strays."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import PurePosixPath
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tracker.reports.models import IssuedReport

FOLDER = "issued-reports"


def stored_names(folder: str = FOLDER) -> list[str]:
    """Every file under `folder` in the default storage, as storage names."""
    if not default_storage.exists(folder):
        return []
    directories, files = default_storage.listdir(folder)
    names = [str(PurePosixPath(folder) / name) for name in files]
    for directory in directories:
        names.extend(stored_names(str(PurePosixPath(folder) / directory)))
    return names


def damaged_reports() -> list[str]:
    """Problems with the issued reports' files: missing, or not the bytes issued."""
    problems = []
    for report in IssuedReport.objects.order_by("pk"):
        name = report.file.name
        if not name or not default_storage.exists(name):
            problems.append(f"Issued report {report.pk} has no stored file ({name or 'no name'}).")
            continue
        digest = hashlib.sha256()
        size = 0
        with default_storage.open(name, "rb") as stored:
            for chunk in iter(lambda: stored.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
        if size != report.size or digest.hexdigest() != report.sha256:
            problems.append(f"Issued report {report.pk}: {name} does not match its recorded size and SHA-256.")
    return problems


def stray_files(older_than: timedelta) -> list[str]:
    """Stored files no issued report refers to, last changed more than `older_than`
    ago (a younger one may belong to an issue still in progress)."""
    referenced = set(IssuedReport.objects.values_list("file", flat=True))
    cutoff = timezone.now() - older_than
    return [
        name
        for name in sorted(stored_names())
        if name not in referenced and default_storage.get_modified_time(name) < cutoff
    ]


class Command(BaseCommand):
    help = (
        "Check every issued report's file against its recorded size and SHA-256, and list stored files "
        "no report refers to (--delete-strays removes them)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--delete-strays", action="store_true", help="Remove files no issued report refers to.")
        parser.add_argument(
            "--older-than",
            type=int,
            default=60,
            metavar="MINUTES",
            help="Only files unchanged for this long count as strays (default 60).",
        )

    def handle(self, *args: Any, delete_strays: bool, older_than: int, **options: Any) -> None:
        strays = stray_files(timedelta(minutes=older_than))
        for name in strays:
            if delete_strays:
                default_storage.delete(name)
                self.stdout.write(f"Removed {name}: no issued report refers to it.")
            else:
                self.stdout.write(f"Stray file {name}: no issued report refers to it.")
        problems = damaged_reports()
        if problems:
            raise CommandError("\n".join(problems))
        count = IssuedReport.objects.count()
        self.stdout.write(self.style.SUCCESS(f"{count} issued reports, every file whole."))
