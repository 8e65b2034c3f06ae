"""What must hold of every answer and of the server logs, judged in this process;
what must hold of the stored data is judged inside Django, by `verify`.

The logs are checked as well as the answers because a worker can log an error
(a locked SQLite database, a traceback) while the person still got an answer."""

import re

from scripts.load.client import Client
from scripts.load.common import PASSWORD
from scripts.load.faults import check_outage
from scripts.load.ledger import Answer, Run, Verdict


def shared_throttle_check(run: Run, probe: Client, spare: int) -> None:
    """Both servers (four workers) count token grants in the one shared cache: after
    the clients' own tokens only `spare` more are granted in all, wherever asked."""
    granted = 0
    refused_by: set[int] = set()
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


def check_run(run: Run, logs: str, verdict: Verdict, faults: bool) -> None:
    """Take in the verifier's `verdict`, then fail the run for errors in the servers'
    `logs` and for any 5xx other than 503. Outside an outage a 503, or no answer at
    all, is a failure too; in the fault run the outage's own checks judge them."""
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
