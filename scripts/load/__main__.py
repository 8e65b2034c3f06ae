"""Load and fault test (`make load`, `make faults`).

The command line: which runs (`--runs`, LOAD_RUNS), how long each (`--duration`,
LOAD_SECONDS) and with how many people; the SQLite run in a temporary folder, then
the PostgreSQL runs on one private cluster whose seeded template each run copies;
then the figures, and exit status 1 if any run failed (2 if no cluster could be
made). The hidden `--reference`, `--counts` and `--verify` flags run one Django step
(see `scripts.load.verify`) and print its JSON."""

import argparse
import json
import os
import sys
import time

from scripts.load.cluster import ClusterError, PrivateCluster
from scripts.load.common import log
from scripts.load.ledger import Run
from scripts.load.report import report
from scripts.load.runner import Options, one_run, workspace
from scripts.load.servers import collect_static, prepare_database, run_env

SEED_DATABASE = "tracker_load_seed"
RUNS = ("sqlite", "postgres", "faults")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=float(os.environ.get("LOAD_SECONDS", "30")),
                        help="seconds of load per run (LOAD_SECONDS; default 30)")  # fmt: skip
    parser.add_argument("--runs", default=os.environ.get("LOAD_RUNS", "sqlite,postgres,faults"),
                        help="comma-separated: sqlite, postgres, faults (LOAD_RUNS)")  # fmt: skip
    parser.add_argument("--officers", type=int, default=3)
    parser.add_argument("--liaisons", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--outage", type=float, default=4.0, help="seconds PostgreSQL stays down in the fault run")
    parser.add_argument("--reference", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--counts", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--verify", metavar="LEDGER", help=argparse.SUPPRESS)
    return parser


def django_step(args: argparse.Namespace) -> int:
    """One Django step in this process, its result printed as JSON for `runner.django_step`."""
    from scripts.load import verify

    verify.django_setup()
    result: object
    if args.reference:
        result = verify.reference_main()
    elif args.counts:
        result = verify.counts_main()
    else:
        result = verify.verify_main(args.verify)
    print(json.dumps(result))
    return 0


def main() -> int:
    parser = build_parser()
    args = parser.parse_args()
    if args.reference or args.counts or args.verify:
        return django_step(args)
    wanted = [r.strip() for r in args.runs.split(",") if r.strip()]
    unknown = set(wanted) - set(RUNS)
    if unknown:
        parser.error(f"unknown runs: {', '.join(sorted(unknown))}")
    options = Options(
        duration=args.duration, officers=args.officers, liaisons=args.liaisons, workers=args.workers, outage=args.outage
    )
    collect_static()
    runs: list[Run] = []
    started = time.monotonic()
    if "sqlite" in wanted:
        with workspace("sqlite") as work:
            runs.append(one_run("sqlite", f"sqlite:///{work / 'tracker.sqlite3'}", work, options))
    if {"postgres", "faults"} & set(wanted):
        try:
            cluster = PrivateCluster()
        except ClusterError as error:
            log(f"Cannot start a private PostgreSQL cluster: {error}")
            return 2
        try:
            cluster.initialise()
            cluster.start()
            log(f"== a private PostgreSQL cluster on 127.0.0.1:{cluster.port}; migrating and seeding a template")
            # Migrated and seeded once; each run gets a fresh copy of it.
            with workspace("seed") as work:
                prepare_database(run_env(cluster.create_database(SEED_DATABASE), work, token_rate=1))
            for name, faults in (("postgres", False), ("faults", True)):
                if name not in wanted:
                    continue
                database = f"tracker_load_{name}"
                with workspace(name) as work:
                    try:
                        url = cluster.create_database(database, template=SEED_DATABASE)
                        runs.append(one_run(name, url, work, options, cluster, faults, prepared=True))
                    finally:
                        cluster.drop_database(database)
        finally:
            cluster.remove()
    for run in runs:
        report(run)
    failed = [run.name for run in runs if run.failures]
    log(f"\nload test: {len(runs)} runs in {time.monotonic() - started:.0f} s; "
        + (f"FAILED: {', '.join(failed)}" if failed else "every check passed"))  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
