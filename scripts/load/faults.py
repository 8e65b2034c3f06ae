"""The fault run's outage: stopping the database under running app servers, and what
must hold of the answers while it is down and after it is back.

The app servers are left running throughout, so this shows what a real outage looks
like to people: quick, clean 503s instead of hanging or erroring requests, and
recovery without anyone restarting the app."""

import statistics
import time
from collections.abc import Callable

from scripts.load.cluster import PrivateCluster
from scripts.load.ledger import Answer, Run

FAIL_FAST_SECONDS = 3.0  # the longest an answer may take while the database is down
RECOVERY_GRACE_SECONDS = 5.0  # after the database is back, no 503 may follow later than this


def fault(run: Run, cluster: PrivateCluster, at: float, outage: float) -> Callable[[], None]:
    """Stop the private cluster `at` seconds into the run, for `outage` seconds. The
    returned function runs in a thread of its own beside the people; it writes the
    moments it stopped and started the database into `run.outage`."""

    def act() -> None:
        time.sleep(max(0.0, run.t0 + at - time.monotonic()))
        run.outage["stop_begin"] = run.now()
        cluster.stop("fast")
        run.outage["down"] = run.now()
        time.sleep(outage)
        run.outage["start_begin"] = run.now()
        cluster.start()
        run.outage["up"] = run.now()

    return act


def check_outage(run: Run, during: list[Answer]) -> None:
    """Fail the run unless every request `during` the outage (sent after the database
    was down and answered before it began starting) was a quick, clean 503, no 503
    came long after it was back, every request got an HTTP answer, and both servers
    answered successfully again. Records the outage's figures in `run.notes`."""
    outage = run.outage
    if "up" not in outage:
        run.fail("the database was not restarted during the run")
        return
    up = outage["up"]
    unavailable = [a for a in run.answers if a.status == 503]
    stray = [a for a in unavailable if a.started > up + RECOVERY_GRACE_SECONDS]
    if stray:
        run.fail(f"{len(stray)} answers were 503 more than {RECOVERY_GRACE_SECONDS:.0f} s after the database was back")
    transport = [a for a in run.answers if a.status == 0]
    if transport:
        run.fail(f"{len(transport)} requests got no HTTP answer at all (first: {transport[0].body[:120]!r})")
    if not during:
        run.fail("no request was made while the database was down")
    for answer in during:
        if answer.status != 503:
            run.fail(f"{answer.kind} answered {answer.status} while the database was down")
            continue
        if answer.elapsed > FAIL_FAST_SECONDS:
            run.fail(f"{answer.kind} took {answer.elapsed:.2f} s to answer 503 while the database was down")
        retry = answer.headers.get("retry-after")
        if retry is None:
            run.fail(f"{answer.kind}: a 503 without Retry-After")
        if answer.kind.startswith("GET page"):
            if not answer.content_type.startswith("text/html") or b"unavailable" not in answer.body:
                run.fail(f"a page's 503 is not the plain unavailable page: {answer.body[:200]!r}")
        else:
            data = answer.json()
            if not isinstance(data, dict) or data.get("code") != "service_unavailable":
                run.fail(f"{answer.kind}: the 503 is not the JSON answer: {answer.body[:200]!r}")
        if b"Traceback" in answer.body:
            run.fail(f"{answer.kind}: a traceback in a 503 answer")
    recovered: dict[int, float] = {}
    for answer in sorted(run.answers, key=lambda a: a.started):
        if answer.ok and answer.started >= up and answer.server not in recovered:
            recovered[answer.server] = answer.started + answer.elapsed - up
    if len(recovered) != 2:
        run.fail(f"only {len(recovered)} of 2 servers answered successfully after the database was back")
    worst = [a.elapsed for a in during]
    run.notes["outage"] = {
        "stopped_at": round(outage["stop_begin"], 2),
        "down_seconds": round(outage["start_begin"] - outage["down"], 2),
        "back_at": round(up, 2),
        "requests_while_down": len(during),
        "503_while_down": sum(1 for a in during if a.status == 503),
        "503_in_all": len(unavailable),
        "slowest_503_ms": round(max(worst) * 1000, 1) if worst else None,
        "median_503_ms": round(statistics.median(worst) * 1000, 1) if worst else None,
        "recovered_after_s": {f"server {k + 1}": round(v, 2) for k, v in sorted(recovered.items())},
    }
