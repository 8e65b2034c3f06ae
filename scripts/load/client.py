"""One simulated person's HTTP connection to the two app servers.

Plain `http.client` rather than a client library: every request's status, timing and
transport failure is recorded exactly as it happened, with no retries or connection
pooling in between to blur what the servers did."""

import http.client
import json
import time
from typing import Any
from urllib.parse import urlencode

from scripts.load.common import MAX_REQUESTS_PER_CLIENT, PASSWORD, REQUEST_TIMEOUT
from scripts.load.ledger import Answer, Run


class Client:
    """One simulated person: plain http.client requests, a fresh connection each
    (gunicorn's sync workers close the connection after every answer)."""

    def __init__(self, run: Run, name: str, server: int = 0) -> None:
        self.run = run
        self.name = name
        self.server = server
        self.token = ""
        self.cookies: dict[str, str] = {}
        self.sent = 0

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
        """Send `body` as JSON (or `form` as a form) to `server`, or to the next one;
        keep the cookies set; record the answer under `kind`. Never raises on a
        transport failure: that is an answer with status 0."""
        server = self.next_server() if server is None else server
        headers = {"Accept": "application/json" if path.startswith("/api/") else "text/html"}
        payload: bytes | None = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif form is not None:
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
        """Sign in through the API as `username`; later requests carry the token."""
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
        """Whether this person may send another request: the run is on, and the
        person is within its count."""
        return self.run.running() and self.sent < MAX_REQUESTS_PER_CLIENT
