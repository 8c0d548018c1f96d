# FilmHub — every command a developer or CI needs.  `make run` and `make test` set up everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
PIP       := $(VENV)/bin/pip
STAMP     := $(VENV)/.installed
PYPATH    := PYTHONPATH=layers:functions:.
# Python 3.13 (the Lambda runtime) when the machine has it, else any python3 >= 3.11.
BOOTSTRAP_PYTHON ?= $(shell for c in python3.13 "env PYENV_VERSION=3.13.0 python3" python3; do \
	if $$c -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then echo $$c; break; fi; done)

.PHONY: help setup run test lint format bench unit integration e2e infra clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

$(STAMP): requirements.txt requirements-bot.txt requirements-dev.txt
	@test -n "$(BOOTSTRAP_PYTHON)" || { echo "need python >= 3.11"; exit 1; }
	@test -x $(PY) || $(BOOTSTRAP_PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --upgrade pip
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

setup: $(STAMP)  ## create the virtualenv and install every dependency

run: $(STAMP)  ## serve the API with seeded data on http://127.0.0.1:8080/api/v1 (PORT=… to change)
	$(PYPATH) $(PY) -m local $(if $(PORT),--port $(PORT))

test: $(STAMP) lint  ## lint, then every test (unit, integration, e2e, infra)
	$(PYPATH) $(PY) -m pytest -n 2 --dist loadgroup

lint: $(STAMP)  ## ruff check + format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)  ## apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)  ## DynamoDB calls per request and cold import times
	$(PYPATH) $(PY) -m tests.bench

unit integration e2e infra: $(STAMP)
	$(PYPATH) $(PY) -m pytest tests/$@

clean:  ## remove the virtualenv, caches and local data
	rm -rf $(VENV) .pytest_cache .ruff_cache .local cdk.out build
