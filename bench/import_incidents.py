"""Benchmark: importing assault incident files through the same path as the upload
page and `import_data` (core's streaming Table, then the "incidents" kind's bulk
runner), from files written to a temporary folder.

    .venv/bin/python bench/import_incidents.py [--rows 10000] [--large 100000]

Uses a scratch SQLite database in a temporary folder (or DATABASE_URL if set) with
DEBUG off, so Django does not keep every query in memory. It reports, in one run,
create-only throughput at --rows (rows/s, history included), the peak memory
traced by tracemalloc for a create-only import (reading the file included) at
--rows and at --large, and the ratio of the two peaks: the file is read as a
stream, so the peak should barely grow with the number of rows.
"""

from __future__ import annotations

import argparse
import gc
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


def generate(path: Path, rows: int, *, prefix: str) -> Path:
    rng = random.Random(rows)
    start = date(2015, 4, 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("reference,occurred_at,area,victim_role,injury,outcome\n")
        for n in range(rows):
            day = start + timedelta(days=rng.randrange(3650))
            out.write(
                f"{prefix}{n:07d},{day.isoformat()} {rng.randrange(24):02d}:{rng.randrange(60):02d},"
                f"{rng.choice(AREAS)},{rng.choice(ROLES)},{rng.choice(('yes', 'no'))},{rng.choice(OUTCOMES)}\n"
            )
    return path


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
    from tracker.assaults.models import AssaultIncident

    AssaultIncident.objects.all().delete()
    AssaultIncident.history.all().delete()


def measure(path: Path, rows: int, *, trace: bool) -> float:
    """Import the file into empty tables; the rows a second (untraced) or the
    traced peak in MB."""
    from tracker.assaults.models import AssaultIncident
    from tracker.core.imports import registry
    from tracker.core.imports.services import check_file

    kind = registry.get("incidents")
    assert kind is not None
    empty_tables()
    # Collect the garbage the set-up left (running every migration leaves some 100,000
    # objects in reference cycles), so that the import does not pay for freeing it and
    # the figure does not move with the number of migrations.
    gc.collect()
    if trace:
        tracemalloc.start()
    began = time.perf_counter()
    with path.open("rb") as handle:
        outcome = check_file(kind, handle, path.name, by=None, dry_run=False)
    elapsed = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    tracemalloc.stop()
    assert outcome.ok and outcome.new == rows, outcome.errors[:5]
    assert AssaultIncident.objects.count() == rows
    assert AssaultIncident.history.count() == rows
    return peak / 1e6 if trace else rows / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000, help="0 to skip the large file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        from django.db import connection

        print(f"database: {connection.vendor}")
        files = Path(folder)
        small_file = generate(files / "small.csv", args.rows, prefix="B")
        print(f"{args.rows:,} rows ({small_file.stat().st_size / 1e6:.1f} MB of CSV)")
        speed = measure(small_file, args.rows, trace=False)
        print(f"  create-only import, history included: {speed:,.0f} rows/s")
        small = measure(small_file, args.rows, trace=True)
        print(f"  peak memory, whole import (reading the file included): {small:.1f} MB")
        if args.large:
            large_file = generate(files / "large.csv", args.large, prefix="B")
            print(f"{args.large:,} rows ({large_file.stat().st_size / 1e6:.1f} MB of CSV)")
            large = measure(large_file, args.large, trace=True)
            print(f"  peak memory, whole import (reading the file included): {large:.1f} MB")
            print(f"peak({args.large:,}) / peak({args.rows:,}) = {large / small:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
