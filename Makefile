# ChainAtlas — two commands: `make run` and `make test` (see README).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
STAMP := $(VENV)/.installed

.PHONY: run test test-deps install lint typecheck pytest bench spec clean

run: install
	$(BIN)/chainatlas init
	$(BIN)/chainatlas demo --scale s --if-empty
	@echo "ChainAtlas: http://127.0.0.1:8000/"
	$(BIN)/chainatlas serve --host 127.0.0.1 --port 8000

install: $(STAMP) frontend/node_modules/.installed

$(STAMP): requirements.lock pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.lock
	$(BIN)/pip install --disable-pip-version-check -q --no-deps -e .
	touch $(STAMP)

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Test prerequisites: Debian chromium for the browser tests, and a PostgreSQL server
# (the one at 127.0.0.1:5432 where it answers, else a throwaway one from Debian's packages).
test-deps:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)
	@bash scripts/ensure-postgres.sh

test: install test-deps
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	CHAINATLAS_TEST_PG_URL="$(PG_URL)" $(BIN)/pytest -q

spec: install
	$(BIN)/chainatlas spec -o docs/exchange-spec.md

bench: install
	$(BIN)/python benchmarks/bench_import.py

clean:
	rm -rf $(VENV) frontend/node_modules data artifacts
