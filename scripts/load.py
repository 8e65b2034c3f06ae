"""Load and fault test (`make load`, `make faults`).

For each database (a temporary SQLite file, then a private PostgreSQL cluster this
script starts and removes), it builds a fresh database with the demo data, serves it
with TWO gunicorn instances on free loopback ports (the settings of gunicorn.conf.py,
two sync workers each) sharing the database, the media folder and a database cache,
and runs simulated officers, liaisons and a signed-in browser user against both for a
bounded time. Some clients deliberately edit the same record at the same moment.

The fault run does the same on PostgreSQL while the cluster is stopped for a few
seconds and started again, with the app servers left running.

It prints throughput and latency per kind of request, and exits non-zero unless:
no 5xx (outside an outage, none at all; during one, only 503), no "database is
locked" and no "Internal Server Error" in the server logs, every write the server
acknowledged is stored with the acknowledged values, every concurrent edit of one
version had exactly one winner and one 409 and the loser's value was never stored,
requests during an outage failed fast with a clean 503 and the app recovered by
itself, and the stored data is whole (history and transition events consistent).

Every loop is bounded in time and in count; nothing listens beyond 127.0.0.1."""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import pwd
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = os.environ.get("DEMO_PASSWORD", "behind-the-badge")
REQUEST_TIMEOUT = 20.0  # seconds; a board report render is the slowest request
FAIL_FAST_SECONDS = 3.0  # the longest an answer may take while the database is down
RECOVERY_GRACE_SECONDS = 5.0  # after the database is back, no 503 may follow later than this
MAX_REQUESTS_PER_CLIENT = 5000  # a bound on every client loop besides its deadline
SEED_DATABASE = "tracker_load_seed"
TOKEN_RATE_SPARE = 4  # token grants left in the shared throttle after the clients have theirs


def today() -> date:
    # The UTC date is never ahead of the app's date in Europe/London, so "today"
    # sent from here is never refused as a day in the future.
    return datetime.now(UTC).date()


STARTED = time.monotonic()


def log(message: str) -> None:
    if message.startswith("=="):
        message = f"{message} [{time.monotonic() - STARTED:.0f} s]"
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# A private PostgreSQL cluster -----------------------------------------------------


class ClusterError(Exception):
    pass


class PrivateCluster:
    """A throwaway PostgreSQL server in a temporary folder, on a free loopback port,
    with trust authentication. It is this script's own: stopping it affects nobody
    else. PostgreSQL refuses to run as root, so as root its commands run as the
    `postgres` system user (LOAD_PG_USER to choose another)."""

    def __init__(self) -> None:
        pg_config = shutil.which("pg_config")
        if pg_config is None:
            raise ClusterError("pg_config is not on PATH: install the PostgreSQL server package (e.g. postgresql).")
        self.bindir = Path(subprocess.run([pg_config, "--bindir"], capture_output=True, text=True).stdout.strip())
        for tool in ("initdb", "pg_ctl", "postgres"):
            if not (self.bindir / tool).exists():
                raise ClusterError(f"{self.bindir / tool} is missing: install the PostgreSQL server binaries.")
        self.as_user: list[str] = []
        owner: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            name = os.environ.get("LOAD_PG_USER", "postgres")
            try:
                owner = pwd.getpwnam(name)
            except KeyError:
                raise ClusterError(
                    f"Running as root, and PostgreSQL refuses to run as root; there is no system user {name!r} "
                    "to run it as. Create one (or set LOAD_PG_USER), or run this as an ordinary user."
                ) from None
            runuser = shutil.which("runuser")
            if runuser is None:
                raise ClusterError("Running as root without `runuser` to start PostgreSQL as another user.")
            self.as_user = [runuser, "-u", name, "--"]
        self.dir = Path(tempfile.mkdtemp(prefix="tracker-load-pg-"))
        if owner is not None:
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
        self.data = self.dir / "data"
        self.logfile = self.dir / "postgresql.log"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([*self.as_user, *args], capture_output=True, text=True, cwd=self.dir)
        if check and result.returncode != 0:
            raise ClusterError(f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result

    def initialise(self) -> None:
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir}"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.logfile), "-o", options,
                  "-w", "-t", "30", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def create_database(self, name: str, template: str = "template1") -> str:
        import psycopg

        with psycopg.connect(f"{self.url}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return f"{self.url}/{name}"

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.url}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Two app servers ------------------------------------------------------------------


class AppServers:
    """Two gunicorn instances with the project's gunicorn.conf.py, on two ports,
    sharing one database, media folder and cache."""

    def __init__(self, env: dict[str, str], workdir: Path, workers: int):
        self.env = env
        self.workdir = workdir
        self.workers = workers
        self.ports = [free_port(), free_port()]
        self.logs = [workdir / f"gunicorn-{i + 1}.log" for i in range(2)]
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        for port, logfile in zip(self.ports, self.logs, strict=True):
            env = {**self.env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(self.workers)}
            with logfile.open("wb") as out:
                self.processes.append(
                    subprocess.Popen(
                        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "tracker.wsgi"],
                        cwd=ROOT,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )  # fmt: skip
                )
        deadline = time.monotonic() + 60
        for port in self.ports:
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    conn.request("GET", "/healthz")
                    if conn.getresponse().status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                    raise RuntimeError(f"gunicorn on port {port} did not start; see {self.logs}")
                time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def log_text(self) -> str:
        return "".join(path.read_text(errors="replace") for path in self.logs if path.exists())


# Requests and what they answered ----------------------------------------------------


@dataclass
class Answer:
    kind: str
    server: int
    status: int  # 0: no HTTP answer at all (refused, reset, timed out)
    started: float  # seconds since the run began
    elapsed: float
    content_type: str = ""
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Run:
    """Everything one run records: answers, acknowledged writes, races."""

    def __init__(self, name: str, ports: list[int], duration: float):
        self.name = name
        self.ports = ports
        self.duration = duration
        self.t0 = time.monotonic()
        self.deadline = self.t0 + duration
        self.lock = threading.Lock()
        self.answers: list[Answer] = []
        self.acks: list[dict[str, Any]] = []  # writes the server acknowledged
        self.creates: dict[str, list[int]] = defaultdict(list)  # model -> statuses of create attempts
        self.races: list[dict[str, Any]] = []
        self.failures: list[str] = []
        self.notes: dict[str, Any] = {}
        self.outage: dict[str, float] = {}

    def now(self) -> float:
        return time.monotonic() - self.t0

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    def fail(self, message: str) -> None:
        with self.lock:
            self.failures.append(message)

    def ack(self, model: str, pk: int, version: int, **fields: Any) -> None:
        with self.lock:
            self.acks.append({"model": model, "id": pk, "version": version, "fields": fields})

    def record(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)


