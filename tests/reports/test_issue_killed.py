"""An issue killed at any point leaves no broken issued report.

`issue_board_report` stores the PDF first and commits its row last, so a process
killed part-way can leave at most a file that no row refers to, never a row whose
file is missing, partial or different. Each case runs an issue in a subprocess
against a copy of the test database, stops it with SIGKILL at a chosen point, then
checks every row against its file; `check_issued_reports --delete-strays` removes
the leftovers."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tracker.reports.models import IssuedReport

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]

# Runs one issue, announcing on stdout when it reaches the point to be killed at
# (then waiting there), or "done" when it finished.
CHILD = r"""
import os, sys, time
sys.path.insert(0, os.environ["TRACKER_ROOT"])
import django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from tracker.core.models import User
from tracker.reports import services
from tracker.reports.models import IssuedReport
from tracker.reports.periods import Period
from datetime import date

point = sys.argv[1]

def announce(name):
    print(name, flush=True)

real_render = services.render_board_pdf
def render(*args, **kwargs):
    if point == "render":
        announce("render")  # killed while WeasyPrint lays the PDF out
        return real_render(*args, **kwargs)
    # Elsewhere the layout is beside the point: stand-in bytes keep the test fast.
    return b"%PDF-1.7\n" + os.urandom(64 * 1024) + b"\n%%EOF\n"
services.render_board_pdf = render

