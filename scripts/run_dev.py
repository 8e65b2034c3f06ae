"""`make run`: the development server, a task worker beside it and the schedule, as
one command. Ctrl+C (or SIGTERM) stops all three.

- `manage.py runserver ADDRESS` serves the app;
- `manage.py db_worker` runs the background tasks (imports, report issues, email);
- `manage.py run_schedule` runs once a minute, as cron would in production.

Usage: python scripts/run_dev.py 127.0.0.1:8000"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]
SCHEDULE_EVERY_SECONDS = 60


class Stop(Exception):
    pass


def _stop(signum: int, frame: FrameType | None) -> None:
    raise Stop


def main(address: str) -> int:
    signal.signal(signal.SIGTERM, _stop)
    children = [
        subprocess.Popen([*MANAGE, "db_worker", "--interval", "1"], cwd=ROOT),
        subprocess.Popen([*MANAGE, "runserver", address], cwd=ROOT),
    ]
    try:
        while all(child.poll() is None for child in children):
            subprocess.run([*MANAGE, "run_schedule"], cwd=ROOT, check=False)
            deadline = time.monotonic() + SCHEDULE_EVERY_SECONDS
            while time.monotonic() < deadline and all(child.poll() is None for child in children):
                time.sleep(0.5)
    except (KeyboardInterrupt, Stop):
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    failed = [child for child in children if child.returncode not in (0, -signal.SIGTERM, None)]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8000"))