class Client:
    """One simulated person: plain http.client requests, a fresh connection each
    (gunicorn's sync workers close the connection after every answer)."""

    def __init__(self, run: Run, name: str, server: int = 0):
        self.run = run
        self.name = name
        self.server = server
        self.token = ""
        self.cookies: dict[str, str] = {}
        self.sent = 0

    def other_server(self) -> int:
        return 1 - self.server

    def next_server(self) -> int:
        """Alternate between the two servers, as a load balancer would."""
        self.server = 1 - self.server
        return self.server

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        body: Any = None,
        *,
        server: int | None = None,
        form: dict[str, str] | None = None,
        timeout: float = REQUEST_TIMEOUT,
        record: bool = True,
    ) -> Answer:
        server = self.next_server() if server is None else server
        headers = {"Accept": "application/json" if path.startswith("/api/") else "text/html"}
        payload: bytes | None = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif form is not None:
            from urllib.parse import urlencode

            payload = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if "csrftoken" in self.cookies and method not in {"GET", "HEAD"}:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        self.sent += 1
        started = self.run.now()
        begun = time.monotonic()
        answer = Answer(kind, server, 0, started, 0.0)
        conn = http.client.HTTPConnection("127.0.0.1", self.run.ports[server], timeout=timeout)
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            answer.body = response.read()
            answer.status = response.status
            answer.content_type = response.getheader("Content-Type", "")
            answer.headers = {k.lower(): v for k, v in response.getheaders()}
            for value in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        except (OSError, http.client.HTTPException) as error:
            answer.body = repr(error).encode()
        finally:
            conn.close()
        answer.elapsed = time.monotonic() - begun
        if record:
            self.run.record(answer)
        return answer

    def get_token(self, username: str) -> None:
        answer = self.request(
            "POST auth/token", "POST", "/api/v1/auth/token/", {"username": username, "password": PASSWORD}
        )
        if answer.status != 201:
            raise RuntimeError(f"{self.name}: no token for {username}: {answer.status} {answer.body[:200]!r}")
        self.token = answer.json()["token"]

    def pause_after(self, answer: Answer) -> None:
        """Back off briefly when the service is unavailable, as a person (or a polite
        script) would; keeps the number of requests during an outage bounded."""
        if answer.status == 503 or answer.status == 0:
            time.sleep(0.25)

    def budget(self) -> bool:
        return self.run.running() and self.sent < MAX_REQUESTS_PER_CLIENT


# The simulated people ----------------------------------------------------------------


def _results(answer: Answer) -> list[dict[str, Any]]:
    data = answer.json()
    return list(data.get("results", [])) if answer.ok and isinstance(data, dict) else []


def _check_echo(run: Run, what: str, sent: dict[str, Any], got: dict[str, Any]) -> None:
    for key, value in sent.items():
        if got.get(key) != value:
            run.fail(f"{what}: sent {key}={value!r}, the server answered {got.get(key)!r}")