real_write = FileSystemStorage._save
def write(self, name, content):
    if point == "file":
        data = content.read()
        class Torn(ContentFile):
            def chunks(self, chunk_size=None):
                # Storage writes each chunk straight to the file: half reach the disk.
                yield data[: len(data) // 2]
                announce("file")
                time.sleep(60)
                yield data[len(data) // 2 :]
        content = Torn(data)
    return real_write(self, name, content)
FileSystemStorage._save = write

real_save = IssuedReport.save
def save(self, *args, **kwargs):
    real_save(self, *args, **kwargs)
    if point == "row":
        announce("row")  # the row is written but its transaction not yet committed
        time.sleep(60)
IssuedReport.save = save

services.issue_board_report(
    period=Period(date(2018, 7, 1), date(2018, 9, 30)), area=None, by=User.objects.get(username="officer")
)
announce("done")
"""


@pytest.fixture
def child_env(tmp_path: Path, officer: Any, areas: Any) -> dict[str, str]:
    """Settings for the child: the same data (a file copy of an SQLite test database,
    or the PostgreSQL test database itself) and a media folder of its own."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        url = f"sqlite:///{copy}"
    else:
        user, host, port = settings["USER"], settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
        auth = f"{user}:{settings['PASSWORD']}@" if settings["PASSWORD"] else f"{user}@"
        url = f"postgres://{auth}{host}:{port}/{settings['NAME']}"
    media = tmp_path / "media"
    media.mkdir()
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.test_settings",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(media),
        "TRACKER_ROOT": str(ROOT),
    }


def _start(env: dict[str, str], point: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", CHILD, point], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _finish(child: subprocess.Popen[str], point: str, *, kill: bool) -> str:
    """Wait for an issue; with `kill`, SIGKILL it as soon as it reaches `point`.
    Returns the last point it announced."""
    assert child.stdout is not None
    deadline = time.monotonic() + 60
    reached = ""
    while time.monotonic() < deadline:
        line = child.stdout.readline().strip()
        if not line:
            break
        reached = line
        if kill and line == point:
            if point == "render":
                time.sleep(0.3)  # into the layout, which takes longer than this
            child.send_signal(signal.SIGKILL)
            break
    child.wait(timeout=30)
    if not kill:
        assert child.returncode == 0, child.stderr.read() if child.stderr else ""
    else:
        assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    return reached


def _rows(env: dict[str, str]) -> list[IssuedReport]:
    if connection.vendor == "sqlite":
        # The child wrote to the copy: read its rows there.
        import sqlite3

        path = env["DATABASE_URL"].removeprefix("sqlite:///")
        with sqlite3.connect(path) as copy:
            cursor = copy.execute("SELECT id, file, size, sha256 FROM reports_issuedreport ORDER BY id")
            return [IssuedReport(pk=pk, file=name, size=size, sha256=sha) for pk, name, size, sha in cursor]
    return list(IssuedReport.objects.order_by("pk"))


def _assert_every_row_has_its_file(env: dict[str, str]) -> list[IssuedReport]:
    media = Path(env["MEDIA_ROOT"])
    rows = _rows(env)
    for row in rows:
        content = (media / row.file.name).read_bytes()
        assert len(content) == row.size
        assert hashlib.sha256(content).hexdigest() == row.sha256
    return rows


def _stored(env: dict[str, str]) -> set[str]:
    media = Path(env["MEDIA_ROOT"])
    return {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}


def test_kills_at_every_point_leave_only_whole_reports_and_removable_strays(child_env: dict[str, str]) -> None:
    # Side by side, to keep the test quick: three issues killed at different points
    # and one left to finish; then another issue after the leftovers exist.
    points = ["render", "file", "row", "none"]
    children = {point: _start(child_env, point) for point in points}
    for point, child in children.items():
        assert _finish(child, point, kill=point != "none") == ("done" if point == "none" else point)
    assert _finish(_start(child_env, "none"), "none", kill=False) == "done"

    rows = _assert_every_row_has_its_file(child_env)
    assert len(rows) == 2  # only the two issues that finished
    referenced = {row.file.name for row in rows}
    strays = _stored(child_env) - referenced
    # The "file" kill leaves half a PDF, the "row" kill a whole one; neither is referenced.
    assert len(strays) == 2

    removed = _command(child_env, "--delete-strays", "--older-than", "0")
    assert removed.returncode == 0, removed.stderr
    assert "2 issued reports, every file whole." in removed.stdout
    assert removed.stdout.count("Removed ") == 2
    assert _stored(child_env) == referenced
    _assert_every_row_has_its_file(child_env)


def _command(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), "check_issued_reports", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_issued_reports_fails_on_a_damaged_file(
    officer: Any, tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.reports import services
    from tracker.reports.periods import Period

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "render_board_pdf", lambda *args, **kwargs: b"%PDF-1.7 stand-in")
    report = services.issue_board_report(period=Period(date(2018, 7, 1), date(2018, 9, 30)), area=None, by=officer)
    call_command("check_issued_reports")  # whole: no error
    (tmp_path / report.file.name).write_bytes(b"%PDF-1.7 changed")
    with pytest.raises(CommandError, match=f"Issued report {report.pk}: .* does not match"):
        call_command("check_issued_reports")
    (tmp_path / report.file.name).unlink()
    with pytest.raises(CommandError, match=f"Issued report {report.pk} has no stored file"):
        call_command("check_issued_reports")


def test_a_young_unreferenced_file_is_not_a_stray(officer: Any, tmp_path: Path, settings: Any) -> None:
    """A file stored moments ago may belong to an issue whose row is about to commit."""
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "issued-reports" / "2026").mkdir(parents=True)
    (tmp_path / "issued-reports" / "2026" / "in-progress.pdf").write_bytes(b"%PDF")
    call_command("check_issued_reports", "--delete-strays")
    assert (tmp_path / "issued-reports" / "2026" / "in-progress.pdf").exists()


def test_strays_are_listed_and_removed_only_when_asked(
    officer: Any, tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.reports import services
    from tracker.reports.periods import Period

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "render_board_pdf", lambda *args, **kwargs: b"%PDF-1.7 stand-in")
    report = services.issue_board_report(period=Period(date(2018, 7, 1), date(2018, 9, 30)), area=None, by=officer)
    stray = tmp_path / "issued-reports" / "2018" / "killed-issue.pdf"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"%PDF-1.7 half")
    an_hour_and_more = time.time() - 2 * 3600
    os.utime(stray, (an_hour_and_more, an_hour_and_more))
    out = StringIO()
    call_command("check_issued_reports", stdout=out)
    assert "Stray file issued-reports/2018/killed-issue.pdf" in out.getvalue()
    assert stray.exists()
    call_command("check_issued_reports", "--delete-strays", stdout=StringIO())
    assert not stray.exists()
    assert (tmp_path / report.file.name).exists()
