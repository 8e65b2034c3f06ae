"""The two gunicorn app servers, and what they serve: the environment, the static
files' manifest and a migrated, seeded database.

Two servers rather than one, so that every piece of state the app keeps (sessions,
the throttle's counts, issued reports) is shown to be shared through the database,
the cache and the media folder, as it must be behind a load balancer."""

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

from scripts.load.common import BIN, ROOT, free_port, log


def run_env(database_url: str, workdir: Path, token_rate: int) -> dict[str, str]:
    """The environment of the app servers and of every Django step of one run."""
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
    """Migrate the database in `env`, create the cache table and load the demo data."""
    manage = [sys.executable, "manage.py"]
    for step in (["migrate", "--no-input", "-v0"], ["createcachetable"], ["seed_demo", "--force"]):
        subprocess.run([*manage, *step], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


class AppServers:
    """Two gunicorn instances with the project's gunicorn.conf.py, on two ports,
    sharing one database, media folder and cache, and a task worker
    (`manage.py db_worker`) beside them, as in production."""

    def __init__(self, env: dict[str, str], workdir: Path, workers: int) -> None:
        self.env = env
        self.workdir = workdir
        self.workers = workers
        self.ports = [free_port(), free_port()]
        self.logs = [workdir / f"gunicorn-{i + 1}.log" for i in range(2)]
        self.worker_log = workdir / "worker.log"
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        """Start both and wait (at most a minute) until each answers /healthz."""
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
        with self.worker_log.open("wb") as out:
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.5"],
                    cwd=ROOT,
                    env=self.env,
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
        """Stop both gracefully, killing one that has not stopped within 30 s."""
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def log_text(self) -> str:
        """Both servers' logs (errors and access lines), for the checks."""
        return "".join(path.read_text(errors="replace") for path in self.logs if path.exists())
