"""The daily data protection duties (issue #14), one command for production's daily
timer (docs/production.md). Each duty is idempotent: a second run the same day changes
nothing more. Adding a duty is one line in DUTIES."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from interventions.retention import purge_old_drafts
from tracker.core.imports.services import delete_refused_files
from tracker.dataprotection import consultations, retention


def purge_drafts(now: datetime) -> str:
    purged = purge_old_drafts(now=now)
    return f"Purged {purged} referral draft(s) never submitted, older than {settings.DRAFT_RETENTION_DAYS} days."


def delete_refused_imports(now: datetime) -> str:
    days = settings.REFUSED_IMPORT_RETENTION_DAYS
    deleted = delete_refused_files(older_than=timedelta(days=days), now=now)
    return f"Deleted {deleted} refused upload file(s) older than {days} days."


def list_reviews_due(now: datetime) -> str:
    due = retention.reviews_due(timezone.localdate(now)).count()
    return f"{due} retention review(s) due (see Data protection > Retention reviews due)."


def prune_access_log(now: datetime) -> str:
    pruned = consultations.prune_access_log(now)
    return f"Pruned {pruned} consultation-log row(s) older than {settings.ACCESS_LOG_RETENTION_DAYS} days."


def flag_unusual_volume(now: datetime) -> str:
    """Yesterday, the last whole day (today's flags come with tomorrow's run)."""
    yesterday = timezone.localdate(now) - timedelta(days=1)
    flags = consultations.flag_unusual_volume(yesterday)
    threshold = settings.ACCESS_LOG_DAILY_PEOPLE_THRESHOLD
    return f"{len(flags)} user(s) viewed more than {threshold} people on {yesterday:%d %B %Y} (see Unusual volume)."


# (name, duty): each takes the moment of the run and returns one line for the log.
DUTIES: list[tuple[str, Callable[[datetime], str]]] = [
    ("purge drafts", purge_drafts),
    ("delete refused imports", delete_refused_imports),
    ("list reviews due", list_reviews_due),
    ("prune the consultation log", prune_access_log),
    ("flag unusual volume", flag_unusual_volume),
]


class Command(BaseCommand):
    help = (
        "Run the daily data protection duties: purge old referral drafts, delete refused uploads' files, "
        "list the retention reviews due, prune the consultation log and flag unusual volume. "
        "Idempotent; run it once a day."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        for name, duty in DUTIES:
            self.stdout.write(f"{name}: {duty(now)}")
