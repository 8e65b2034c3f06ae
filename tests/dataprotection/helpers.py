"""Shared helpers for the data protection tests: the demo data, and a search of every
table in the database for values that must not remain."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.core.management import call_command
from django.db import connection


def seed_demo(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def tables_holding(needles: list[str]) -> dict[str, set[str]]:
    """For each needle (text, or a date as YYYY-MM-DD), the tables (history ones
    included) where any column of any row still holds it: every table, every column,
    read with raw SQL, compared as text so dates and datetimes count too."""
    found: dict[str, set[str]] = {needle: set() for needle in needles}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the schema
            for row in cursor.fetchall():
                for value in row:
                    if value is None:
                        continue
                    text = value.isoformat() if isinstance(value, date) else str(value)
                    for needle in needles:
                        if needle in text:
                            found[needle].add(table)
    return {needle: tables for needle, tables in found.items() if tables}
