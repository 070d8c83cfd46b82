# Councillor Support Hub. The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
PORT ?= 5000
export PORTAL_ENV ?= development
export FLASK_APP := wsgi

.PHONY: run test install install-python install-node install-system assets lint security format test-only test-faults bench load-test db demo clean

run: install db demo ## Install, migrate, load the demo council once, start the web server, worker and mail catcher
	@PORT=$(PORT) BIN=$(BIN) scripts/run-dev.sh

test: install install-system lint security test-only ## Install everything; the linters, security checks and whole suite

install: install-python install-node assets

install-python: $(BIN)/.installed
$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install-node: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Debian packages the tests use: Chromium for the browser tests and PostgreSQL for the second database.
install-system:
	scripts/install-system-packages.sh

assets: portal/static/dist/app.css
portal/static/dist/app.css: node_modules/.package-lock.json portal/static/src/app.scss scripts/build-assets.mjs
	npm run --silent build

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# bandit reads the code for security mistakes; pip-audit looks the pinned dependencies up in PyPI's
# vulnerability feed (needs the network, and fails saying so when the feed cannot be reached).
security:
	$(BIN)/bandit -c pyproject.toml -q -r portal migrations config.py wsgi.py scripts
	BIN=$(BIN) scripts/audit-dependencies.sh

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test-only:
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The fault tests (tests/faults): the web server, the worker, PostgreSQL and the mail server killed or stopped in the
# middle of their work, with real processes and signals. About a quarter of an hour, five minutes of it the mail
# server's outage (`make test-faults SMTP_OUTAGE_SECONDS=60` for a shorter one). `make test` runs only a quick one.
SMTP_OUTAGE_SECONDS ?= 300
test-faults: install install-system
	PORTAL_FAULTS=1 FAULTS_SMTP_OUTAGE_SECONDS=$(SMTP_OUTAGE_SECONDS) $(BIN)/python -m pytest tests/faults -p no:randomly $(PYTEST_ARGS)

db:
	$(BIN)/flask db upgrade

demo:
	$(BIN)/flask demo load --if-empty

# Every benchmark in bench/, the load test among them, then one table of figures, baselines and targets
# (ARGS="directory load_test" runs only those; ARGS="--save results.json" keeps the rows).
bench: install
	$(BIN)/python bench/run_all.py $(ARGS)

# 200 members for two minutes against gunicorn and PostgreSQL on loopback (ARGS="--seconds 15 --members 30").
load-test: install
	$(BIN)/python bench/load_test.py $(ARGS)

clean:
	rm -rf $(VENV) node_modules portal/static/dist portal/static/govuk .pytest_cache .ruff_cache
