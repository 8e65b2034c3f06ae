"""Benchmark: importing assault incident files through the same path as the upload
page and `import_data` (core's read_table, then the "incidents" kind's bulk runner).

    .venv/bin/python bench/import_incidents.py [--rows 10000] [--large 100000]

Uses a scratch SQLite database in a temporary folder (or DATABASE_URL if set) with
DEBUG off, so Django does not keep every query in memory. For each size it reports
create-only throughput (rows/s, history included) and, in a second run on an empty
table, the peak memory traced by tracemalloc: for the whole import (reading the file
included) and for the runner alone given the already-read table.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AREAS = ["Herefordshire", "Shropshire", "Telford & Wrekin", "North Worcestershire", "South Worcestershire"]
ROLES = ["police_officer", "student_officer", "police_staff", "pcso", "special_constable"]
OUTCOMES = ["charged", "summons", "caution", "no_further_action", "under_investigation", "other"]


def generate(rows: int, *, prefix: str) -> bytes:
    rng = random.Random(rows)
    start = date(2015, 4, 1)
    lines = ["reference,occurred_at,area,victim_role,injury,outcome"]
    for n in range(rows):
        day = start + timedelta(days=rng.randrange(3650))
        lines.append(
            f"{prefix}{n:07d},{day.isoformat()} {rng.randrange(24):02d}:{rng.randrange(60):02d},"
            f"{rng.choice(AREAS)},{rng.choice(ROLES)},{rng.choice(('yes', 'no'))},{rng.choice(OUTCOMES)}"
        )
    return ("\n".join(lines) + "\n").encode()


def setup_django(folder: str) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-deployment")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tracker.core.models import Area

    for name in AREAS:
        Area.objects.get_or_create(name=name)


def empty_tables() -> None:
    from tracker.reports.models import AssaultIncident

    AssaultIncident.objects.all().delete()
    AssaultIncident.history.all().delete()


def measure(rows: int) -> None:
    from tracker.core.imports import registry
    from tracker.core.imports.reading import read_table
    from tracker.core.imports.services import check_file
    from tracker.reports.models import AssaultIncident

    kind = registry.get("incidents")
    assert kind is not None and kind.runner is not None
    content = generate(rows, prefix="B")
    print(f"\n{rows:,} rows ({len(content) / 1e6:.1f} MB of CSV)")

    empty_tables()
    began = time.perf_counter()
    outcome = check_file(kind, content, "incidents.csv", by=None, dry_run=False)
    elapsed = time.perf_counter() - began
    assert outcome.ok and outcome.new == rows, outcome.errors[:5]
    assert AssaultIncident.objects.count() == rows
    assert AssaultIncident.history.count() == rows
    print(f"  create-only import, history included: {elapsed:.2f} s, {rows / elapsed:,.0f} rows/s")

    empty_tables()
    tracemalloc.start()
    check_file(kind, content, "incidents.csv", by=None, dry_run=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  peak memory, whole import (reading the file included): {peak / 1e6:.1f} MB")

    empty_tables()
    dataset = read_table(content, "incidents.csv", required=kind.required_columns)
    tracemalloc.start()
    kind.runner(dataset, by=None, dry_run=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  peak memory, runner alone (checking and writing): {peak / 1e6:.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000, help="0 to skip the large file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        from django.db import connection

        print(f"database: {connection.vendor}")
        measure(args.rows)
        if args.large:
            measure(args.large)
    return 0


if __name__ == "__main__":
    sys.exit(main())
