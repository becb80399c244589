# KAM Planner: `make run` serves the demo, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install migrate demo worker messages bench crawl check-python clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null || { \
	  echo "KAM Planner needs Python 3.12 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing)."; \
	  echo "Install Python 3.12+ (for example 'pyenv install 3.12', or your system's python3.12 package)"; \
	  echo "and run make again, or point make at it: make run PYTHON=python3.12"; exit 1; }

$(STAMP): requirements.lock pyproject.toml
	@$(MAKE) --no-print-directory check-python
	@test -x $(PY) && $(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	@mkdir -p var/celery/broker var/celery/processed var/celery/control
	@echo "KAM Planner on http://127.0.0.1:$(PORT)/  (demo logins: admin, exec, am, am2; password kamdemo)"
	@echo "Celery worker with embedded beat on the filesystem broker in var/celery (no server needed)."
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/celery -A kam worker -B --concurrency=1 --loglevel=INFO \
	  --schedule=var/celery/beat-schedule > var/celery/worker.log 2>&1 & worker=$$!; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

worker: install
	@mkdir -p var/celery/broker var/celery/processed var/celery/control
	$(VENV)/bin/celery -A kam worker -B --concurrency=1 --loglevel=INFO --schedule=var/celery/beat-schedule

# The import layers first (pyproject.toml [tool.importlinter]; seconds), then the suite.
test: install
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

# Page speed at 2,000 and 20,000 accounts, SQLite and PostgreSQL (bench/pages.py; BENCH_ARGS="--accounts 2000 --keep").
bench: install
	$(PY) bench/pages.py $(BENCH_ARGS)

# A crawl of 300 pages as an executive against make run's own server at 2,000 accounts (bench/crawl.py;
# CRAWL_ARGS="--keep" reuses the seeded database, "--url http://127.0.0.1:8000" crawls a running server).
crawl: install
	$(PY) bench/crawl.py $(CRAWL_ARGS)

messages: install
	$(PY) manage.py makemessages --locale ko --ignore '.venv/*' --ignore 'var/*' --no-obsolete --no-location
	$(PY) manage.py compilemessages --locale ko --ignore '.venv/*'

clean:
	rm -rf $(VENV) var db.sqlite3 .pytest_cache
