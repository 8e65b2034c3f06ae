"""Benchmark: the board report on ten times the demo data (issue targets: a 12-month
report renders in at most 5 s and 300 MB, and the figures take the same number of
queries at any data size). Also the cost of publishing a whole period (the last full
quarter and financial year, whole force): the differencing rule of disclosure.py
against the figures alone, as a ratio measured in the same run.

    .venv/bin/python bench/board_report.py [--scale 10] [--runs 3]

Seeds a scratch SQLite database (or DATABASE_URL if set) with `seed_demo --scale N`,
then, for the last 12 full months: the figures alone (time and query count, at scale
1 and at scale N), and the whole PDF (median time over the runs, peak resident memory
of the process, pages).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(folder: str) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-deployment")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def last_twelve_months() -> tuple[date, date]:
    today = date.today()  # noqa: DTZ011 - the report's calendar, not an instant
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(year=end.year - 1) + timedelta(days=1), end


def measure_figures(period: object) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tracker.reports import figures

    figures.board(period)  # type: ignore[arg-type]  # warm caches
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        figures.board(period)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - started
    return elapsed, len(queries.captured_queries)


def last_full_quarter_and_year() -> tuple[object, object]:
    from tracker.reports.periods import Period

    today = date.today()  # noqa: DTZ011 - the report's calendar, not an instant
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = start - timedelta(days=1)
    quarter = Period(date(end.year, end.month - 2, 1), end)
    year_start = date(today.year - 1 if today.month >= 4 else today.year - 2, 4, 1)
    year = Period(year_start, date(year_start.year + 1, 3, 31))
    return quarter, year


def measure_published(period: object) -> tuple[float, float, int]:
    """(figures alone s, published s, published queries), medians of 3."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tracker.reports import figures
    from tracker.reports.disclosure import published_board

    alone, published, queries = [], [], 0
    for _ in range(3):
        started = time.perf_counter()
        figures.board(period)  # type: ignore[arg-type]
        alone.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            published_board(period)  # type: ignore[arg-type]
            published.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
    return statistics.median(alone), statistics.median(published), queries


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup(folder)
        from django.core.management import call_command

        from tracker.reports.pdf import render_board_pdf
        from tracker.reports.periods import Period

        period = Period(*last_twelve_months())
        call_command("seed_demo", "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
        small_time, small_queries = measure_figures(period)
        call_command("flush", "--no-input", verbosity=0)
        started = time.perf_counter()
        call_command("seed_demo", "--force", "--scale", str(args.scale), stdout=open(os.devnull, "w"))  # noqa: SIM115
        seeded = time.perf_counter() - started
        from interventions.models import Referral
        from partners.models import Engagement
        from tracker.assaults.models import AssaultIncident

        sizes = (
            f"{Engagement.objects.count():,} engagements, {Referral.objects.count():,} referrals, "
            f"{AssaultIncident.objects.count():,} incidents"
        )
        big_time, big_queries = measure_figures(period)
        renders = []
        pdf = b""
        for _ in range(args.runs):
            started = time.perf_counter()
            pdf = render_board_pdf(period)
            renders.append(time.perf_counter() - started)
        publication = [
            (label, p, *measure_published(p))
            for label, p in zip(("quarter", "financial year"), last_full_quarter_and_year(), strict=True)
        ]
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"period: {period.start} to {period.end}")
        print(f"seed_demo --scale {args.scale} into an empty database: {seeded:.1f} s ({sizes})")
        print(f"figures at scale 1:  {small_time * 1000:.0f} ms, {small_queries} queries")
        print(f"figures at scale {args.scale}: {big_time * 1000:.0f} ms, {big_queries} queries")
        print(
            f"board report PDF at scale {args.scale}: median {statistics.median(renders):.2f} s over {args.runs} runs"
        )
        print(f"peak resident memory, seeding included: {peak_mb:.0f} MB; PDF {len(pdf) / 1024:.0f} KB")
        print(f"same queries at both sizes: {small_queries == big_queries}")
        for label, p, alone, published, queries in publication:
            print(
                f"published {label} ({p.start} to {p.end}), whole force, scale {args.scale}: "  # type: ignore[attr-defined]
                f"{published * 1000:.0f} ms, {queries} queries; figures alone {alone * 1000:.0f} ms; "
                f"ratio {published / alone:.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
