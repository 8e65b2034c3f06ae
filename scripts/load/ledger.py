"""What one run records, and the shapes that cross between this process and the
Django steps as JSON.

The simulated people run in threads of this process and never touch the database;
the verification runs in a Django subprocess with the run's settings. The ledger is
what passes between them: every answer, every write the server acknowledged (with
the values it acknowledged), and every race with its winner's and loser's values."""

import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict


class Ack(TypedDict):
    """A write the server acknowledged: the record, the version it answered with, and
    the field values it answered (by their names in the API, see `verify.FIELDS`)."""

    model: str
    id: int
    version: int
    fields: dict[str, Any]


class Race(TypedDict):
    """Two clients changed one version of a record at once. Values are set only when
    the race was decided (one winner, one 409), for the verifier to look for."""

    what: str  # "engagement", "partnership" or "referral"
    id: int
    statuses: list[int]
    interrupted: bool  # an outage answered one of them: nothing to judge
    winner_value: NotRequired[str]
    loser_value: NotRequired[str]


class Ledger(TypedDict):
    """The file handed to the verifier."""

    acks: list[Ack]
    races: list[Race]
    before: dict[str, int]  # rows per model before the run
    notes: dict[str, Any]


class Verdict(TypedDict):
    """The verifier's answer: what failed, and how many of each thing were checked."""

    failures: list[str]
    checked: dict[str, int]


class Reference(TypedDict):
    """Ids the simulated people need, read once from the fresh database."""

    officer_id: int
    kinds: list[int]
    areas: list[int]
    groups: list[int]
    handlers: list[int]  # the probation and the prison organisation
    probation_id: int
    programmes: dict[str, list[int]]  # programme id (a JSON key) -> its desired outcome types
    reasons: list[int]
    race_engagements: list[int]  # records only the racers change
    race_partnerships: list[int]
    partnerships: list[int]  # open partnerships the officers work on


@dataclass
class Answer:
    """One request and what came back."""

    kind: str  # what the figures group by, e.g. "POST engagement"
    server: int  # 0 or 1
    status: int  # 0: no HTTP answer at all (refused, reset, timed out)
    started: float  # seconds since the run began
    elapsed: float
    content_type: str = ""
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # names in lower case

    def json(self) -> Any:
        """The body as JSON, or None if it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Run:
    """Everything one run records: answers, acknowledged writes, races. Written by
    many client threads at once, so every list it keeps is appended under its lock."""

    def __init__(self, name: str, ports: list[int], duration: float) -> None:
        self.name = name
        self.ports = ports
        self.duration = duration
        self.t0 = time.monotonic()
        self.deadline = self.t0 + duration
        self.lock = threading.Lock()
        self.answers: list[Answer] = []
        self.acks: list[Ack] = []  # writes the server acknowledged
        self.creates: dict[str, list[int]] = defaultdict(list)  # model -> statuses of create attempts
        self.races: list[Race] = []
        self.failures: list[str] = []
        self.notes: dict[str, Any] = {}  # figures for the report, by name
        self.outage: dict[str, float] = {}  # when the database was stopped and started, in run seconds

    def now(self) -> float:
        """Seconds since the run's clock started."""
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
