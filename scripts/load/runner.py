"""One run, from a fresh database to its verdict: start the two app servers, hand out
the people's tokens, check the shared throttle, let the people (and, in the fault
run, the outage) loose for the run's duration, stop the servers, then verify."""

import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts.load.checks import check_run, shared_throttle_check
from scripts.load.client import Client
from scripts.load.cluster import PrivateCluster
from scripts.load.common import ROOT, log
from scripts.load.faults import fault
from scripts.load.ledger import Ledger, Reference, Run, Verdict
from scripts.load.people import Browser, Liaison, Officer, Racers
from scripts.load.servers import AppServers, prepare_database, run_env

TOKEN_RATE_SPARE = 4  # token grants left in the shared throttle after the clients have theirs


@dataclass(frozen=True)
class Options:
    """The command line's settings for every run."""

    duration: float  # seconds of load
    officers: int
    liaisons: int
    workers: int  # gunicorn workers per server
    outage: float  # seconds the database stays down in the fault run


@contextmanager
def workspace(name: str) -> Iterator[Path]:
    """A temporary folder for one run's database file, media and logs, removed after."""
    path = Path(tempfile.mkdtemp(prefix=f"tracker-load-{name}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def django_step(env: dict[str, str], *args: str) -> Any:
    """Run one of the Django steps (see `verify`) with the run's settings and return its JSON."""
    result = subprocess.run(
        [sys.executable, "-m", "scripts.load", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise RuntimeError(f"{args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _guarded(target: Callable[[], None], errors: list[str]) -> Callable[[], None]:
    """`target`, with any exception it raises noted in `errors`."""

    def wrapper() -> None:
        try:
            target()
        except Exception as error:  # a client crashing is a failed run, not a hang
            errors.append(f"{threading.current_thread().name}: {error!r}")

    return wrapper


def one_run(
    name: str,
    database_url: str,
    workdir: Path,
    options: Options,
    cluster: PrivateCluster | None = None,
    faults: bool = False,
    prepared: bool = False,
) -> Run:
    """One run against `database_url` (migrated and seeded here unless `prepared`);
    with `faults`, `cluster` is stopped and started again part-way. The returned run
    holds every answer, the figures and the failures."""
    officers, liaisons = options.officers, options.liaisons
    # One token for each person signed in through the API: officer, liaison (and liaison2).
    tokens = 3 if liaisons > 1 else 2
    env = run_env(database_url, workdir, token_rate=tokens + TOKEN_RATE_SPARE)
    if not prepared:
        log(f"== {name}: preparing a fresh database ({database_url.split('@')[-1]})")
        prepare_database(env)
    ref: Reference = django_step(env, "--reference")
    before: dict[str, int] = django_step(env, "--counts")
    servers = AppServers(env, workdir, options.workers)
    began = time.monotonic()
    servers.start()
    run = Run(name, servers.ports, options.duration)
    log(f"== {name}: two gunicorn servers on ports {servers.ports[0]} and {servers.ports[1]}, {options.duration:.0f} s")
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
        run.deadline = run.t0 + options.duration
        errors: list[str] = []

        loops: list[tuple[str, Callable[[], None]]] = [(p.client.name, p.loop) for p in officer_people]
        loops += [(p.client.name, p.loop) for p in liaison_people]
        loops += [("racers", racers.loop), ("browser", browser.loop)]
        if faults and cluster is not None:
            loops.append(("fault", fault(run, cluster, at=options.duration * 0.35, outage=options.outage)))
        threads = [threading.Thread(target=_guarded(target, errors), name=thread_name) for thread_name, target in loops]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=options.duration + 120)
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
    contents: Ledger = {"acks": run.acks, "races": run.races, "before": before, "notes": run.notes}
    ledger.write_text(json.dumps(contents))
    verdict: Verdict = django_step(env, "--verify", str(ledger))
    check_run(run, logs, verdict, faults)
    return run
