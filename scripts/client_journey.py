"""Generate a Python client from the running API's own schema and walk a liaison's
journey with it, unedited: sign in for a token, list submitted referrals, accept one,
start it, and see a stale accept answered with the 409 conflict model.

It proves what an integrator would meet: the schema at /api/schema/ produces a client
that imports and works. Run with `make client-check`; it serves the demo data from a
throwaway SQLite database on a free loopback port and removes everything afterwards."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "tracker_client"
PASSWORD = os.environ.get("DEMO_PASSWORD", "behind-the-badge")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fail(message: str) -> None:
    print(f"FAILED: {message}", file=sys.stderr)
    raise SystemExit(1)


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - a loopback URL built here
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    fail(f"the server did not answer at {url}")


def fetch_schema(base: str) -> dict[str, Any]:
    """The schema needs a signed-in caller: take a token with a plain request first."""
    body = json.dumps({"username": "liaison", "password": PASSWORD}).encode()
    request = urllib.request.Request(  # noqa: S310 - a loopback URL built here
        f"{base}/api/v1/auth/token/", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        token = json.load(answer)["token"]
    request = urllib.request.Request(  # noqa: S310
        f"{base}/api/schema/?format=json", headers={"Authorization": f"Token {token}"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
        schema: dict[str, Any] = json.load(answer)
    return schema


def generate(schema_file: Path, into: Path) -> ModuleType:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(schema_file),
            "--output-path",
            str(into / PACKAGE),
            "--meta",
            "none",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    print(result.stdout.strip())
    if result.returncode != 0 or "Warning" in result.stdout or "Error" in result.stdout:
        print(result.stderr, file=sys.stderr)
        fail("the generator did not produce a clean client")
    sys.path.insert(0, str(into))
    return importlib.import_module(PACKAGE)


def import_everything(package: ModuleType) -> int:
    """Every generated module must import: a broken schema shows up here first."""
    import pkgutil

    count = 0
    for module in pkgutil.walk_packages(package.__path__, f"{PACKAGE}."):
        importlib.import_module(module.name)
        count += 1
    return count


def journey(base: str) -> None:
    client_module = importlib.import_module(f"{PACKAGE}.client")
    models = importlib.import_module(f"{PACKAGE}.models")
    v1 = f"{PACKAGE}.api.v1"
    token_create = importlib.import_module(f"{v1}.v1_auth_token_create")
    referrals_list = importlib.import_module(f"{v1}.v1_referrals_list")
    accept = importlib.import_module(f"{v1}.v1_referrals_accept_create")
    start = importlib.import_module(f"{v1}.v1_referrals_start_create")

    anonymous = client_module.Client(base_url=base, raise_on_unexpected_status=True)
    token = token_create.sync(client=anonymous, body=models.TokenRequestRequest(username="liaison", password=PASSWORD))
    if not isinstance(token, models.TokenResponse):
        fail(f"signing in gave {token!r}")
    print("signed in: a token until", token.expires_at.isoformat())

    client = client_module.AuthenticatedClient(
        base_url=base, token=token.token, prefix="Token", raise_on_unexpected_status=True
    )
    page = referrals_list.sync(client=client, status=models.V1ReferralsListStatus.SUBMITTED)
    if not isinstance(page, models.PaginatedReferralList) or not page.results:
        fail(f"listing submitted referrals gave {page!r}")
    referral = page.results[0]
    print(f"{page.count} submitted referrals; taking {referral.reference} at version {referral.version}")

    accepted = accept.sync(referral.id, client=client, body=models.MoveRequest(version=referral.version))
    if not isinstance(accepted, models.Referral) or accepted.status != "accepted":
        fail(f"accepting gave {accepted!r}")
    started = start.sync(referral.id, client=client, body=models.MoveRequest(version=accepted.version))
    if not isinstance(started, models.Referral) or started.status != "started":
        fail(f"starting gave {started!r}")
    print(f"accepted (version {accepted.version}) and started (version {started.version})")

    stale = accept.sync(referral.id, client=client, body=models.MoveRequest(version=referral.version))
    if not isinstance(stale, models.Conflict):
        fail(f"a stale accept gave {stale!r}, not the conflict model")
    print(f"a stale accept: 409 {stale.code}, current version {stale.current_version}: {stale.detail}")
    if stale.current_version != started.version:
        fail("the conflict did not name the current version")


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="client-journey-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{work / 'journey.sqlite3'}",
        "MEDIA_ROOT": str(work / "media"),
    }
    env.pop("CACHE_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    server: subprocess.Popen[bytes] | None = None
    try:
        for command in (["migrate", "--no-input", "--verbosity", "0"], ["seed_demo"]):
            subprocess.run([*manage, *command], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        server = subprocess.Popen(  # noqa: S603 - a fixed command line
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(f"{base}/healthz")
        schema_file = work / "schema.json"
        schema_file.write_text(json.dumps(fetch_schema(base)))
        package = generate(schema_file, work)
        print(f"generated {import_everything(package)} modules; all import")
        journey(base)
        print("client journey: passed")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