class Officer:
    """A partnership officer: logs engagements and edits them, moves partnerships
    along, records reviews, and refers people to programmes."""

    def __init__(self, run: Run, ref: dict[str, Any], number: int, server: int):
        self.run = run
        self.ref = ref
        self.number = number
        self.client = Client(run, f"officer-{number}", server)
        self.rng = random.Random(1000 + number)
        self.mine: list[dict[str, Any]] = []  # engagements this officer created: id, version
        self.count = 0
        self.referred = 0

    def tag(self, what: str) -> str:
        self.count += 1
        return f"load {self.run.name} officer-{self.number} {what} {self.count}"

    def loop(self) -> None:
        actions: list[tuple[Callable[[], None], int]] = [
            (self.list_engagements, 3),
            (self.create_engagement, 3),
            (self.edit_engagement, 2),
            (self.move_partnership, 2),
            (self.review_partnership, 1),
            (self.refer, 2),
            (self.list_referrals, 1),
        ]
        choices = [a for a, weight in actions for _ in range(weight)]
        while self.client.budget():
            self.rng.choice(choices)()

    def list_engagements(self) -> None:
        page = self.rng.randint(1, 5)
        self.client.pause_after(self.client.request("GET engagements", "GET", f"/api/v1/engagements/?page={page}"))

    def list_referrals(self) -> None:
        self.client.pause_after(self.client.request("GET referrals", "GET", "/api/v1/referrals/?status=submitted"))

    def create_engagement(self) -> None:
        sent = {
            "starts_at": (datetime.now(UTC) - timedelta(days=self.rng.randint(0, 60))).strftime("%Y-%m-%dT%H:%M:00Z"),
            "kind": self.rng.choice(self.ref["kinds"]),
            "lead_officer": self.ref["officer_id"],
            "area": self.rng.choice(self.ref["areas"]),
            "groups": [self.rng.choice(self.ref["groups"])],
            "attendance": self.rng.randint(1, 200),
            "summary": self.tag("engagement"),
        }
        answer = self.client.request("POST engagement", "POST", "/api/v1/engagements/", sent)
        self.run.creates["engagement"].append(answer.status)
        if answer.status == 201:
            got = answer.json()
            _check_echo(self.run, "engagement create", {k: sent[k] for k in ("summary", "attendance")}, got)
            self.run.ack("engagement", got["id"], got["version"], summary=got["summary"], attendance=got["attendance"])
            self.mine.append({"id": got["id"], "version": got["version"]})
        elif answer.status not in {503, 0}:
            self.run.fail(f"engagement create answered {answer.status}: {answer.body[:300]!r}")
        self.client.pause_after(answer)

    def edit_engagement(self) -> None:
        if not self.mine:
            return self.create_engagement()
        record = self.rng.choice(self.mine)
        sent = {"summary": self.tag("edit"), "attendance": self.rng.randint(1, 200)}
        answer = self.client.request(
            "PATCH engagement", "PATCH", f"/api/v1/engagements/{record['id']}/", {**sent, "version": record["version"]}
        )
        if answer.ok:
            got = answer.json()
            _check_echo(self.run, "engagement edit", sent, got)
            record["version"] = got["version"]
            self.run.ack("engagement", got["id"], got["version"], summary=got["summary"], attendance=got["attendance"])
        elif answer.status == 409:
            # Only this officer edits its own engagements, so a 409 means a lost answer
            # (an outage) left our version behind: read the record again.
            self.run.notes["own_409"] = self.run.notes.get("own_409", 0) + 1
            fresh = self.client.request("GET engagement", "GET", f"/api/v1/engagements/{record['id']}/")
            if fresh.ok:
                record["version"] = fresh.json()["version"]
        elif answer.status not in {503, 0}:
            self.run.fail(f"engagement edit answered {answer.status}: {answer.body[:300]!r}")
        self.client.pause_after(answer)

    def _open_partnership(self) -> dict[str, Any] | None:
        pk = self.rng.choice(self.ref["partnerships"])
        answer = self.client.request("GET partnership", "GET", f"/api/v1/partnerships/{pk}/")
        self.client.pause_after(answer)
        return answer.json() if answer.ok else None

    def move_partnership(self) -> None:
        partnership = self._open_partnership()
        if partnership is None:
            return
        forward = [m for m in partnership["allowed_moves"] if m in {"engaged", "signed_up", "active"}]
        if not forward:
            return
        to = self.rng.choice(forward)
        action = {"engaged": "mark-engaged", "signed_up": "sign-up", "active": "activate"}[to]
        answer = self.client.request(
            "POST partnership move",
            "POST",
            f"/api/v1/partnerships/{partnership['id']}/{action}/",
            {"version": partnership["version"]},
        )
        if answer.ok:
            got = answer.json()
            if got["status"] != to:
                self.run.fail(f"partnership {got['id']} moved to {to} but answered status {got['status']}")
            # A move can set the review date too (signing up), so acknowledge both.
            self.run.ack("partnership", got["id"], got["version"], status=got["status"], review=got["next_review_on"])
        elif answer.status not in {409, 503, 0}:  # 409: another officer moved it first
            self.run.fail(f"partnership move answered {answer.status}: {answer.body[:300]!r}")
        self.client.pause_after(answer)

    def review_partnership(self) -> None:
        partnership = self._open_partnership()
        if partnership is None or partnership["status"] in {"lapsed", "withdrawn"}:
            return
        review = (today() + timedelta(days=self.rng.randint(30, 400))).isoformat()
        answer = self.client.request(
            "PATCH partnership",
            "PATCH",
            f"/api/v1/partnerships/{partnership['id']}/",
            {"version": partnership["version"], "next_review_on": review},
        )
        if answer.ok:
            got = answer.json()
            _check_echo(self.run, "partnership review", {"next_review_on": review}, got)
            self.run.ack("partnership", got["id"], got["version"], status=got["status"], review=got["next_review_on"])
        elif answer.status not in {409, 503, 0}:
            self.run.fail(f"partnership review answered {answer.status}: {answer.body[:300]!r}")
        self.client.pause_after(answer)

    def refer(self, notes: str = "", handling: int | None = None) -> dict[str, Any] | None:
        """A new person, a draft referral and its submission: three acknowledged writes."""
        # Unique by construction (run, officer, a count of this officer's referrals): the
        # race officer refers many people in a row without any other action in between.
        self.referred += 1
        reference = f"LD{self.run.name[:2].upper()}{self.number:02d}{self.referred:05d}"
        person = {
            "case_reference": reference,
            "first_name": "Load",
            "last_name": f"Test{self.number}",
            "date_of_birth": "1990-01-01",
            "confirm_duplicate": True,
        }
        answer = self.client.request("POST offender", "POST", "/api/v1/offenders/", person)
        self.run.creates["offender"].append(answer.status)
        if answer.status != 201:
            if answer.status not in {503, 0}:
                self.run.fail(f"offender create answered {answer.status}: {answer.body[:300]!r}")
            self.client.pause_after(answer)
            return None
        offender = answer.json()
        self.run.ack("offender", offender["id"], offender["version"], case_reference=reference)
        programme = self.rng.choice(list(self.ref["programmes"]))
        draft = {
            "offender": offender["id"],
            "programme": int(programme),
            "handling_organisation": handling or self.rng.choice(self.ref["handlers"]),
            "offence_date": "2026-01-15",
            "area": self.rng.choice(self.ref["areas"]),
            "victim_role": "police_officer",
            "notes": notes or self.tag("referral"),
        }
        answer = self.client.request("POST referral", "POST", "/api/v1/referrals/", draft)
        self.run.creates["referral"].append(answer.status)
        if answer.status != 201:
            if answer.status not in {503, 0}:
                self.run.fail(f"referral create answered {answer.status}: {answer.body[:300]!r}")
            self.client.pause_after(answer)
            return None
        referral = answer.json()
        self.run.ack("referral", referral["id"], referral["version"], status="draft", notes=draft["notes"])
        answer = self.client.request(
            "POST referral submit",
            "POST",
            f"/api/v1/referrals/{referral['id']}/submit/",
            {"version": referral["version"]},
        )
        if not answer.ok:
            if answer.status not in {503, 0}:
                self.run.fail(f"referral submit answered {answer.status}: {answer.body[:300]!r}")
            self.client.pause_after(answer)
            return None
        submitted = answer.json()
        self.run.ack("referral", submitted["id"], submitted["version"], status=submitted["status"])
        return dict(submitted)


class Liaison:
    """A probation or prison liaison working their organisation's referrals: accept,
    start, record sessions, complete or end them."""

    MOVES = {"submitted": "accept", "accepted": "start"}

    def __init__(self, run: Run, ref: dict[str, Any], username: str, number: int, server: int):
        self.run = run
        self.ref = ref
        self.username = username
        self.client = Client(run, f"{username}-{number}", server)
        self.rng = random.Random(2000 + number)
        self.sessions: dict[int, int] = defaultdict(int)
        self.count = 0

    def loop(self) -> None:
        statuses = ["submitted", "accepted", "started", "started"]
        while self.client.budget():
            status = self.rng.choice(statuses)
            answer = self.client.request("GET referrals", "GET", f"/api/v1/referrals/?status={status}")
            self.client.pause_after(answer)
            # Referrals made for the races are the racers' own.
            work = [r for r in _results(answer) if not str(r.get("notes", "")).startswith("race")]
            if not work:
                continue
            referral = self.rng.choice(work[:10])
            if status in self.MOVES:
                self.move(referral, self.MOVES[status])
            elif self.sessions[referral["id"]] < 2:
                self.record_session(referral)
            else:
                self.finish(referral)

    def _moved(self, answer: Answer, what: str) -> None:
        if answer.ok:
            got = answer.json()
            self.run.ack("referral", got["id"], got["version"], status=got["status"])
        elif answer.status not in {409, 503, 0}:  # 409: the other liaison of the organisation moved it first
            self.run.fail(f"referral {what} answered {answer.status}: {answer.body[:300]!r}")
        self.client.pause_after(answer)

    def move(self, referral: dict[str, Any], action: str) -> None:
        answer = self.client.request(
            f"POST referral {action}",
            "POST",
            f"/api/v1/referrals/{referral['id']}/{action}/",
            {"version": referral["version"]},
        )
        self._moved(answer, action)

    def record_session(self, referral: dict[str, Any]) -> None:
        self.count += 1
        notes = f"load {self.run.name} {self.client.name} session {self.count}"
        sent = {
            "referral": referral["id"],
            "scheduled_on": (today() - timedelta(days=self.rng.randint(0, 20))).isoformat(),
            "happened": True,
            "attendance": "attended",
            "behaviour": self.rng.randint(1, 5),
            "notes": notes,
        }
        answer = self.client.request("POST session", "POST", "/api/v1/sessions/", sent)
        self.run.creates["session"].append(answer.status)
        if answer.status == 201:
            got = answer.json()
            _check_echo(self.run, "session", {k: sent[k] for k in ("referral", "scheduled_on", "notes")}, got)
            self.run.ack("session", got["id"], got["version"], referral=got["referral"], notes=got["notes"])
            self.sessions[referral["id"]] += 1
        elif answer.status == 400 and b"accepted or started" in answer.body:
            pass  # the other liaison ended the referral meanwhile
        elif answer.status == 403:
            pass  # the same: sessions are recorded only while accepted or started
        elif answer.status not in {503, 0}:
            self.run.fail(f"session answered {answer.status}: {answer.body[:300]!r}")
        self.client.pause_after(answer)

    def finish(self, referral: dict[str, Any]) -> None:
        if self.rng.random() < 0.7:
            desired = self.ref["programmes"][str(referral["programme"])]
            ratings = [{"outcome_type": t, "rating": "achieved", "comment": "Load test summary."} for t in desired]
            body = {"version": referral["version"], "ratings": ratings}
            action = "complete"
        else:
            body = {"version": referral["version"], "reason": self.rng.choice(self.ref["reasons"])}
            action = "mark-not-completed"
        answer = self.client.request(
            f"POST referral {action}", "POST", f"/api/v1/referrals/{referral['id']}/{action}/", body
        )
        self._moved(answer, action)


