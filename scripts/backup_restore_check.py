"""Prove a backup restores (`make backup-check`).

Takes a pg_dump of the database named by DATABASE_URL (custom format, as the
production guide recommends), restores it into a scratch database with pg_restore,
and compares the row count of every table. Exits non-zero on any difference."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        result = {}
        for table in tables:
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            result[table] = int(conn.execute(query).fetchone()[0])  # type: ignore[index]
        return result


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("Set DATABASE_URL to the PostgreSQL database to back up.", file=sys.stderr)
        return 2
    parts = urlsplit(url)
    scratch_name = parts.path.lstrip("/") + "_restore_check"
    scratch = urlunsplit(parts._replace(path="/" + scratch_name))
    admin = urlunsplit(parts._replace(path="/postgres"))
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "tracker.dump"
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", url], check=True)  # noqa: S603,S607
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch_name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch_name)))
        try:
            subprocess.run(
                ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={scratch}", str(dump)], check=True
            )  # noqa: S603,S607
            before, after = counts(url), counts(scratch)
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch_name)))
    differences = {
        t: (before.get(t), after.get(t)) for t in before.keys() | after.keys() if before.get(t) != after.get(t)
    }
    rows = sum(before.values())
    if differences:
        print(f"Restore differs from the source: {differences}", file=sys.stderr)
        return 1
    print(f"Backup restored: {len(before)} tables, {rows} rows, identical counts.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
