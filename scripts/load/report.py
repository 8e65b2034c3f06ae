"""The printed figures of one run: throughput and latency per kind of request, the
spread over the two servers, the races, the checks' figures and any failures.

Latency leaves out 503s and requests with no answer, so an outage's quick refusals
do not flatter the times of the requests that were served."""

import json
import statistics
from collections import defaultdict

from scripts.load.common import log
from scripts.load.ledger import Answer, Run

# The notes printed after the table, in this order, when the run has them.
NOTES = ("setup_s", "throttle", "issued_download", "verified", "outage", "own_409", "log_503")


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank; `values` not empty)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(run: Run) -> None:
    elapsed = run.notes.get("elapsed", run.duration)
    kinds: dict[str, list[Answer]] = defaultdict(list)
    for answer in run.answers:
        kinds[answer.kind].append(answer)
    log(f"\n-- {run.name}: {len(run.answers)} requests in {elapsed:.1f} s ({len(run.answers) / elapsed:.1f}/s)")
    log(f"{'kind':32} {'count':>6} {'2xx':>6} {'409':>5} {'503':>5} {'per s':>7} {'median ms':>10} {'p95 ms':>8}")
    for kind in sorted(kinds):
        answers = kinds[kind]
        times = [a.elapsed * 1000 for a in answers if a.status not in {0, 503}] or [0.0]
        log(
            f"{kind:32} {len(answers):6d} {sum(a.ok for a in answers):6d} "
            f"{sum(a.status == 409 for a in answers):5d} {sum(a.status == 503 for a in answers):5d} "
            f"{len(answers) / elapsed:7.2f} {statistics.median(times):10.1f} {percentile(times, 0.95):8.1f}"
        )
    by_server = [sum(1 for a in run.answers if a.server == s) for s in (0, 1)]
    decided = [r for r in run.races if not r["interrupted"]]
    log(f"requests per server: {by_server[0]} / {by_server[1]}")
    log(f"acknowledged writes: {len(run.acks)}; races: {len(decided)} decided (one 200 + one 409 each), "
        f"{len(run.races) - len(decided)} interrupted by the outage")  # fmt: skip
    for key in NOTES:
        if key in run.notes:
            log(f"{key}: {json.dumps(run.notes[key])}")
    if run.failures:
        log(f"FAILED ({len(run.failures)} problems):")
        for failure in run.failures[:40]:
            log(f"  - {failure}")
    else:
        log("all checks passed")