class Racers:
    """Two clients, one on each server, read the same version of a record and change
    it at the same moment. Exactly one may win; the other must get 409."""

    def __init__(self, run: Run, ref: dict[str, Any], officer: Officer, liaisons: list[Client]):
        self.run = run
        self.ref = ref
        self.officer = officer  # makes the referrals whose acceptance is raced
        self.engagers = [Client(run, "racer-a", 0), Client(run, "racer-b", 1)]
        self.liaisons = liaisons
        self.rng = random.Random(3000)
        self.rounds = 0

    def race(
        self, kind: str, clients: list[Client], calls: list[tuple[str, str, dict[str, Any]]]
    ) -> list[Answer | None]:
        barrier = threading.Barrier(len(clients), timeout=10)
        answers: list[Answer | None] = [None] * len(clients)

        def go(i: int) -> None:
            method, path, body = calls[i]
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                return
            answers[i] = clients[i].request(kind, method, path, body, server=clients[i].server)

        threads = [threading.Thread(target=go, args=(i,)) for i in range(len(clients))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 15)
        return answers

    def judge(self, what: str, pk: int, answers: list[Answer | None], values: list[Any]) -> int | None:
        statuses = [a.status if a else 0 for a in answers]
        if any(s in {503, 0} for s in statuses):
            self.run.races.append({"what": what, "id": pk, "statuses": statuses, "interrupted": True})
            return None
        winners = [i for i, s in enumerate(statuses) if 200 <= s < 300]
        conflicts = [i for i, s in enumerate(statuses) if s == 409]
        entry = {"what": what, "id": pk, "statuses": statuses, "interrupted": False}
        if len(winners) != 1 or len(conflicts) != 1:
            self.run.fail(f"race on {what} {pk}: expected one winner and one 409, got {statuses}")
            self.run.races.append(entry)
            return None
        loser = answers[conflicts[0]]
        if loser is not None and (loser.json() or {}).get("code") != "edit_conflict":
            self.run.fail(f"race on {what} {pk}: the 409 is not an edit conflict: {loser.body[:200]!r}")
        entry["winner_value"] = values[winners[0]]
        entry["loser_value"] = values[conflicts[0]]
        self.run.races.append(entry)
        return winners[0]

    def loop(self) -> None:
        rounds = [self.engagement_round, self.partnership_round, self.referral_round]
        while self.run.running() and self.rounds < 500:
            self.rng.choice(rounds)()
            self.rounds += 1

    def _read(self, path: str) -> dict[str, Any] | None:
        answer = self.engagers[0].request("GET race record", "GET", path, server=0)
        self.engagers[0].pause_after(answer)
        return answer.json() if answer.ok else None

    def engagement_round(self) -> None:
        pk = self.rng.choice(self.ref["race_engagements"])
        record = self._read(f"/api/v1/engagements/{pk}/")
        if record is None:
            return
        values = [f"race {self.run.name} engagement {pk} round {self.rounds} {c.name}" for c in self.engagers]
        calls = [("PATCH", f"/api/v1/engagements/{pk}/", {"version": record["version"], "summary": v}) for v in values]
        answers = self.race("PATCH engagement (race)", self.engagers, calls)
        winner = self.judge("engagement", pk, answers, values)
        if winner is not None:
            got = answers[winner].json()  # type: ignore[union-attr]
            self.run.ack("engagement", pk, got["version"], summary=got["summary"], attendance=got["attendance"])

    def partnership_round(self) -> None:
        pk = self.rng.choice(self.ref["race_partnerships"])
        record = self._read(f"/api/v1/partnerships/{pk}/")
        if record is None:
            return
        # Dates unique to this round and racer, so a loser's date can be looked for in the history.
        values = [(today() + timedelta(days=100 + offset + self.rounds)).isoformat() for offset in (0, 600)]
        path = f"/api/v1/partnerships/{pk}/"
        calls = [("PATCH", path, {"version": record["version"], "next_review_on": v}) for v in values]
        answers = self.race("PATCH partnership (race)", self.engagers, calls)
        winner = self.judge("partnership", pk, answers, values)
        if winner is not None:
            got = answers[winner].json()  # type: ignore[union-attr]
            self.run.ack("partnership", pk, got["version"], status=got["status"], review=got["next_review_on"])

    def referral_round(self) -> None:
        referral = self.officer.refer(notes=f"race {self.run.name} {self.rounds}", handling=self.ref["probation_id"])
        if referral is None:
            return
        pk, version = referral["id"], referral["version"]
        calls = [("POST", f"/api/v1/referrals/{pk}/accept/", {"version": version}) for _ in self.liaisons]
        answers = self.race("POST referral accept (race)", self.liaisons, calls)
        winner = self.judge("referral", pk, answers, [c.name for c in self.liaisons])
        if winner is not None:
            got = answers[winner].json()  # type: ignore[union-attr]
            self.run.ack("referral", pk, got["version"], status=got["status"])


