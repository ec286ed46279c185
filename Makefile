# Homegroup: `make run` to try it, `make test` to check everything. `make help` lists targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
PYTEST_ARGS ?=
LINT_PATHS := src tests $(wildcard bench) $(wildcard scripts)

.DEFAULT_GOAL := help
.PHONY: help install run demo serve load fault wrk test check dependency-audit lint imports format typecheck migrations-check pytest pytest-pg chromium bench clean

help: ## List the targets with what each does
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Homegroup needs $(PYTHON)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the pinned dependencies

run: $(STAMP) ## Migrate the local SQLite database, load demo data and serve on http://127.0.0.1:8000 (PORT overrides)
	$(BIN)/homegroup migrate --verbosity 0
	$(BIN)/homegroup demo
	@echo
	@echo "Homegroup is running at http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	@echo
	$(BIN)/homegroup runserver 127.0.0.1:$(PORT)

demo: $(STAMP) ## Load the demo data into the local database (safe to repeat)
	$(BIN)/homegroup migrate --verbosity 0
	$(BIN)/homegroup demo

serve: $(STAMP) ## The production server (gunicorn) on PORT: DEBUG=0, settings from the environment (docs/operations.md)
	DEBUG=0 $(BIN)/homegroup migrate --noinput --verbosity 0
	DEBUG=0 $(BIN)/homegroup collectstatic --noinput --verbosity 0
	DEBUG=0 PORT=$(PORT) exec $(BIN)/gunicorn -c python:homegroup.gunicorn_conf homegroup.wsgi

wrk: ## Install Debian's wrk (the HTTP load generator of make load and make fault) when it is missing
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk for the load runs"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

load: $(STAMP) wrk ## make serve on loopback against PostgreSQL: check-in PUTs, then a mixed run (LOAD_SECONDS, default 60)
	$(BIN)/python bench/load.py

fault: $(STAMP) wrk ## Database faults during a load run on a throwaway PostgreSQL cluster; backup faults (docs/operations.md)
	$(BIN)/python bench/fault.py

chromium: ## Install Debian's Chromium for the browser tests when it is missing
	@test -x $(CHROMIUM) || { echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: $(STAMP) ## Ruff: lint and format check
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

imports: $(STAMP) ## import-linter: the apps import one way only, lib and measures import no Django (docs/architecture.md)
	$(BIN)/lint-imports --no-cache

format: $(STAMP) ## Ruff: fix what can be fixed and format
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)

typecheck: $(STAMP) ## mypy with django-stubs (strict on lib/)
	$(BIN)/mypy

migrations-check: $(STAMP) ## Fail when a model change has no migration
	$(BIN)/homegroup makemigrations --check --dry-run

dependency-audit: $(STAMP) ## pip-audit of requirements.lock; prints SKIP (never a silent pass) when offline (A-13)
	$(BIN)/python scripts/dependency_audit.py requirements.lock

check: $(STAMP) ## Django's system checks
	$(BIN)/homegroup check --fail-level WARNING

pytest: $(STAMP) chromium ## The whole pytest suite, browser tests included (DATABASE_URL picks the database)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test: lint imports typecheck migrations-check check dependency-audit pytest ## Every check and the whole suite; ends with pytest's summary

bench: $(STAMP) ## Measure the performance budgets and write docs/benchmarks.md
	$(BIN)/python bench/run.py

clean: ## Remove the virtual environment and local data (var/)
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
