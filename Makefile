# Two commands from a fresh clone: `make demo` and `make test`. Nothing else to install by hand.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= .demo
DEMO_STORE ?= $(DEMO_DIR)/graph.sqlite
# The project's packages (orggraph_demo once it exists), for ruff and mypy.
PACKAGES := orggraph loaders api viz orggraph_cli $(wildcard orggraph_demo)

.PHONY: demo test typecheck guards install install-test browsers neo4j-launcher bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Headless Chromium (browser tests) and docker-compose (validates the compose file), from Debian's
# packages (as root on the dev/CI machines).
browsers:
	@bash scripts/ensure-test-tools.sh

# Builds and caches the embedded Neo4j launcher (tests also do this on demand).
neo4j-launcher:
	cd tests/neo4j_launcher && mvn -q -B -DskipTests package

demo: install
	$(BIN)/orggraph --store $(DEMO_STORE) demo --out $(DEMO_DIR) --serve

# The core is held to mypy's strict mode; the faces and loaders to its default checks.
typecheck: install-test
	$(BIN)/mypy --strict orggraph
	$(BIN)/mypy $(filter-out orggraph,$(PACKAGES))

# Layering, import loops and size limits (tests/test_architecture.py says what they are).
guards: install-test
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_architecture.py

test: install-test browsers
	$(BIN)/ruff check $(PACKAGES) bench tests
	$(MAKE) --no-print-directory typecheck
	$(BIN)/python -m pytest

# Every benchmark: bench neo4j starts its server with the test suite's launcher (tests/neo4j_server.py,
# which imports pytest), so the test extras are installed too. `make bench BENCH=neo4j` runs one.
BENCH ?=
bench: install-test
	$(BIN)/python -m bench $(BENCH)

lint: install-test
	$(BIN)/ruff check $(PACKAGES) bench tests
	$(MAKE) --no-print-directory typecheck
	$(MAKE) --no-print-directory guards

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache build *.egg-info
