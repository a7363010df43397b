# Samverkan: `make run` starts the portal, `make test` runs the suite.
# Needs only Python 3.11 and make: uv is installed into .tools/ on first use.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.8
VENV := .venv
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

.PHONY: help install run test lint format audit bench migrate demo messages check-messages ci clean e2e-deps

help:
	@echo "make run    - install, migrate, load demo data, start web + worker on 127.0.0.1:$(PORT)"
	@echo "make test   - install and run the whole test suite"
	@echo "make lint   - ruff"
	@echo "make audit  - bandit, then pip-audit on the locked requirements"
	@echo "make ci     - what CI runs (needs PostgreSQL and Redis)"
	@echo "make bench  - city-scale benchmark on DATABASE_URL (see bench/README.md)"

$(UV):
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: $(VENV)/.synced

migrate: install
	DEBUG=1 $(VENV)/bin/python manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(VENV)/bin/python manage.py seed_demo

run: demo
	PORT=$(PORT) bin/dev-server

test: install
	$(VENV)/bin/pytest

# What the browser journeys need: axe-core from the npm registry (Chromium comes
# from Debian: `apt-get install chromium`; .ci/run installs it when missing).
AXE_VERSION := 4.14.1
e2e-deps: .cache/axe-core/axe.min.js

.cache/axe-core/axe.min.js:
	mkdir -p .cache/axe-core
	cd .cache/axe-core && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null \
		&& tar xzf axe-core-$(AXE_VERSION).tgz package/axe.min.js \
		&& mv package/axe.min.js axe.min.js && rm -rf package axe-core-$(AXE_VERSION).tgz

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Static security checks: bandit on the code (config in pyproject.toml), then
# pip-audit on uv.lock. bin/audit-dependencies exits 0 with a loud notice when the
# vulnerability service cannot be used from this machine, non-zero on a finding.
audit: install
	$(VENV)/bin/bandit -q -c pyproject.toml -r portal cases referrals consent
	$(UV) export --frozen --no-emit-project --quiet | $(VENV)/bin/python bin/audit-dependencies

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Rebuild the translation catalogues from the code (needs GNU gettext).
messages: install
	DEBUG=1 $(VENV)/bin/python manage.py makemessages -l sv -l en --no-location --no-obsolete \
		--ignore=.venv --ignore=.tools --ignore=var --ignore=tests --ignore=bench
	DEBUG=1 $(VENV)/bin/python manage.py compilemessages --ignore=.venv --ignore=.tools

# City-scale benchmark: pages and guardian comparison, then throughput under gunicorn.
# Needs a database filled by `manage.py seed_scale` (bench/README.md).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/samverkan_scale
bench: install
	-DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(VENV)/bin/python bench/pages.py
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(VENV)/bin/python bench/load.py

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) $(TOOLS) var
