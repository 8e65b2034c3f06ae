"""Reads from a real PostgreSQL streaming replica.

A private primary cluster, a replica made from it with `pg_basebackup -R` on another
port, and the app serving with DATABASE_REPLICA_URL: the figures' readers read from
the replica (shown by pausing its replay: what was just written is not there yet), a
user who has just written reads from the primary, a replica that falls behind is
left alone, and stopping it mid-way reaches nobody as an error.

Runs with the PostgreSQL suite (DATABASE_URL=postgres://…), which CI runs."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scripts.load.cluster import ClusterError, PrivateCluster
from scripts.load.common import free_port

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "behind-the-badge"
MAX_LAG = 4

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs with the PostgreSQL suite (a private primary and replica need the PostgreSQL server binaries)",
)


# Two users and an area: enough to write on the primary and read the lists.
SEED = f"""
from tracker.core.models import Area, Organisation, User
area = Area.objects.create(name="Herefordshire")
pcc = Organisation.objects.create(name="Office of the Police and Crime Commissioner", kind="pcc_office")
for name, role in (("officer", "is_partnership_officer"), ("admin", "is_administrator")):
    user = User(username=name, first_name=name, last_name="Tester", organisation=pcc, **{{role: True}})
    user.set_password("{PASSWORD}")
    user.save()
"""


class Replica(PrivateCluster):
    """A standby of `primary`, copied with pg_basebackup -R (which writes the
    standby.signal file and the primary's address)."""

    def make_from(self, primary: PrivateCluster) -> None:
        self._run(
            str(self.bindir / "pg_basebackup"), "-D", str(self.data), "-R", "-X", "stream", "--no-sync",
            "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
        )  # fmt: skip


@pytest.fixture(scope="module")
def clusters() -> Iterator[tuple[str, Replica, str]]:
    try:
        primary = PrivateCluster()
        replica = Replica()
    except ClusterError as error:
        pytest.fail(str(error))
    try:
        primary.initialise()
        primary.start()
        primary_url = primary.create_database("tracker")
        env = {**os.environ, "DATABASE_URL": primary_url, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "tracker.settings"}
        for step in (["migrate", "--no-input", "-v0"], ["shell", "-c", SEED]):
            subprocess.run([sys.executable, "manage.py", *step], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
        replica.make_from(primary)
        replica.start()
        yield primary_url, replica, f"{replica.url}/tracker"
    finally:
        replica.remove()
        primary.remove()


@pytest.fixture(scope="module")
def app(clusters: tuple[str, Replica, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    primary_url, _, replica_url = clusters
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DEBUG": "true",
        "DATABASE_URL": primary_url,
        "DATABASE_REPLICA_URL": replica_url,
        "REPLICA_MAX_LAG_SECONDS": str(MAX_LAG),
        "REPLICA_OWN_WRITES_SECONDS": "20",
        "REPLICA_CHECK_SECONDS": "0",
        "REPLICA_RETRY_SECONDS": "1",
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
        "API_RATE_USER": "100000/minute",
    }
    log = (tmp_path_factory.mktemp("server") / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def _request(port: int, method: str, path: str, token: str = "", body: Any = None) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        return response.status, (json.loads(raw) if raw and "json" in response.getheader("Content-Type", "") else raw)
    finally:
        conn.close()


def _token(port: int, username: str) -> str:
    status, body = _request(port, "POST", "/api/v1/auth/token/", body={"username": username, "password": PASSWORD})
    assert status == 201, body
    return str(body["token"])


def _replica_sql(replica: Replica, sql: str) -> Any:
    import psycopg

    with psycopg.connect(f"{replica.url}/tracker", autocommit=True) as conn:
        return conn.execute(sql).fetchone()


def _names(port: int, token: str) -> set[str]:
    status, body = _request(port, "GET", "/api/v1/community-groups/?page_size=100&q=Replica", token)
    assert status == 200, body
    return {group["name"] for group in body["results"]}


def _wait_caught_up(replica: Replica, primary_url: str) -> None:
    import psycopg

    with psycopg.connect(primary_url, autocommit=True) as conn:
        (lsn,) = conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()  # type: ignore[misc]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        (done,) = _replica_sql(replica, f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn")
        if done:
            return
        time.sleep(0.1)
    raise AssertionError("the replica did not catch up")


def test_figures_read_from_the_replica_own_writes_from_the_primary_and_an_outage_reaches_nobody(
    clusters: tuple[str, Replica, str], app: int
) -> None:
    primary_url, replica, _ = clusters
    port = app
    writer = _token(port, "officer")
    reader = _token(port, "admin")
    time.sleep(0.5)
    _, areas = _request(port, "GET", "/api/v1/areas/", reader)
    area = areas["results"][0]["id"]

    # 1. Replay paused: a group just created on the primary is not on the replica yet.
    status, created = _request(
        port, "POST", "/api/v1/community-groups/", writer,
        {"name": "Replica Warm-up Group", "kind": "faith", "area": area},
    )  # fmt: skip
    assert status == 201, created
    _wait_caught_up(replica, primary_url)
    _replica_sql(replica, "SELECT pg_wal_replay_pause()")
    status, created = _request(
        port, "POST", "/api/v1/community-groups/", writer,
        {"name": "Replica Test Group", "kind": "faith", "area": area},
    )  # fmt: skip
    assert status == 201, created
    # The reader (who wrote nothing lately) reads the replica: not there yet.
    assert "Replica Test Group" not in _names(port, reader)
    assert "Replica Warm-up Group" in _names(port, reader)
    # The writer reads their own write, from the primary.
    assert "Replica Test Group" in _names(port, writer)

    # 2. Once the replica is more than MAX_LAG seconds behind, the reader gets the primary.
    time.sleep(MAX_LAG + 1.5)
    assert "Replica Test Group" in _names(port, reader)
    _replica_sql(replica, "SELECT pg_wal_replay_resume()")
    _wait_caught_up(replica, primary_url)

    # 3. The replica stopped mid-way: readers keep getting answers, none an error.
    answers: list[int] = []
    stop = threading.Event()

    def read() -> None:
        paths = ["/api/v1/community-groups/", "/api/v1/referrals/", "/api/v1/reports/board/?period=2018-Q3"]
        index = 0
        while not stop.is_set():
            answers.append(_request(port, "GET", paths[index % len(paths)], reader)[0])
            index += 1

    thread = threading.Thread(target=read)
    thread.start()
    time.sleep(2)
    replica.stop(mode="immediate")
    time.sleep(4)
    stop.set()
    thread.join(timeout=60)
    assert len(answers) > 10
    assert set(answers) == {200}, sorted(set(answers))
    assert "Replica Test Group" in _names(port, reader)  # from the primary now
