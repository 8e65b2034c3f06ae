"""The import as it really runs: a web server and a `db_worker` process of their own,
on a database of their own, driven through Chromium as a new user would.

An officer uploads a 100,000-row venue register: the upload answers at once and the
job page shows the check's progress; they confirm, and watch the rows being written.
Part-way through the write the worker is killed (SIGKILL, as the kernel's out-of-memory
killer or a lost machine would): not one venue of the file is written, and within the
stall window the page says the import stopped and nothing was written. A new worker
starts, the officer presses "Import again", and the import completes.

One 100,000-row file serves both parts: the first write attempt is the one killed, so
the check is done once. The database is a file SQLite in a temporary folder; when the
suite runs on PostgreSQL (DATABASE_URL), a scratch PostgreSQL database is created
beside the suite's, and dropped after. Each step's time is printed (pytest -s)."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
ROWS = 100_000
STALLED_SECONDS = 15
PORTS = range(8110, 8120)
AREAS = ["South Worcestershire", "Shropshire", "Herefordshire", "Telford & Wrekin"]
KINDS = ["Pub", "Bar", "Nightclub", "Late-night takeaway", "Hotel bar", "Other"]
HEADER = "licence_number,name,address,postcode,area,kind,latest_licensed_hour,operator\n"
PREFIX = "SYS/IMP"
SHOTS = os.environ.get("IMPORT_SCREENSHOTS", "")  # a folder to save the job page's pictures in, if set


def register(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        for n in range(rows):
            out.write(
                f'{PREFIX}/{n:07d},Venue {n},"{n} High Street, Town",WR{n % 9 + 1} {n % 10}AB,'
                f"{AREAS[n % len(AREAS)]},{KINDS[n % len(KINDS)]},0{n % 4}:30,Operator {n % 97} Ltd\n"
            )
    return path


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            with suppress(OSError):
                probe.bind(("127.0.0.1", port))
                return port
    pytest.skip(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


@dataclass
class Database:
    url: str

    def venues(self) -> int:
        """The venues of the file written so far, read on a connection of our own."""
        pattern = f"{PREFIX}/%"
        if self.url.startswith("sqlite"):
            with sqlite3.connect(urlsplit(self.url).path.removeprefix("/"), timeout=30) as db:
                return int(
                    db.execute("SELECT count(*) FROM partners_venue WHERE licence_number LIKE ?", [pattern]).fetchone()[
                        0
                    ]
                )
        import psycopg

        with psycopg.connect(self.url) as db:
            row = db.execute("SELECT count(*) FROM partners_venue WHERE licence_number LIKE %s", [pattern]).fetchone()
            return int(row[0]) if row else 0


@contextmanager
def scratch_database(folder: Path) -> Iterator[Database]:
    outer = os.environ.get("DATABASE_URL", "")
    if not outer.startswith(("postgres://", "postgresql://")):
        yield Database(f"sqlite:////{(folder / 'system.sqlite3').as_posix().lstrip('/')}")
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(outer)
    name = f"{parts.path.lstrip('/') or 'tracker'}_import_system"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield Database(urlunsplit(parts._replace(path=f"/{name}")))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@dataclass
class Service:
    """The app's own processes on the scratch database."""

    folder: Path
    database: Database
    port: int = 0
    env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            "DEBUG": "true",  # as `make run`: runserver serves the static files
            "SECRET_KEY": "system-test-only-secret-key-not-for-deployment",
            "DATABASE_URL": self.database.url,
            "MEDIA_ROOT": str(self.folder / "media"),
            "PROGRESS_CACHE_URL": f"filecache://{self.folder / 'progress'}",
            "TASK_STALLED_SECONDS": str(STALLED_SECONDS),
            "CACHE_URL": "locmemcache://",
            "PYTHONUNBUFFERED": "1",
        }

    def manage(self, *args: str) -> None:
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True, capture_output=True
        )

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def start_server(self) -> str:
        self.port = free_port()
        self.start("server", "runserver", f"127.0.0.1:{self.port}", "--noreload", "--skip-checks")
        url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with suppress(OSError):
                with urllib.request.urlopen(f"{url}/accounts/login/", timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        return url
            time.sleep(0.3)
        raise AssertionError("The server did not start: " + (self.folder / "server.log").read_text()[-2000:])

    def start_worker(self) -> subprocess.Popen[bytes]:
        return self.start("worker", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
            if process.poll() is None:
                process.kill()
                process.wait()


def shoot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_a_100000_row_import_survives_its_worker_being_killed(page: Any, tmp_path: Path) -> None:
    timings: dict[str, float] = {}
    clock = time.monotonic()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.monotonic()
        timings[name] = now - clock
        clock = now

    file = register(tmp_path / "licensing-register.csv", ROWS)
    with scratch_database(tmp_path) as database:
        service = Service(tmp_path, database)
        try:
            service.manage("migrate", "--no-input")
            lap("create and migrate the database")
            # The demo's areas, organisations and users (with the demo password), as
            # `seed_demo` makes them, without the casework it adds.
            service.manage("shell", "-c", "from tracker.core import demo; demo.seed(scale=1, log=print)")
            lap("the demo users")
            url = service.start_server()
            worker = service.start_worker()
            lap("start the server and a worker")

            page.set_default_timeout(20_000)
            page.goto(f"{url}/accounts/login/")
            page.get_by_label("Username").fill("officer")
            page.get_by_label("Password").fill("behind-the-badge")
            page.get_by_role("button", name="Sign in").click()
            page.goto(f"{url}/imports/venues/upload/")
            page.get_by_label("File").set_input_files(str(file))
            lap("sign in, open the upload page")

            page.get_by_role("button", name="Check the file").click()
            page.wait_for_url("**/imports/check/*/")
            lap("upload 100,000 rows: the page answers")
            assert timings["upload 100,000 rows: the page answers"] < 30
            expect(page.get_by_text("Rows checked:")).to_be_visible(timeout=60_000)
            shoot(page, "1-checking")
            lap("the check shows progress")
            confirm = page.get_by_role("button", name=f"Import {ROWS:,} rows")
            expect(confirm).to_be_visible(timeout=300_000)
            lap("the check finishes")
            assert database.venues() == 0

            confirm.click()
            written = page.get_by_text("Rows written:")
            expect(written).to_be_visible(timeout=300_000)
            shoot(page, "2-writing")
            lap("confirm: rows written shows")

            # The worker is killed part-way through the write.
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
            lap("kill the worker mid-write")
            assert database.venues() == 0

            stopped = page.get_by_text("The import stopped before it finished")
            expect(stopped).to_be_visible(timeout=(STALLED_SECONDS + 20) * 1000)
            expect(page.get_by_text("Nothing was written. You can start it again.")).to_be_visible()
            shoot(page, "3-failed")
            lap(f"the page shows it failed (stall window {STALLED_SECONDS} s)")
            assert database.venues() == 0

            service.start_worker()
            page.get_by_role("button", name="Import again").click()
            expect(page.get_by_text("Rows written:")).to_be_visible(timeout=300_000)
            expect(page.get_by_role("heading", name="Imported")).to_be_visible(timeout=300_000)
            shoot(page, "4-imported")
            lap("a new worker, Import again: imported")
            assert f"{ROWS:,} new, 0 updated, 0 unchanged" in page.locator(".govuk-panel__body").inner_text()
            assert database.venues() == ROWS
        finally:
            service.stop()
            print("\nImport system test timings (s):")  # noqa: T201
            for name, seconds in timings.items():
                print(f"  {seconds:6.1f}  {name}")  # noqa: T201
