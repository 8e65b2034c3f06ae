"""Enqueue the duties that have fallen due. Run it every few minutes from cron or a
systemd timer (docs/production.md); it is safe to run twice, or on two machines at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tracker.core import schedule


class Command(BaseCommand):
    help = "Enqueue each scheduled duty that has fallen due (digests, reminders, daily duties, pruning), once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="List the duties and how often each falls due.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for duty in schedule.duties():
                self.stdout.write(f"{duty.name}: every {duty.every} (offset {duty.offset}) - {duty.description}")
            return
        enqueued = schedule.enqueue_due()
        for duty, slot in enqueued:
            self.stdout.write(f"Enqueued {duty.name} for {slot:%Y-%m-%d %H:%M}.")
        if not enqueued and options["verbosity"] > 1:
            self.stdout.write("Nothing has fallen due.")
