"""Load and fault test (`make load`, `make faults`; `python -m scripts.load --help`).

For each database (a temporary SQLite file, then a private PostgreSQL cluster this
test starts and removes), it builds a fresh database with the demo data, serves it
with TWO gunicorn instances on free loopback ports (the settings of gunicorn.conf.py,
two sync workers each) sharing the database, the media folder and a database cache,
and runs simulated officers, liaisons and a signed-in browser user against both for a
bounded time. Some clients deliberately edit the same record at the same moment.

The fault run does the same on PostgreSQL while the cluster is stopped for a few
seconds and started again, with the app servers left running.

It prints throughput and latency per kind of request, and exits non-zero unless:
no 5xx (outside an outage, none at all; during one, only 503), no "database is
locked" and no "Internal Server Error" in the server logs, every write the server
acknowledged is stored with the acknowledged values, every concurrent edit of one
version had exactly one winner and one 409 and the loser's value was never stored,
requests during an outage failed fast with a clean 503 and the app recovered by
itself, and the stored data is whole (history and transition events consistent).

Every loop is bounded in time and in count; nothing listens beyond 127.0.0.1.

The parts, each usable and readable on its own:

- `common`: the project's folder, the demo password, time limits, the log line.
- `cluster`: a private PostgreSQL cluster (initdb, start, stop, databases).
- `servers`: the two gunicorn app servers and the database and files they serve.
- `ledger`: what a run records (answers, acknowledged writes, races) and the JSON
  shapes handed to and from the Django steps.
- `client`: one simulated person's HTTP connection to the servers.
- `people`: officers, liaisons, racers and a browser user.
- `faults`: stopping the database mid-run, and what must hold while it is down.
- `checks`: what must hold of every answer and of the server logs.
- `verify`: the Django steps, run in a subprocess with the run's settings: the ids the
  people need, row counts, and the verification of every acknowledged write.
- `report`: the printed figures.
- `runner`: one run from a fresh database to its verdict; `__main__`: the command line.
"""
