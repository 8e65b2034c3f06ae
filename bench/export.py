"""Benchmark exports (issue 18): N assault incidents through the whole-dataset export
(django-import-export's `resource.export()`, then its CSV or XLSX format) and through
the streaming writers (`tracker.core.exports.SpreadsheetExport`), in one run: peak
Python memory (tracemalloc) and time, for CSV and XLSX.

    .venv/bin/python bench/export.py [--scale 10] [--rows 0] [--database sqlite|postgres]

A throwaway test database (SQLite: a temporary file; PostgreSQL: the test database
derived from BENCH_POSTGRES_URL) is seeded with `seed_demo --scale N`; `--rows` tops
the incidents up to that many with copies under new references. Time is measured
without tracemalloc (which slows allocation-heavy code), then peak memory with it.
The streamed CSV is written to a sink that keeps nothing (as a client reading the
response); XLSX to a spooled temporary file, as the list pages and the task do.
"""

from __future__ import annotations

import argparse
import copy
import io
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from app import POSTGRES_URL, seed, setup_django  # type: ignore[import-not-found]  # bench/app.py

TARGET_MB = 50.0


class Sink(io.RawIOBase):
    """A binary file that keeps only a count of the bytes written."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.size += len(data)
        return len(data)


def top_up(rows: int) -> None:
    from tracker.assaults.models import AssaultIncident

    have = AssaultIncident.objects.count()
    if rows <= have:
        return
    template = list(AssaultIncident.objects.order_by("pk")[: min(have, 5000)])
    extra = []
    for n in range(rows - have):
        incident = copy.copy(template[n % len(template)])
        incident.pk = None
        incident.reference = f"BENCH-{n:07d}"
        extra.append(incident)
        if len(extra) == 5000:
            AssaultIncident.objects.bulk_create(extra)
            extra = []
    AssaultIncident.objects.bulk_create(extra)


def measure(label: str, call: Callable[[], int]) -> dict[str, Any]:
    started = time.perf_counter()
    rows = call()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        call()
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()
    print(f"  {label:<22} {rows:>9,} rows  {seconds:7.2f} s  peak {peak:8.1f} MB", flush=True)
    return {"label": label, "rows": rows, "seconds": seconds, "peak_mb": peak}


def run() -> list[dict[str, Any]]:
    from import_export.formats.base_formats import CSV, XLSX

    from tracker.core.exports import SpreadsheetExport, sheet_title, spooled_export
    from tracker.core.imports import registry

    kind = registry.get("incidents")
    assert kind is not None  # noqa: S101

    def old(fmt: str) -> Callable[[], int]:
        def call() -> int:
            dataset = kind.resource(user=None).export(force_native_type=fmt == "xlsx")
            dataset.title = sheet_title(kind.slug)
            content = (CSV if fmt == "csv" else XLSX)().export_data(dataset)
            sink = Sink()
            sink.write(content.encode("utf-8") if isinstance(content, str) else content)
            return len(dataset)

        return call

    def new(fmt: str) -> Callable[[], int]:
        def call() -> int:
            export = SpreadsheetExport(kind.resource(user=None), None, fmt=fmt, title=sheet_title(kind.slug))
            if fmt == "csv":
                sink = Sink()
                for piece in export.csv_pieces():
                    sink.write(piece)
            else:
                spooled_export(export).close()
            return export.rows

        return call

    results = []
    for fmt in ("csv", "xlsx"):
        results.append(measure(f"{fmt} whole dataset", old(fmt)))
        results.append(measure(f"{fmt} streamed", new(fmt)))
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--rows", type=int, default=0, help="top the incidents up to this many")
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="tracker-bench-export-")
    url = f"sqlite:///{folder}/bench.sqlite3" if args.database == "sqlite" else POSTGRES_URL
    setup_django(url, folder)
    from django.db import connection

    if args.database == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = f"{folder}/test_bench.sqlite3"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        started = time.perf_counter()
        seed(args.scale)
        top_up(args.rows)
        print(f"{args.database}: seeded at scale {args.scale} in {time.perf_counter() - started:.0f} s", flush=True)
        results = run()
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(folder, ignore_errors=True)
    by_label = {r["label"]: r for r in results}
    print()
    for fmt in ("csv", "xlsx"):
        before, after = by_label[f"{fmt} whole dataset"], by_label[f"{fmt} streamed"]
        print(
            f"{fmt}: {after['rows']:,} rows; peak {before['peak_mb']:.1f} → {after['peak_mb']:.1f} MB"
            f" ({before['peak_mb'] / after['peak_mb']:.1f}× less), time {before['seconds']:.2f} → "
            f"{after['seconds']:.2f} s ({after['seconds'] / before['seconds']:.2f}×); "
            f"target ≤ {TARGET_MB:.0f} MB {'met' if after['peak_mb'] <= TARGET_MB else 'NOT met'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