class Browser:
    """A signed-in person using the pages: signs in on one server and is served by
    both (sessions in the database), issues a board report on one server and
    downloads it from the other (shared media)."""

    PAGES = ["/", "/partners/engagements/", "/partners/partnerships/", "/interventions/", "/reports/issued/"]

    def __init__(self, run: Run, username: str, issue: bool):
        self.run = run
        self.username = username
        self.client = Client(run, f"browser-{username}", 0)
        self.issue = issue
        self.rng = random.Random(4000)

    def _csrf_form(self, server: int, path: str) -> str:
        page = self.client.request("GET page", "GET", path, server=server)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if not page.ok or found is None:
            raise RuntimeError(f"no sign-in form at {path}: {page.status}")
        return found.group(1).decode()

    def sign_in(self) -> None:
        token = self._csrf_form(0, "/accounts/login/")
        answer = self.client.request(
            "POST sign-in",
            "POST",
            "/accounts/login/",
            form={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            server=0,
        )
        if answer.status != 302 or "sessionid" not in self.client.cookies:
            raise RuntimeError(f"sign-in as {self.username} failed: {answer.status}")

    def issue_and_download(self) -> None:
        token = self.client.cookies["csrftoken"]  # rotated at sign-in; Django accepts the cookie's value
        start = today().replace(day=1) - timedelta(days=90)
        answer = self.client.request(
            "POST issue board report",
            "POST",
            "/reports/issued/new/",
            form={"start": start.isoformat(), "end": today().isoformat(), "csrfmiddlewaretoken": token},
            server=0,
            timeout=120,
        )
        if answer.status != 302:
            if answer.status not in {503, 0}:
                self.run.fail(f"issuing a board report answered {answer.status}")
            return
        listing = self.client.request("GET page", "GET", "/reports/issued/", server=1)
        ids = [int(i) for i in re.findall(rb"/reports/issued/(\d+)/download/", listing.body)]
        if not ids:
            self.run.fail("the issued report is not listed on the other server")
            return
        pdf = self.client.request("GET issued report", "GET", f"/reports/issued/{max(ids)}/download/", server=1)
        if not pdf.ok or not pdf.body.startswith(b"%PDF"):
            self.run.fail(f"downloading the issued report from the other server answered {pdf.status}")
            return
        self.run.notes["issued_download"] = {"id": max(ids), "sha256": hashlib.sha256(pdf.body).hexdigest()}

    def loop(self) -> None:
        self.sign_in()
        if self.issue:
            self.issue_and_download()
        while self.client.budget():
            answer = self.client.request("GET page", "GET", self.rng.choice(self.PAGES))
            if answer.status in {301, 302}:
                self.run.fail(f"signed-in page on server {answer.server + 1} redirected: the session was not shared")
            self.client.pause_after(answer)
            time.sleep(0.05)


# One run ----------------------------------------------------------------------------


def django_step(env: dict[str, str], *args: str) -> Any:
    """Run this script in Django mode (see `verify_main`) and return its JSON."""
    result = subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise RuntimeError(f"{args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_env(database_url: str, workdir: Path, token_rate: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "load-testing-only-secret-key-not-for-deployment",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDIA_ROOT": str(workdir / "media"),
        "CACHE_URL": "dbcache://tracker_cache",
        # Throttling would only turn load into 429s; the token scope stays low on
        # purpose, to show that both servers count against one shared cache.
        "API_RATE_USER": "1000000/minute",
        "API_RATE_ANON": "1000000/minute",
        "API_RATE_TOKEN": f"{token_rate}/minute",
        "AXES_FAILURE_LIMIT": "1000000",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def collect_static() -> None:
    """The pages need the hashed static files' manifest. Collecting compresses every
    file again, which takes a while, so it is skipped when nothing changed since."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    sources = [p for folder in [ROOT / "static", *ROOT.glob("*/static"), *ROOT.glob("*/*/static")]
               for p in folder.rglob("*") if p.is_file()]  # fmt: skip
    if manifest.exists() and all(p.stat().st_mtime < manifest.stat().st_mtime for p in sources):
        return
    log("== collecting static files")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, check=True,
                   env={**os.environ, "DEBUG": "false", "SECRET_KEY": "collectstatic-only"})  # fmt: skip


def prepare_database(env: dict[str, str]) -> None:
    manage = [sys.executable, "manage.py"]
    for step in (["migrate", "--no-input", "-v0"], ["createcachetable"], ["seed_demo", "--force"]):
        subprocess.run([*manage, *step], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def shared_throttle_check(run: Run, probe: Client, spare: int) -> None:
    """Both servers (four workers) count token grants in the one shared cache: after
    the clients' own tokens only `spare` more are granted in all, wherever asked."""
    granted, refused_by = 0, set()
    for _ in range(4 * spare + 8):
        answer = probe.request(
            "POST auth/token", "POST", "/api/v1/auth/token/", {"username": "board", "password": PASSWORD}
        )
        if answer.status == 201:
            granted += 1
        elif answer.status == 429:
            refused_by.add(answer.server)
        else:
            run.fail(f"token request during the throttle check answered {answer.status}")
        if len(refused_by) == 2:
            break
    run.notes["throttle"] = {"granted_after_clients": granted, "limit_left": spare, "refused_by": len(refused_by)}
    if granted > spare or len(refused_by) != 2:
        run.fail(
            f"throttling is not shared: {granted} more tokens granted (at most {spare} left), "
            f"{len(refused_by)} of 2 servers refused"
        )


def fault(run: Run, cluster: PrivateCluster, at: float, outage: float) -> Callable[[], None]:
    """Stop the private cluster `at` seconds into the run, for `outage` seconds."""

    def act() -> None:
        time.sleep(max(0.0, run.t0 + at - time.monotonic()))
        run.outage["stop_begin"] = run.now()
        cluster.stop("fast")
        run.outage["down"] = run.now()
        time.sleep(outage)
        run.outage["start_begin"] = run.now()
        cluster.start()
        run.outage["up"] = run.now()

    return act


def one_run(
    name: str,
    database_url: str,
    workdir: Path,
    args: argparse.Namespace,
    cluster: PrivateCluster | None = None,
    faults: bool = False,
    prepared: bool = False,
) -> Run:
    officers, liaisons = args.officers, args.liaisons
    # One token for each person signed in through the API: officer, liaison (and liaison2).
    tokens = 3 if liaisons > 1 else 2
    env = run_env(database_url, workdir, token_rate=tokens + TOKEN_RATE_SPARE)
    if not prepared:
        log(f"== {name}: preparing a fresh database ({database_url.split('@')[-1]})")
        prepare_database(env)
    ref = django_step(env, "--reference")
    before = django_step(env, "--counts")
    servers = AppServers(env, workdir, args.workers)
    began = time.monotonic()
    servers.start()
    run = Run(name, servers.ports, args.duration)
    log(f"== {name}: two gunicorn servers on ports {servers.ports[0]} and {servers.ports[1]}, {args.duration:.0f} s")
    try:
        officer_people = [Officer(run, ref, i, i % 2) for i in range(officers)]
        liaison_people = [Liaison(run, ref, "liaison" if i % 2 == 0 else "liaison2", i, i % 2) for i in range(liaisons)]
        race_officer = Officer(run, ref, 99, 0)
        racers = Racers(run, ref, race_officer, [Client(run, "race-liaison-a", 0), Client(run, "race-liaison-b", 1)])
        wanted = [(p.client, "officer") for p in officer_people] + [(p.client, p.username) for p in liaison_people]
        wanted += [(race_officer.client, "officer")] + [(c, "officer") for c in racers.engagers]
        wanted += [(c, "liaison") for c in racers.liaisons]
        # One token per person, shared by that person's clients (each grant checks a
        # password, slow on purpose); asked one after another, because DRF's throttle
        # rewrites its history without a lock, and grants made at the same moment
        # could be counted once, which would blur the shared-cache check below.
        granted: dict[str, str] = {}
        for client, username in wanted:
            if username not in granted:
                client.get_token(username)
                granted[username] = client.token
            client.token = granted[username]
        shared_throttle_check(run, Client(run, "throttle-probe"), TOKEN_RATE_SPARE)
        browser = Browser(run, "officer", issue=not faults)
        # The run's clock starts now; setup answers keep their times, moved before zero.
        shift = time.monotonic() - run.t0
        for answer in run.answers:
            answer.started -= shift
        run.t0 = time.monotonic()
        run.deadline = run.t0 + args.duration
        errors: list[str] = []

        def guarded(target: Callable[[], None]) -> Callable[[], None]:
            def wrapper() -> None:
                try:
                    target()
                except Exception as error:  # a client crashing is a failed run, not a hang
                    errors.append(f"{threading.current_thread().name}: {error!r}")

            return wrapper

        loops: list[tuple[str, Callable[[], None]]] = [(p.client.name, p.loop) for p in officer_people]
        loops += [(p.client.name, p.loop) for p in liaison_people]
        loops += [("racers", racers.loop), ("browser", browser.loop)]
        if faults and cluster is not None:
            loops.append(("fault", fault(run, cluster, at=args.duration * 0.35, outage=args.outage)))
        threads = [threading.Thread(target=guarded(target), name=name) for name, target in loops]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.duration + 120)
            if thread.is_alive():
                errors.append(f"{thread.name} did not finish")
        for error in errors:
            run.fail(error)
        run.notes["elapsed"] = run.now()
        run.notes["setup_s"] = round(run.t0 - began, 1)
        run.notes["race_rounds"] = racers.rounds
    finally:
        servers.stop()
    logs = servers.log_text()
    run.notes["unanswered_creates"] = {
        model: sum(1 for status in statuses if status == 0 or status >= 500) for model, statuses in run.creates.items()
    }
    ledger = workdir / f"ledger-{name}.json"
    ledger.write_text(json.dumps({"acks": run.acks, "races": run.races, "before": before, "notes": run.notes}))
    verdict = django_step(env, "--verify", str(ledger))
    check_run(run, logs, verdict, faults)
    return run


# Checks and figures -----------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def check_run(run: Run, logs: str, verdict: dict[str, Any], faults: bool) -> None:
    run.failures.extend(verdict["failures"])
    run.notes["verified"] = verdict["checked"]
    for needle in ("database is locked", "Internal Server Error", "Traceback"):
        found = logs.count(needle)
        if found:
            run.fail(f'the server logs contain "{needle}" {found} times')
    access_500 = len(re.findall(r'" 50[0-24-9] ', logs))
    if access_500:
        run.fail(f"the access logs record {access_500} 5xx answers other than 503")
    run.notes["log_503"] = len(re.findall(r'" 503 ', logs))

    outage = run.outage
    down_from, down_to = outage.get("down", float("inf")), outage.get("start_begin", float("-inf"))
    during: list[Answer] = []
    for answer in run.answers:
        if answer.status >= 500 and answer.status != 503:
            run.fail(f"{answer.kind} answered {answer.status} at {answer.started:.1f} s")
        if not faults:
            if answer.status == 503 or answer.status == 0:
                run.fail(f"{answer.kind} answered {answer.status or 'nothing'} at {answer.started:.1f} s")
            continue
        if down_from <= answer.started and answer.started + answer.elapsed <= down_to:
            during.append(answer)
    if faults:
        check_outage(run, during)


def check_outage(run: Run, during: list[Answer]) -> None:
    outage = run.outage
    if "up" not in outage:
        run.fail("the database was not restarted during the run")
        return
    up = outage["up"]
    unavailable = [a for a in run.answers if a.status == 503]
    stray = [a for a in unavailable if a.started > up + RECOVERY_GRACE_SECONDS]
    if stray:
        run.fail(f"{len(stray)} answers were 503 more than {RECOVERY_GRACE_SECONDS:.0f} s after the database was back")
    transport = [a for a in run.answers if a.status == 0]
    if transport:
        run.fail(f"{len(transport)} requests got no HTTP answer at all (first: {transport[0].body[:120]!r})")
    if not during:
        run.fail("no request was made while the database was down")
    for answer in during:
        if answer.status != 503:
            run.fail(f"{answer.kind} answered {answer.status} while the database was down")
            continue
        if answer.elapsed > FAIL_FAST_SECONDS:
            run.fail(f"{answer.kind} took {answer.elapsed:.2f} s to answer 503 while the database was down")
        retry = answer.headers.get("retry-after")
        if retry is None:
            run.fail(f"{answer.kind}: a 503 without Retry-After")
        if answer.kind.startswith("GET page"):
            if not answer.content_type.startswith("text/html") or b"unavailable" not in answer.body:
                run.fail(f"a page's 503 is not the plain unavailable page: {answer.body[:200]!r}")
        else:
            data = answer.json()
            if not isinstance(data, dict) or data.get("code") != "service_unavailable":
                run.fail(f"{answer.kind}: the 503 is not the JSON answer: {answer.body[:200]!r}")
        if b"Traceback" in answer.body:
            run.fail(f"{answer.kind}: a traceback in a 503 answer")
    recovered: dict[int, float] = {}
    for answer in sorted(run.answers, key=lambda a: a.started):
        if answer.ok and answer.started >= up and answer.server not in recovered:
            recovered[answer.server] = answer.started + answer.elapsed - up
    if len(recovered) != 2:
        run.fail(f"only {len(recovered)} of 2 servers answered successfully after the database was back")
    worst = [a.elapsed for a in during]
    run.notes["outage"] = {
        "stopped_at": round(outage["stop_begin"], 2),
        "down_seconds": round(outage["start_begin"] - outage["down"], 2),
        "back_at": round(up, 2),
        "requests_while_down": len(during),
        "503_while_down": sum(1 for a in during if a.status == 503),
        "503_in_all": len(unavailable),
        "slowest_503_ms": round(max(worst) * 1000, 1) if worst else None,
        "median_503_ms": round(statistics.median(worst) * 1000, 1) if worst else None,
        "recovered_after_s": {f"server {k + 1}": round(v, 2) for k, v in sorted(recovered.items())},
    }


def report(run: Run) -> None:
    elapsed = run.notes.get("elapsed", run.duration)
    kinds: dict[str, list[Answer]] = defaultdict(list)
    for answer in run.answers:
        kinds[answer.kind].append(answer)
    log(f"\n-- {run.name}: {len(run.answers)} requests in {elapsed:.1f} s ({len(run.answers) / elapsed:.1f}/s)")
    log(f"{'kind':32} {'count':>6} {'2xx':>6} {'409':>5} {'503':>5} {'per s':>7} {'median ms':>10} {'p95 ms':>8}")
    for kind in sorted(kinds):
        answers = kinds[kind]
        times = [a.elapsed * 1000 for a in answers if a.status not in {0, 503}] or [0.0]
        log(
            f"{kind:32} {len(answers):6d} {sum(a.ok for a in answers):6d} "
            f"{sum(a.status == 409 for a in answers):5d} {sum(a.status == 503 for a in answers):5d} "
            f"{len(answers) / elapsed:7.2f} {statistics.median(times):10.1f} {percentile(times, 0.95):8.1f}"
        )
    by_server = [sum(1 for a in run.answers if a.server == s) for s in (0, 1)]
    decided = [r for r in run.races if not r["interrupted"]]
    log(f"requests per server: {by_server[0]} / {by_server[1]}")
    log(f"acknowledged writes: {len(run.acks)}; races: {len(decided)} decided (one 200 + one 409 each), "
        f"{len(run.races) - len(decided)} interrupted by the outage")  # fmt: skip
    for key in ("setup_s", "throttle", "issued_download", "verified", "outage", "own_409", "log_503"):
        if key in run.notes:
            log(f"{key}: {json.dumps(run.notes[key])}")
    if run.failures:
        log(f"FAILED ({len(run.failures)} problems):")
        for failure in run.failures[:40]:
            log(f"  - {failure}")
    else:
        log("all checks passed")


# Verification inside Django (a subprocess with the run's settings) ------------------


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()


def reference_main() -> dict[str, Any]:
    """Ids the simulated people need, read once from the fresh database."""
    from interventions.models import Programme, ReasonCode
    from partners.models import CommunityGroup, Engagement, EngagementKind, Partnership
    from tracker.core.models import Area, Organisation, User

    probation = Organisation.objects.get(kind=Organisation.Kind.PROBATION, users__username="liaison")
    prison = Organisation.objects.get(kind=Organisation.Kind.PRISON, users__username="liaison2")
    open_partnerships = list(
        Partnership.objects.exclude(status__in=Partnership.CLOSED).order_by("id").values_list("id", flat=True)
    )
    return {
        "officer_id": User.objects.get(username="officer").pk,
        "kinds": list(EngagementKind.objects.filter(active=True).values_list("id", flat=True)),
        "areas": list(Area.objects.values_list("id", flat=True)),
        "groups": list(CommunityGroup.objects.filter(active=True).values_list("id", flat=True)),
        "handlers": [probation.pk, prison.pk],
        "probation_id": probation.pk,
        "programmes": {
            str(p.pk): [t.pk for t in p.desired_outcomes.all()] for p in Programme.objects.filter(active=True)
        },
        "reasons": list(ReasonCode.objects.filter(active=True).values_list("id", flat=True)),
        # The racers keep a few records to themselves, so every change to them is a race.
        "race_engagements": list(Engagement.objects.order_by("id").values_list("id", flat=True)[:3]),
        "race_partnerships": open_partnerships[:2],
        "partnerships": open_partnerships[2:],
    }


def models() -> dict[str, Any]:
    from interventions.models import Offender, Referral, Session
    from partners.models import Engagement, Partnership

    return {
        "engagement": Engagement,
        "partnership": Partnership,
        "referral": Referral,
        "session": Session,
        "offender": Offender,
    }


def counts_main() -> dict[str, int]:
    return {name: model.objects.count() for name, model in models().items()}


FIELDS = {"referral": "referral_id", "review": "next_review_on"}  # ledger names that differ from the model's


def _value(record: Any, name: str) -> Any:
    value = getattr(record, FIELDS.get(name, name))
    return value.isoformat() if isinstance(value, date) else value


def verify_main(ledger_path: str) -> dict[str, Any]:
    """Every acknowledged write is stored as acknowledged; no race loser's value was
    stored; no record is half-written; the counts add up; issued reports are whole."""
    from django.conf import settings

    from interventions.models import FollowUp, Referral, ReferralTransition
    from partners.models import Engagement, Partnership, PartnershipTransition
    from tracker.reports.models import IssuedReport

    ledger = json.loads(Path(ledger_path).read_text())
    failures: list[str] = []
    checked: dict[str, int] = defaultdict(int)
    by_record: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for ack in ledger["acks"]:
        by_record[(ack["model"], ack["id"])].append(ack)
    registry = models()
    for (name, pk), acks in by_record.items():
        model = registry[name]
        current = model.objects.filter(pk=pk).first()
        if current is None:
            failures.append(f"acknowledged {name} {pk} is not in the database")
            continue
        history = model.history.filter(id=pk)
        for ack in acks:
            row = history.filter(version=ack["version"]).order_by("history_id").last()
            if row is None:
                failures.append(f"{name} {pk}: no history of the acknowledged version {ack['version']}")
                continue
            for field_name, value in ack["fields"].items():
                if _value(row, field_name) != value:
                    failures.append(f"{name} {pk} v{ack['version']}: {field_name} stored as "
                                    f"{_value(row, field_name)!r}, acknowledged as {value!r}")  # fmt: skip
            checked["acknowledged writes"] += 1
        latest = max(acks, key=lambda a: a["version"])
        if current.version < latest["version"]:
            failures.append(f"{name} {pk} is at version {current.version}, below the acknowledged {latest['version']}")
        checked["records written"] += 1
    # The last acknowledged value of each field is what is stored now, unless a
    # later version exists (a write whose answer was lost in an outage).
    for (name, pk), acks in by_record.items():
        current = registry[name].objects.filter(pk=pk).first()
        if current is None:
            continue
        last_by_field: dict[str, tuple[int, Any]] = {}
        for ack in acks:
            for field_name, value in ack["fields"].items():
                if field_name not in last_by_field or ack["version"] > last_by_field[field_name][0]:
                    last_by_field[field_name] = (ack["version"], value)
        for field_name, (version, value) in last_by_field.items():
            if current.version == max(a["version"] for a in acks) and _value(current, field_name) != value:
                failures.append(f"{name} {pk}: {field_name} is {_value(current, field_name)!r}, "
                                f"the last acknowledged value was {value!r} (v{version})")  # fmt: skip
    for race in ledger["races"]:
        if race["interrupted"] or "loser_value" not in race:
            continue
        if race["what"] == "engagement":
            stored = Engagement.history.filter(id=race["id"], summary=race["loser_value"]).exists()
        elif race["what"] == "partnership":
            stored = Partnership.history.filter(id=race["id"], next_review_on=race["loser_value"]).exists()
        else:
            accepted = ReferralTransition.objects.filter(referral_id=race["id"], to_status="accepted").count()
            stored = accepted != 1
        if stored:
            failures.append(f"race on {race['what']} {race['id']}: the losing change was stored")
        checked["races decided"] += 1
    # Nothing half-written.
    no_history = Engagement.objects.exclude(pk__in=Engagement.history.filter(history_type="+").values("id"))
    for pk in no_history.values_list("pk", flat=True)[:10]:
        failures.append(f"engagement {pk} has no creation history")
    checked["engagements"] = Engagement.objects.count()
    for referral in Referral.objects.prefetch_related("transitions"):
        moves = sorted(referral.transitions.all(), key=lambda t: t.pk)
        expected = moves[-1].to_status if moves else "draft"
        if referral.status != expected:
            failures.append(f"referral {referral.pk} is {referral.status}, its last transition says {expected}")
        checked["referrals"] += 1
    ended = Referral.objects.filter(status__in=["completed", "not_completed"])
    missing = ended.exclude(pk__in=FollowUp.objects.values("referral_id")).count()
    if missing:
        failures.append(f"{missing} ended referrals have no follow-up")
    for partnership in Partnership.objects.prefetch_related("transitions"):
        moves = sorted(partnership.transitions.all(), key=lambda t: t.pk)
        if moves and partnership.status != moves[-1].to_status:
            failures.append(f"partnership {partnership.pk} is {partnership.status}, its last transition says "
                            f"{moves[-1].to_status}")  # fmt: skip
        checked["partnerships"] += 1
    checked["transition events"] = ReferralTransition.objects.count() + PartnershipTransition.objects.count()
    # Counts: every acknowledged create is a new row; new rows beyond those can only
    # be creates whose answer was lost (no answer, or a 5xx).
    after = counts_main()
    acked_creates: dict[str, set[int]] = defaultdict(set)
    for ack in ledger["acks"]:
        if ack["model"] in {"engagement", "session", "offender", "referral"} and ack["version"] == 1:
            acked_creates[ack["model"]].add(ack["id"])
    unknown = ledger["notes"].get("unanswered_creates", {})
    for name in ("engagement", "session", "offender", "referral"):
        new = after[name] - ledger["before"][name]
        acked = len(acked_creates[name])
        if not acked <= new <= acked + unknown.get(name, 0):
            failures.append(f"{name}: {new} new rows, {acked} acknowledged creates, "
                            f"{unknown.get(name, 0)} unanswered")  # fmt: skip
        checked[f"new {name} rows"] = new
    # Issued reports: every row has its whole file.
    media = Path(settings.MEDIA_ROOT)
    for report in IssuedReport.objects.all():
        path = media / report.file.name
        if not path.exists():
            failures.append(f"issued report {report.pk} has no file")
            continue
        content = path.read_bytes()
        if len(content) != report.size or hashlib.sha256(content).hexdigest() != report.sha256:
            failures.append(f"issued report {report.pk}: the file does not match its size and SHA-256")
        checked["issued reports"] += 1
    download = ledger["notes"].get("issued_download")
    if download:
        report = IssuedReport.objects.filter(pk=download["id"]).first()
        if report is None or report.sha256 != download["sha256"]:
            failures.append("the report downloaded from the other server is not the one stored")
    return {"failures": failures, "checked": dict(checked)}


# Entry point ------------------------------------------------------------------------


@contextmanager
def workspace(name: str) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=f"tracker-load-{name}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=float(os.environ.get("LOAD_SECONDS", "30")),
                        help="seconds of load per run (LOAD_SECONDS; default 30)")  # fmt: skip
    parser.add_argument("--runs", default=os.environ.get("LOAD_RUNS", "sqlite,postgres,faults"),
                        help="comma-separated: sqlite, postgres, faults (LOAD_RUNS)")  # fmt: skip
    parser.add_argument("--officers", type=int, default=3)
    parser.add_argument("--liaisons", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--outage", type=float, default=4.0, help="seconds PostgreSQL stays down in the fault run")
    parser.add_argument("--reference", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--counts", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--verify", metavar="LEDGER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reference or args.counts or args.verify:
        django_setup()
        result = reference_main() if args.reference else counts_main() if args.counts else verify_main(args.verify)
        print(json.dumps(result))
        return 0

    wanted = [r.strip() for r in args.runs.split(",") if r.strip()]
    unknown = set(wanted) - {"sqlite", "postgres", "faults"}
    if unknown:
        parser.error(f"unknown runs: {', '.join(sorted(unknown))}")
    collect_static()
    runs: list[Run] = []
    started = time.monotonic()
    if "sqlite" in wanted:
        with workspace("sqlite") as work:
            runs.append(one_run("sqlite", f"sqlite:///{work / 'tracker.sqlite3'}", work, args))
    if {"postgres", "faults"} & set(wanted):
        try:
            cluster = PrivateCluster()
        except ClusterError as error:
            log(f"Cannot start a private PostgreSQL cluster: {error}")
            return 2
        try:
            cluster.initialise()
            cluster.start()
            log(f"== a private PostgreSQL cluster on 127.0.0.1:{cluster.port}; migrating and seeding a template")
            # Migrated and seeded once; each run gets a fresh copy of it.
            with workspace("seed") as work:
                prepare_database(run_env(cluster.create_database(SEED_DATABASE), work, token_rate=1))
            for name, faults in (("postgres", False), ("faults", True)):
                if name not in wanted:
                    continue
                database = f"tracker_load_{name}"
                with workspace(name) as work:
                    try:
                        url = cluster.create_database(database, template=SEED_DATABASE)
                        runs.append(one_run(name, url, work, args, cluster, faults, prepared=True))
                    finally:
                        cluster.drop_database(database)
        finally:
            cluster.remove()
    for run in runs:
        report(run)
    failed = [run.name for run in runs if run.failures]
    log(f"\nload test: {len(runs)} runs in {time.monotonic() - started:.0f} s; "
        + (f"FAILED: {', '.join(failed)}" if failed else "every check passed"))  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
