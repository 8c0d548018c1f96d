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

.PHONY: help setup run test lint format bench bench-imports bench-scale migrate unit integration e2e infra clean admin tools layers synth deploy deploy-local destroy destroy-local seed-remote bot-webhook

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

lint: $(STAMP)  ## ruff check + format check, then mypy (its files and options are in pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)  ## apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)  ## DynamoDB calls, latency, cost, import time and memory per endpoint/function; layer sizes
	$(PYPATH) $(PY) -m tests.bench

bench-imports: $(STAMP)  ## only the cold imports: each API function within 1.5x a bare import boto3 (about a minute)
	$(PYPATH) $(PY) -m tests.bench --imports

bench-scale: $(STAMP)  ## cost per film write, search and recommendation at 1k/10k/100k films (SIZES=…, WRITE=1 records it)
	$(PYPATH) $(PY) -m tests.bench_scale $(if $(SIZES),--sizes $(SIZES)) $(if $(WRITE),--write)

unit integration e2e infra: $(STAMP)
	$(PYPATH) $(PY) -m pytest tests/$@

admin: $(STAMP)  ## grant the admin role on the running local stack: make admin EMAIL=… [DATA_DIR=…]
	@test -n "$(EMAIL)" || { echo "usage: make admin EMAIL=someone@example.com"; exit 2; }
	$(PY) scripts/set_role.py "$(EMAIL)" $(if $(DATA_DIR),--data-dir "$(DATA_DIR)")

clean:  ## remove the virtualenv, caches and local data
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .local cdk.out build

# --- infrastructure
# CDK CLI, cdklocal and Node 22 come from package-lock.json into node_modules (no global installs); the layers
# are built by pip for Lambda's platform (no Docker).  STAGE=dev|prod picks the cdk.json stage block.
STAGE         ?= dev
NODE_BIN      := $(CURDIR)/node_modules/.bin
NPM_STAMP     := node_modules/.installed
LAYERS_STAMP  := build/layers/.built
CDK_OUT       := cdk.out/$(STAGE)
# Node 22 from node_modules first on PATH: the CLI and the jsii runtime of the Python app both run on it.
CDK_ENV       := PATH="$(NODE_BIN):$$PATH" CDK_DISABLE_CLI_TELEMETRY=true
CDK           := $(CDK_ENV) $(NODE_BIN)/cdk --no-notices -c stage=$(STAGE)
CDKLOCAL      := $(CDK_ENV) $(NODE_BIN)/cdklocal --no-notices -c stage=$(STAGE)
# FROM_ASSEMBLY=1 deploys the already synthesized (and linted) $(CDK_OUT) instead of synthesizing again (CI).
CDK_APP_ARG   := $(if $(FROM_ASSEMBLY),--app $(CDK_OUT))
DEPLOY_NEEDS  := $(NPM_STAMP) $(if $(FROM_ASSEMBLY),,$(STAMP) $(LAYERS_STAMP))
# Interactive runs confirm IAM/security-group widening on prod; CI (CI=true) has passed its manual gate already.
APPROVAL      ?= $(if $(CI),never,$(if $(filter prod,$(STAGE)),broadening,never))
LOCALSTACK_ENV := AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-eu-central-1} \
	CDK_DEFAULT_ACCOUNT=000000000000 CDK_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-eu-central-1} \
	AWS_ENDPOINT_URL=$${AWS_ENDPOINT_URL:-http://localhost.localstack.cloud:4566}

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

tools: $(NPM_STAMP)  ## install the pinned CDK CLI, cdklocal and Node 22 into node_modules/

$(LAYERS_STAMP): $(STAMP) scripts/build_layers.py requirements.txt requirements-bot.txt \
		$(shell find layers/filmhub -type f -not -path '*/__pycache__/*' 2>/dev/null)
	$(PY) scripts/build_layers.py --out build/layers
	@touch $@

layers: $(STAMP)  ## build the Lambda layers without Docker: build/layers/{code,deps,bot} (sizes printed)
	$(PY) scripts/build_layers.py --out build/layers
	@touch $(LAYERS_STAMP)

synth: $(STAMP) $(NPM_STAMP) $(LAYERS_STAMP)  ## cdk synth STAGE (cdk-nag runs inside), then cfn-lint the template
	@start=$$(date +%s); $(CDK) synth --quiet -o $(CDK_OUT) && echo "cdk synth: $$(( $$(date +%s) - start ))s"
	@# W3005: CDK makes each function depend on its role *and* the role's policy on purpose (the policy must
	@# exist before the first invocation); the role half of that is what W3005 calls redundant.
	$(VENV)/bin/cfn-lint --non-zero-exit-code error --ignore-checks W3005 -- $(CDK_OUT)/FilmHub-$(STAGE).template.json
	@echo "cfn-lint: no errors in $(CDK_OUT)/FilmHub-$(STAGE).template.json"

deploy: $(DEPLOY_NEEDS)  ## bootstrap and deploy STAGE to the account of your AWS credentials; prints the outputs
	$(CDK) bootstrap $(CDK_APP_ARG)
	$(CDK) deploy $(CDK_APP_ARG) --require-approval $(APPROVAL) --outputs-file $(CDK_OUT)/outputs.json FilmHub-$(STAGE)
	python3 scripts/stack_outputs.py $(CDK_OUT)/outputs.json

deploy-local: $(STAMP) $(NPM_STAMP) $(LAYERS_STAMP)  ## deploy to LocalStack (start localstack-compose.yml first) and print the API URL
	$(LOCALSTACK_ENV) $(CDKLOCAL) bootstrap
	$(LOCALSTACK_ENV) $(CDKLOCAL) deploy --require-approval never --outputs-file $(CDK_OUT)/outputs-local.json FilmHub-$(STAGE)
	python3 scripts/stack_outputs.py $(CDK_OUT)/outputs-local.json

destroy: $(DEPLOY_NEEDS)  ## delete the STAGE stack (prod is termination-protected and keeps table, bucket, secrets)
	$(CDK) destroy $(CDK_APP_ARG) $(if $(CI),--force) FilmHub-$(STAGE)

destroy-local: $(STAMP) $(NPM_STAMP) $(LAYERS_STAMP)  ## delete the stack from LocalStack
	$(LOCALSTACK_ENV) $(CDKLOCAL) destroy --force FilmHub-$(STAGE)

seed-remote: $(STAMP)  ## seed genres/moods/mixes into the deployed STAGE table (idempotent; FORCE=1 rewrites)
	$(PYPATH) $(PY) scripts/seed_remote.py --stack FilmHub-$(STAGE) $(if $(FORCE),--force) $(if $(ENDPOINT_URL),--endpoint-url $(ENDPOINT_URL))

migrate: $(STAMP)  ## upgrade the STAGE table to the bounded film index (resumable, idempotent; AGAIN=1, PAGES=n)
	$(PYPATH) $(PY) scripts/migrate.py --stack FilmHub-$(STAGE) $(if $(AGAIN),--again) $(if $(PAGES),--pages $(PAGES)) $(if $(ENDPOINT_URL),--endpoint-url $(ENDPOINT_URL))

# --- telegram
bot-webhook: $(STAMP)  ## register the bot's webhook, secret and commands with Telegram (WEBHOOK_URL=… or the STAGE stack)
	$(PYPATH) $(PY) scripts/set_webhook.py $(if $(WEBHOOK_URL),--url $(WEBHOOK_URL),--stack FilmHub-$(STAGE))
