# Everything runs from a local virtualenv built from the repo's own requirement files.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench clean

# The main job: deploy the reference stack into an embedded AWS (moto), rotate it, read it back.
demo: $(STAMP)
	$(BIN)/python -m secretkit.demo

# The whole suite: lint, types, tests.
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/actionlint -no-color

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

# Benchmarks: print the figures, write benchmarks/results.md and benchmarks/results.json.
bench: $(STAMP)
	$(BIN)/python -m benchmarks

$(STAMP): requirements.txt requirements-dev.txt requirements-lint.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -e .
	$(BIN)/python -m pip install --quiet --require-hashes --only-binary=:all: -r requirements-lint.txt
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
