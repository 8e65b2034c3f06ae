"""Real worker processes for tests: `manage.py db_worker` run against the test
database (PostgreSQL: the test database itself; SQLite: a file copy of it, taken
once the test has enqueued what the workers are to run)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def database_for_children(tmp_path: Path) -> str:
    """A DATABASE_URL other processes can use: on SQLite a file copy of the test
    database as it stands now, on PostgreSQL the test database."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        return f"sqlite:///{copy}"
    user, host, port = settings["USER"], settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    auth = f"{user}:{settings['PASSWORD']}@" if settings["PASSWORD"] else f"{user}@"
    return f"postgres://{auth}{host}:{port}/{settings['NAME']}"


def child_env(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.test_settings",
        "TEST_TASKS_BACKEND": DATABASE_QUEUE["default"]["BACKEND"],
        "DATABASE_URL": database_url,
        **extra,
    }


def start_worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-reload", "--interval", "0.1", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def query(database_url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows as the children see them (on SQLite, from the copy they worked on)."""
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as copy:
            return list(copy.execute(sql.replace("%s", "?"), params))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
