"""Benchmark the venue import (issue 6 item 7): a create-only import of 10,000
licensed-premises rows, history included, and the peak memory (tracemalloc) of
imports of 10,000 and 100,000 rows, with their ratio: the import reads the file
as a stream, so the peak should barely grow with the number of rows.

The files are written to a temporary folder and imported from there, as
`import_data` does. Runs against a throwaway test database (SQLite by default;
set DATABASE_URL to a PostgreSQL server to measure there — the database is
created and dropped):

    .venv/bin/python bench/import_venues.py [--rows 10000] [--big 100000]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

KINDS = ["Pub", "Bar", "Nightclub", "Late-night takeaway", "Hotel bar", "Other"]
HEADER = "licence_number,name,address,postcode,area,kind,latest_licensed_hour,operator\n"


def register_file(folder: Path, rows: int, prefix: str, areas: list[str]) -> Path:
    path = folder / f"register-{prefix.replace('/', '-')}.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        for n in range(rows):
            area = areas[n % len(areas)]
            kind = KINDS[n % len(KINDS)]
            out.write(
                f'{prefix}/{n:07d},Venue {n},"{n} High Street, Town",WR{n % 9 + 1} {n % 10}AB,{area},{kind},'
                f"0{n % 4}:30,Operator {n % 97} Ltd\n"
            )
    return path


def measure(path: Path, rows: int, *, trace: bool) -> float:
    """Import the file; the rows a second (untraced) or the traced peak in MB."""
    from partners.models import Venue
    from tracker.core.imports import registry
    from tracker.core.imports.services import check_file
    from tracker.core.models import User

    by = User.objects.get(username="bench")
    kind = registry.get("venues")
    assert kind is not None
    before = Venue.objects.count()
    # Collect the garbage the set-up left (running every migration leaves some 100,000
    # objects in reference cycles), so that the import does not pay for freeing it and
    # the figure does not move with the number of migrations.
    gc.collect()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    with path.open("rb") as handle:
        outcome = check_file(kind, handle, path.name, by=by, dry_run=False)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    tracemalloc.stop()
    assert outcome.ok, outcome.errors[:5]
    created = Venue.objects.count() - before
    history = Venue.history.filter(history_user=by).count()
    assert created == rows, (created, rows)
    assert history >= rows
    return peak / 1024 / 1024 if trace else rows / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000, help="0 to skip the large file")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from tracker.core.demo import AREAS
        from tracker.core.models import Area, Organisation, User

        for name in AREAS:
            Area.objects.get_or_create(name=name)
        office = Organisation.objects.create(name="PCC office", kind=Organisation.Kind.PCC_OFFICE)
        User.objects.create_user(
            username="bench",
            password=None,
            is_partnership_officer=True,
            organisation=office,
        )
        print(f"Database: {connection.vendor}")
        with tempfile.TemporaryDirectory() as folder:
            files = Path(folder)
            # Speed untraced (tracemalloc slows Python several times), then memory traced.
            speed = measure(register_file(files, args.rows, "PL/A", AREAS), args.rows, trace=False)
            print(f"create-only, history included: {args.rows:,} rows at {speed:,.0f} rows/s")
            small = measure(register_file(files, args.rows, "PL/C", AREAS), args.rows, trace=True)
            print(f"peak traced memory, {args.rows:,} rows: {small:.1f} MB")
            if args.big:
                big = measure(register_file(files, args.big, "PL/B", AREAS), args.big, trace=True)
                print(f"peak traced memory, {args.big:,} rows: {big:.1f} MB")
                print(f"peak({args.big:,}) / peak({args.rows:,}) = {big / small:.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
