"""A private PostgreSQL cluster for the PostgreSQL and fault runs.

The fault run stops and starts the database server under the app; doing that to a
shared server would hurt everyone else using it, so the test makes its own."""

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from scripts.load.common import free_port


class ClusterError(Exception):
    """The cluster cannot be set up here; the message says what to install or change."""


class PrivateCluster:
    """A throwaway PostgreSQL server in a temporary folder, on a free loopback port,
    with trust authentication. It is this test's own: stopping it affects nobody
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
        """Create the cluster's files; `--no-sync` because nothing in it must outlive the test."""
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        """Start the server and wait until it accepts connections (at most 30 s)."""
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir}"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.logfile), "-o", options,
                  "-w", "-t", "30", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; "fast" ends open connections, as a real outage would."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def remove(self) -> None:
        """Stop the server if it runs, and delete its folder."""
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def create_database(self, name: str, template: str = "template1") -> str:
        """A fresh database (replacing one of that name) copied from `template`; its URL."""
        import psycopg

        with psycopg.connect(f"{self.url}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return f"{self.url}/{name}"

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.url}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
