"""What every part of the load test shares: where the project is, the demo password,
the limits every request and loop keeps to, and the log line."""

import os
import socket
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent  # gunicorn is installed next to this Python
PASSWORD = os.environ.get("DEMO_PASSWORD", "behind-the-badge")
REQUEST_TIMEOUT = 20.0  # seconds; a board report render is the slowest request
MAX_REQUESTS_PER_CLIENT = 5000  # a bound on every client loop besides its deadline

STARTED = time.monotonic()


def today() -> date:
    """Today's date for the values the people send."""
    # The UTC date is never ahead of the app's date in Europe/London, so "today"
    # sent from here is never refused as a day in the future.
    return datetime.now(UTC).date()


def log(message: str) -> None:
    """Print at once (the output is read live); a "==" step line also shows how long
    the whole test has been going, since most of the time goes into setting up."""
    if message.startswith("=="):
        message = f"{message} [{time.monotonic() - STARTED:.0f} s]"
    print(message, flush=True)


def free_port() -> int:
    """A loopback port nothing listens on now, for a server of this test's own."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
