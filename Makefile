# Behind the Badge case tracker. `make run` and `make test` are the two commands a
# newcomer needs; each sets up only what is missing or out of date.
SHELL := /bin/sh
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := .make
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help setup run test bench serve lint typecheck migrations-check check-deploy fuzz client-check load faults backup-check clean
.DEFAULT_GOAL := help

help:
	@echo "make run    - set up, migrate, load demo data and serve http://$(HOST):$(PORT)/ with a task worker and the schedule"
	@echo "make test   - set up and run the whole test suite"
	@echo "make bench  - measure every page, API list and report on SQLite and PostgreSQL, write bench/RESULTS.md"
	@echo "make serve  - production serving with gunicorn (needs SECRET_KEY, ALLOWED_HOSTS)"
	@echo "make lint   - ruff, import-linter (the layers) and mypy"
	@echo "make fuzz   - schemathesis over the whole API against PostgreSQL"
	@echo "make client-check - generate a Python client from the API schema and walk a journey with it"
	@echo "make load   - load test on SQLite and PostgreSQL, then with PostgreSQL restarted mid-way"
	@echo "make faults - only the run with PostgreSQL restarted mid-way"

$(STAMP):
	@mkdir -p $(STAMP)

# The virtual environment is rebuilt when requirements.txt changes or its Python stops running.
$(STAMP)/venv: requirements.txt | $(STAMP)
	@if [ -x "$(PY)" ] && ! "$(PY)" -c 'import sys' >/dev/null 2>&1; then rm -rf $(VENV); fi
	@if [ ! -x "$(PY)" ]; then \
		python=$$(scripts/find-python) || exit 1; \
		echo "Creating $(VENV) with $$python"; \
		"$$python" -m venv $(VENV) || { echo "Could not create a virtual environment: install the venv module for $$python." >&2; exit 1; }; \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(STAMP)/node: package.json package-lock.json | $(STAMP)
	@command -v npm >/dev/null 2>&1 || { echo "Node.js 20 or newer (with npm) is needed to build the stylesheet." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(STAMP)/assets: $(STAMP)/node frontend/app.scss frontend/build.mjs | $(STAMP)
	node frontend/build.mjs
	@touch $@

setup: $(STAMP)/venv $(STAMP)/assets

run: setup
	DEBUG=true $(PY) manage.py migrate --no-input
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true $(PY) scripts/run_dev.py $(HOST):$(PORT)

# Two workers by default (the suite's browser tests wait on I/O); TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
test: setup
	@command -v pdftotext >/dev/null 2>&1 || echo "Note: pdftotext is missing (apt-get install poppler-utils); the PDF tests need it."
	$(PY) -m pytest -n $(TEST_WORKERS)

# Every page, API list, the board report, an import and an export at ten times the demo
# data, on throwaway SQLite and PostgreSQL databases (BENCH_POSTGRES_URL); about 10 minutes.
BENCH_DATABASES ?= sqlite,postgres
bench: setup
	$(PY) bench/app.py --databases $(BENCH_DATABASES)

serve: setup
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py migrate --no-input
	$(BIN)/gunicorn --config gunicorn.conf.py tracker.wsgi

lint: $(STAMP)/venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

migrations-check: $(STAMP)/venv
	DJANGO_SETTINGS_MODULE=tracker.test_settings $(PY) manage.py makemigrations --check --dry-run

check-deploy: $(STAMP)/venv
	DEBUG=false SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
		ALLOWED_HOSTS=tracker.example.org SECURE_SSL_REDIRECT=true \
		$(PY) manage.py check --deploy --fail-level WARNING

# Schemathesis over every API operation against PostgreSQL (FUZZ_POSTGRES, FUZZ_EXAMPLES).
fuzz: setup
	$(PY) scripts/fuzz.py

# A client generated from /api/schema/, unedited, signs in, lists, accepts, starts and meets a 409.
client-check: setup
	$(PY) scripts/client_journey.py

# Two gunicorn servers under simulated officers and liaisons, on SQLite, on a private
# PostgreSQL cluster, and with that cluster restarted mid-way (LOAD_SECONDS per run).
load: setup
	$(PY) -m scripts.load

faults: setup
	$(PY) -m scripts.load --runs faults

# Dump the PostgreSQL database in DATABASE_URL, restore it into a scratch database, compare.
backup-check: $(STAMP)/venv
	$(PY) scripts/backup_restore_check.py

clean:
	rm -rf $(VENV) node_modules static/build $(STAMP)
