"""The simulated people: officers, liaisons, racers and a signed-in browser user.

Each person runs in its own thread through its own `Client`, until the run's
deadline or its request budget. Every write the server acknowledges is written into
the run's ledger with the values the server answered, for `verify` to find in the
database afterwards; a write answered with neither a success, an expected refusal
(a 409 from a colleague or a race, a 503 or no answer during an outage) nor a known
benign case is a failure of the run."""

import hashlib
import random
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

from scripts.load.client import Client
from scripts.load.common import PASSWORD, REQUEST_TIMEOUT, today
from scripts.load.ledger import Answer, Race, Reference, Run


def _results(answer: Answer) -> list[dict[str, Any]]:
    """The records of a list answer; none if it failed."""
    data = answer.json()
    return list(data.get("results", [])) if answer.ok and isinstance(data, dict) else []


def _check_echo(run: Run, what: str, sent: dict[str, Any], got: dict[str, Any]) -> None:
    """The server answers a write with the record as stored: it must hold what was sent."""
    for key, value in sent.items():
        if got.get(key) != value:
            run.fail(f"{what}: sent {key}={value!r}, the server answered {got.get(key)!r}")


class Officer:
    """A partnership officer: logs engagements and edits them, moves partnerships
    along, records reviews, and refers people to programmes."""

    def __init__(self, run: Run, ref: Reference, number: int, server: int) -> None:
        self.run = run
        self.ref = ref
        self.number = number
        self.client = Client(run, f"officer-{number}", server)
        self.rng = random.Random(1000 + number)
        self.mine: list[dict[str, int]] = []  # engagements this officer created: id, version
        self.count = 0
        self.referred = 0

    def tag(self, what: str) -> str:
        """A text unique in the run, so a stored value can be traced to its write."""
        self.count += 1
        return f"load {self.run.name} officer-{self.number} {what} {self.count}"

    def loop(self) -> None:
        """Weighted random actions, reads and writes mixed as an officer's day would be."""
        actions: list[tuple[Callable[[], object], int]] = [
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
            self.create_engagement()
            return
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

    MOVES: ClassVar[dict[str, str]] = {"submitted": "accept", "accepted": "start"}

    def __init__(self, run: Run, ref: Reference, username: str, number: int, server: int) -> None:
        self.run = run
        self.ref = ref
        self.username = username
        self.client = Client(run, f"{username}-{number}", server)
        self.rng = random.Random(2000 + number)
        self.sessions: dict[int, int] = defaultdict(int)
        self.count = 0

    def loop(self) -> None:
        """Pick a referral of the organisation's in some status and take its next step.
        Both liaisons of an organisation work on the same lists, so they collide, as
        colleagues would; a 409 between them is expected."""
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
            # Simulated people attend some sessions only: they confirm completing short.
            body = {"version": referral["version"], "ratings": ratings, "confirm_fewer_sessions": True}
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

    def __init__(self, run: Run, ref: Reference, officer: Officer, liaisons: list[Client]) -> None:
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
        """Send `calls[i]` through `clients[i]`, all released at the same moment;
        None for a client whose thread never got to send (the barrier broke)."""
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

    def judge(self, what: str, pk: int, answers: list[Answer | None], values: list[str]) -> Answer | None:
        """Record the race in the ledger and fail the run unless exactly one client won
        and the other got an edit conflict; the winner's answer, if there was one.
        `values[i]` is what client i tried to store, for the verifier."""
        statuses = [a.status if a else 0 for a in answers]
        if any(s in {503, 0} for s in statuses):
            self.run.races.append({"what": what, "id": pk, "statuses": statuses, "interrupted": True})
            return None
        winners = [i for i, s in enumerate(statuses) if 200 <= s < 300]
        conflicts = [i for i, s in enumerate(statuses) if s == 409]
        entry: Race = {"what": what, "id": pk, "statuses": statuses, "interrupted": False}
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
        return answers[winners[0]]

    def loop(self) -> None:
        """Race rounds one after another, on a record kind chosen at random each time."""
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
            got = winner.json()
            self.run.ack("engagement", pk, got["version"], summary=got["summary"], attendance=got["attendance"])

    def partnership_round(self) -> None:
        pk = self.rng.choice(self.ref["race_partnerships"])
        record = self._read(f"/api/v1/partnerships/{pk}/")
        if record is None:
            return
        # Dates unique to this round and racer, so a loser's date can be looked for in the history,
        # and within the two years a review may be planned ahead (tracker.core.validation).
        values = [(today() + timedelta(days=100 + offset + self.rounds % 300)).isoformat() for offset in (0, 300)]
        path = f"/api/v1/partnerships/{pk}/"
        calls = [("PATCH", path, {"version": record["version"], "next_review_on": v}) for v in values]
        answers = self.race("PATCH partnership (race)", self.engagers, calls)
        winner = self.judge("partnership", pk, answers, values)
        if winner is not None:
            got = winner.json()
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
            got = winner.json()
            self.run.ack("referral", pk, got["version"], status=got["status"])


class Browser:
    """A signed-in person using the pages: signs in on one server and is served by
    both (sessions in the database), issues a board report on one server and
    downloads it from the other (shared media)."""

    PAGES: ClassVar[list[str]] = [
        "/",
        "/partners/engagements/",
        "/partners/partnerships/",
        "/interventions/",
        "/reports/issued/",
    ]

    def __init__(self, run: Run, username: str, issue: bool) -> None:
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
        # Reports are issued for whole periods that have ended: the last full quarter.
        day = today()
        last = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1) - timedelta(days=1)
        quarter = f"{last.year}-Q{(last.month - 1) // 3 + 1}"
        answer = self.client.request(
            "POST issue board report",
            "POST",
            "/reports/issued/new/",
            form={"period": quarter, "csrfmiddlewaretoken": token},
            server=0,
            timeout=120,
        )
        if answer.status != 302:
            if answer.status not in {503, 0}:
                self.run.fail(f"issuing a board report answered {answer.status}")
            return
        # The request page follows the background task that issues it; ask the other
        # server how it stands, as the page's script does, until it is done.
        status_url = answer.headers.get("location", "").rstrip("/") + "/status"
        deadline = time.monotonic() + 120
        while True:
            status = self.client.request("GET report request status", "GET", status_url, server=1)
            state = (status.json() or {}) if status.ok else {}
            if state.get("done"):
                break
            if time.monotonic() > deadline:
                self.run.fail(f"the board report was not issued within 2 minutes ({state or status.status})")
                return
            time.sleep(0.5)
        if state.get("status") != "issued":
            self.run.fail(f"the board report was not issued: {state}")
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
        """Sign in, issue a report if asked to (the runner asks except in the fault
        run), then browse pages on both servers until the run ends."""
        self.sign_in()
        if self.issue:
            self.issue_and_download()
        while self.client.budget():
            answer = self.client.request("GET page", "GET", self.rng.choice(self.PAGES))
            if answer.status in {301, 302}:
                self.run.fail(f"signed-in page on server {answer.server + 1} redirected: the session was not shared")
            self.client.pause_after(answer)
            time.sleep(0.05)
