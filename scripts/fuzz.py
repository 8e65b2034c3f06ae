"""Fuzz the API with schemathesis against PostgreSQL (`make fuzz`).

Builds a fresh database with the demo data, serves the app with gunicorn on a free
loopback port, and runs every operation of the OpenAPI schema as an administrator
and as a probation liaison, with a bounded number of examples. Fails on any server
error or any response that breaks the schema."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE = os.environ.get("FUZZ_DATABASE", "tracker_fuzz")
SERVER = os.environ.get("FUZZ_POSTGRES", "postgres://postgres@127.0.0.1:5432")
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "25")
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def recreate_database() -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')


def token(base: str, username: str, password: str) -> str:
    body = json.dumps({"username": username, "password": password}).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback only
        f"{base}/api/v1/auth/token/", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        return str(json.load(response)["token"])


def main() -> int:
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "DEBUG": "false",
        "SECRET_KEY": "fuzzing-only-secret-key-not-for-deployment",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The fuzzer sends thousands of requests; throttling would only hide answers.
        "API_RATE_USER": "1000000/minute",
        "API_RATE_ANON": "1000000/minute",
        "API_RATE_TOKEN": "1000000/minute",
        "AXES_FAILURE_LIMIT": "1000000",
    }
    recreate_database()
    manage = [str(BIN / "python"), "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "seed_demo", "--force"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
            # The app is under test, not gunicorn's own 414 page for very long query strings
            # (in production the reverse proxy sets that limit).
            "--limit-request-line",
            "0",
            "tracker.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    failed = False
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        password = os.environ.get("DEMO_PASSWORD", "behind-the-badge")
        for username in ("admin", "liaison"):
            auth = token(base, username, password)
            schema = ROOT / f"fuzz-schema-{username}.json"
            request = urllib.request.Request(
                f"{base}/api/schema/?format=json", headers={"Authorization": f"Token {auth}"}
            )  # noqa: S310
            with urllib.request.urlopen(request) as response:  # noqa: S310
                schema.write_bytes(response.read())
            print(f"== schemathesis as {username}", flush=True)
            result = subprocess.run(  # noqa: S603
                [
                    str(BIN / "schemathesis"),
                    "run",
                    str(schema),
                    "--url",
                    base,
                    "--header",
                    f"Authorization: Token {auth}",
                    "--checks",
                    CHECKS,
                    "--max-examples",
                    EXAMPLES,
                    "--seed",
                    "20261125",
                    "--generation-allow-x00",
                    "true",
                    "--workers",
                    "2",
                    # Token endpoints are left to their own tests: a fuzzer revoking the very
                    # token it runs with would turn every later answer into a 401.
                    "--exclude-path-regex",
                    "^/api/v1/auth/",
                    "--request-timeout",
                    "30",
                    "--report-dir",
                    str(ROOT / "schemathesis-report"),
                ],
                cwd=ROOT,
                env={**env, "SCHEMATHESIS_HOOKS": ""},
                check=False,
            )
            schema.unlink(missing_ok=True)
            failed = failed or result.returncode != 0
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
        if "Traceback" in (errors or ""):
            print(errors, file=sys.stderr)
            failed = True
    print("fuzzing: " + ("FAILED" if failed else "no server errors, no schema violations"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
