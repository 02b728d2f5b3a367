# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
# `make demo` installs openpeel alone; `make test` adds the test tools (PySpark, pytest, mypy,
# ruff, Playwright, ...). Each install is stamped and redone only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# openpeel and what it needs to run (the demo, the commands, the web app).
DEMO_STAMP := $(VENV)/.installed-demo
# ... and the test extras.
STAMP := $(VENV)/.installed
# Extra arguments of `openpeel demo`, e.g. `make demo DEMO_ARGS=--rebuild`.
DEMO_ARGS ?=

.PHONY: demo test lint typecheck unit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DEMO_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $(DEMO_STAMP)

# The test install holds everything the demo install does, so it stamps both.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $(DEMO_STAMP)

# A second `make demo` installs nothing and leaves a finished demo as it is.
demo: $(DEMO_STAMP)
	$(BIN)/openpeel demo $(DEMO_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

clean:
	rm -rf $(VENV) build dist *.egg-info src/*.egg-info
