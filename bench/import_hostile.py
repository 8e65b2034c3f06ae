"""Benchmark: hostile import files through the upload page, while another user saves.

    .venv/bin/python bench/import_hostile.py [--only NAME] [--kind incidents]

Builds the large files of the reports (tests/core/hostile_files.py: a 20,000-row
XLSX whose dimension claims the whole sheet, a 1.5 million-row XLSX, a 300 MB shared
string, an entity bomb…) and, each in its own process on a scratch SQLite file
database (DATABASE_URL to use another), uploads it through the upload page as a
partnership officer while a second user saves a record every 0.2 s. It prints, per
file: the upload's answer and seconds, the preview page's size, the slowest of the
other user's saves (and how many failed), and the process's peak RSS (building the
file included). The 300 MB CSV line is over the upload size limit, so it is written
to a file and checked as `import_data` would, with IMPORT_MAX_BYTES raised to let it
in; for it the peak memory traced during the check alone is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AREAS = ["Herefordshire", "Shropshire", "Telford & Wrekin", "North Worcestershire", "South Worcestershire"]
FILES = [
    "report-20000-near-empty-rows.xlsx",
    "report-1.5m-rows.xlsx",
    "report-300mb-shared-string.xlsx",
    "report-300mb-line.csv",
    "billion-laughs-shared-strings.xlsx",
    "xxe.xlsx",
    "zip-bomb.xlsx",
    "shift-jis-katakana.csv",
]


def setup_django(folder: str) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ["DEBUG"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-deployment")
    # The test settings: plain static files storage, so pages render without collectstatic.
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.test_settings"
    os.environ["MEDIA_ROOT"] = f"{folder}/media"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tracker.core.models import Area, Organisation, User

    for name in AREAS:
        Area.objects.get_or_create(name=name)
    org = Organisation.objects.get_or_create(name="PCC", defaults={"kind": Organisation.Kind.PCC_OFFICE})[0]
    for username in ("uploader", "other"):
        User.objects.get_or_create(username=username, defaults={"organisation": org, "is_partnership_officer": True})


def one(name: str, kind: str) -> dict[str, Any]:
    from tests.core.hostile_files import CORPUS, LARGE

    hostile = next(h for h in CORPUS + LARGE if h.name == name)
    content = [hostile.build()]  # a list, so the large one can be let go once on disk
    size = len(content[0])
    folder = tempfile.mkdtemp(prefix="hostile-")
    setup_django(folder)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from tracker.assaults.services import create_workforce_period
    from tracker.core.models import User

    result: dict[str, Any] = {"file": name, "bytes": size}
    done = threading.Event()

    def upload() -> None:
        try:
            started = time.perf_counter()
            if size > 20 * 1024 * 1024:
                # Over the upload limit: checked as the command line would, limit raised.
                from django.test import override_settings

                from tracker.core.imports import registry
                from tracker.core.imports.services import check_file

                path = Path(folder) / name
                path.write_bytes(content.pop())  # the check reads the file, as import_data does
                tracemalloc.start()
                with override_settings(IMPORT_MAX_BYTES=size + 1), path.open("rb") as handle:
                    outcome = check_file(registry.get(kind), handle, name, by=None)  # type: ignore[arg-type]
                result["check_peak_traced_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
                tracemalloc.stop()
                result["answer"] = f"check_file: {len(outcome.errors)} problem(s)"
                result["message"] = str(outcome.errors[0]) if outcome.errors else ""
            else:
                from django.core.files.uploadedfile import SimpleUploadedFile

                client = Client()
                client.force_login(User.objects.get(username="uploader"))
                upload = SimpleUploadedFile(name, content[0])
                response = client.post(reverse("import-upload", args=[kind]), {"file": upload})
                result["answer"] = response.status_code
                if response.status_code == 302:
                    page = client.get(response["Location"])
                    result["preview_status"] = page.status_code
                    result["preview_bytes"] = len(page.content)
                    text = page.content.decode()
                    cell = text.find('class="govuk-table__cell">', text.find("Problems by row"))
                    result["message"] = text[cell : cell + 300].split("</tr>")[0] if cell > 0 else ""
            result["seconds"] = round(time.perf_counter() - started, 2)
        except Exception as error:  # the benchmark reports it rather than dying
            result["answer"] = f"{type(error).__name__}: {error}"[:300]
        finally:
            connection.close()
            done.set()

    other = User.objects.get(username="other")
    thread = threading.Thread(target=upload)
    thread.start()
    saves: list[float] = []
    failures = 0
    day = date(2000, 1, 1)
    while not done.is_set():
        started = time.perf_counter()
        try:
            create_workforce_period(by=other, period_start=day, period_end=day, officers=1, staff=1)
        except Exception:
            failures += 1
        saves.append(time.perf_counter() - started)
        day += timedelta(days=1)
        done.wait(0.2)
    thread.join()
    result["other_saves"] = len(saves)
    result["slowest_save_s"] = round(max(saves), 2) if saves else None
    result["failed_saves"] = failures
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only")
    parser.add_argument("--kind", default="incidents")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.kind)))
        return
    for name in [args.only] if args.only else FILES:
        run = subprocess.run(
            [sys.executable, __file__, "--one", name, "--kind", args.kind],
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        lines = run.stdout.strip().splitlines()
        print(lines[-1] if lines else f'{{"file": "{name}", "error": {json.dumps(run.stderr[-500:])}}}', flush=True)


if __name__ == "__main__":
    main()
