"""Renders the figures of bench/app.py as the generated part of bench/RESULTS.md."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from typing import Any

NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
PDF_SECONDS, PDF_MB = 5.0, 300.0


def mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


def page_table(pages: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| page | as | median ms | p95 ms | limit ms | × limit | queries N=1 | queries N=10 | peak MB | target | |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for page in pages:
        limit = page["limit_median_ms"]
        ratio = f"{page['median_ms'] / limit:.1f}" if limit else ""
        small = "" if page["queries_small"] is None else str(page["queries_small"])
        status = mark(page["met"]) + (f" ({'; '.join(page['notes'])})" if page["notes"] else "")
        lines.append(
            f"| {page['label']} `{page['url']}` | {page['user']} | {page['median_ms']:.1f} | {page['p95_ms']:.1f} | "
            f"{f'{limit:.2f}' if limit else ''} | {ratio} | {small} | {page['queries']} | {page['peak_mb']:.2f} | "
            f"{page['target']} | {status} |"
        )
    return lines


def render_database(report: dict[str, Any]) -> list[str]:
    sizes = ", ".join(f"{count:,} {name}" for name, count in report["sizes"].items())
    pdf, imported, exported = report["pdf"], report["import"], report["export"]
    pdf_ok = pdf["median_s"] <= PDF_SECONDS and pdf["rss_mb"] <= PDF_MB
    lines = [
        f"## {NAMES.get(report['database'], report['database'])} {report['server']}",
        "",
        f"`seed_demo --scale {report['scale']}` took {report['seed_seconds']:.0f} s: {sizes}. "
        f"{report['runs']} timed requests per page after 3 warm-up requests.",
        "",
        *page_table(report["pages"]),
        "",
        "| job | time | queries | memory | target | |",
        "| --- | ---: | ---: | ---: | --- | --- |",
        f"| Board report PDF, 12 months `{pdf['url']}` | median {pdf['median_s']:.2f} s (max {pdf['max_s']:.2f} s) | "
        f"{pdf['queries']} | {pdf['rss_mb']:.0f} MB peak RSS of a process serving only it | "
        f"≤ {PDF_SECONDS:.0f} s, ≤ {PDF_MB:.0f} MB | {mark(pdf_ok)} |",
        f"| Import of {imported['rows']:,} new venues (checked, written with history) | {imported['seconds']:.1f} s "
        f"({imported['rows_per_s']:,.0f} rows/s) | | {imported['peak_mb']:.0f} MB traced peak | | |",
        f"| Export of {exported['rows']:,} incidents to CSV (export_data's path) | {exported['seconds']:.1f} s "
        f"({exported['rows_per_s']:,.0f} rows/s) | {exported['queries']} | "
        f"{exported['peak_mb']:.0f} MB traced peak | | |",
        "",
    ]
    return lines


def render(reports: list[dict[str, Any]], elapsed: float) -> str:
    stamp = datetime.now(tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Generated {stamp} by `make bench` in {elapsed / 60:.1f} min on {os.cpu_count()} CPU cores, "
        f"Python {platform.python_version()}, {platform.machine()}.",
        "",
    ]
    for report in reports:
        lines += render_database(report)
    missed = [
        f"{NAMES.get(report['database'], report['database'])}: {page['label']} ({'; '.join(page['notes'])})"
        for report in reports
        for page in report["pages"]
        if not page["met"]
    ]
    lines += ["## Missed targets", ""]
    lines += [f"- {line}" for line in missed] or ["None."]
    return "\n".join(lines) + "\n"
