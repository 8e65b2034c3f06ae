"""Write the board progress report for a period (and area) to a PDF file, for
scheduled runs and for the board secretary's own machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.reports.forms import PeriodForm
from tracker.reports.pdf import render_board_pdf


class Command(BaseCommand):
    help = "Write the board progress report PDF for --start to --end (inclusive), optionally for one --area."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--end", required=True, help="Last day, YYYY-MM-DD (inclusive).")
        parser.add_argument("--area", default="", help="An area's name; the whole force if left out.")
        parser.add_argument("--output", required=True, help="The PDF file to write.")

    def handle(self, *args: Any, start: str, end: str, area: str, output: str, **options: Any) -> None:
        # The same validation as the web page, so both refuse the same periods.
        form = PeriodForm({"start": start, "end": end, "area": area}, free_dates=True)  # run on the server
        if not form.is_valid():
            problems = [f"--{name}: {error}" for name, errors in form.errors.items() for error in errors]
            raise CommandError("; ".join(problems))
        content = render_board_pdf(form.period, form.chosen_area)
        Path(output).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({len(content):,} bytes)."))
