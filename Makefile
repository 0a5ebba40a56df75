# Qiao — the two commands a newcomer needs: `make demo` and `make test`.
# Everything installs into .venv (Python) and node_modules (front end), from the lock files.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
COVERAGE_FLOOR ?= 88
HOST ?= 127.0.0.1
PORT ?= 8000
# Production-like settings for `check --deploy` (no real secret: the check only reads settings).
DEPLOY_ENV := DEBUG=0 SECRET_KEY=deploy-check-$$(date +%s)-not-a-real-secret-but-long-enough-for-checks ALLOWED_HOSTS=qiao.example.org

.PHONY: help install assets demo test lint typecheck imports checks test-sqlite test-postgres test-browser coverage bench messages lock clean

help:
	@echo "make demo   install, build assets, migrate, load the demo alliance, run web + worker"
	@echo "make test   install, then run every check and test (SQLite, PostgreSQL, browser)"

$(BIN)/activate:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is required"'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements-dev.lock pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets/dist/.built: node_modules/.installed $(wildcard assets/src/*) assets/build.mjs
	npm run --silent build
	touch $@

install: $(VENV)/.installed
assets: assets/dist/.built

demo: install assets
	DEBUG=1 $(BIN)/qiao migrate --no-input
	DEBUG=1 $(BIN)/qiao load_demo
	DEBUG=1 $(BIN)/qiao run_demo --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	DEBUG=1 $(BIN)/mypy qiao benchmarks

imports: install
	$(BIN)/lint-imports

checks: install assets
	$(DEPLOY_ENV) $(BIN)/qiao check --deploy --fail-level WARNING
	DEBUG=1 $(BIN)/qiao makemigrations --check --dry-run

test-sqlite: install assets
	$(BIN)/pytest -m "not browser" -n 2 --cov --cov-report= -q

test-postgres: install assets
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not browser" -n 2 -q

test-browser: install assets
	$(BIN)/pytest -m browser --cov --cov-append --cov-report= -q

coverage: install
	$(BIN)/coverage report --fail-under=$(COVERAGE_FLOOR)

test: lint typecheck imports checks test-sqlite test-postgres test-browser coverage
	@echo "All checks and tests passed."

bench: install
	$(PY) benchmarks/import.py
	$(PY) benchmarks/allocation.py
	$(PY) benchmarks/credentials.py
	$(PY) benchmarks/credentials_app.py
	$(PY) benchmarks/placements.py
	$(PY) benchmarks/placements.py --database-url $(PG_URL)

messages: install
	DEBUG=1 $(BIN)/qiao makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'node_modules/*'
	DEBUG=1 $(BIN)/qiao compilemessages --ignore '.venv/*'

lock: install
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile --quiet pyproject.toml --python-version 3.11 -o requirements.lock
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --python-version 3.11 -o requirements-dev.lock

clean:
	rm -rf $(VENV) node_modules assets/dist var/static .coverage
