# Everything runs from a local virtualenv built from the repo's own requirement files.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# pytest workers for `make unit` (auto: one per core).
TEST_WORKERS ?= auto
# Two stamps: the demo's venv (runtime + moto) comes first, and the test toolchain is added on top,
# so a newcomer's first `make demo` installs only what the demo runs.
DEMO_STAMP := $(VENV)/.installed-demo
STAMP      := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench pins clean

# The main job: deploy the reference stack into an embedded AWS (moto), rotate it, read it back.
demo: $(DEMO_STAMP)
	$(BIN)/python -m secretkit.demo

# The whole suite: lint (style, workflows, the import layering contract), types, tests.
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/actionlint -no-color
	$(BIN)/lint-imports --no-cache --no-logo

typecheck: $(STAMP)
	$(BIN)/mypy

# Test files spread over every core (pytest-xdist), each file's tests on one worker so that
# its module fixtures (a deployed embedded stack, a built wheel) are made once.
unit: $(STAMP)
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile

# Benchmarks: print the figures, write benchmarks/results.md and benchmarks/results.json.
bench: $(STAMP)
	$(BIN)/python -m benchmarks

# Rewrite components/rotation/driver_pins.py (the exact drivers rotation artifacts may ship, with the hash
# of every file) from the drivers installed in the venv. After changing a driver's version in
# requirements.txt and pyproject.toml: make pins, then review the diff.
pins: $(STAMP)
	$(BIN)/python -c 'import sys; from secretkit.components.rotation.driver_bundle import main; sys.exit(main())'

# The demo's venv: the runtime dependencies and the package with its `demo` extra (moto).
$(DEMO_STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e '.[demo]'
	touch $@

# Everything `make test` needs on top: pytest, ruff, mypy, pulumi-policy, actionlint, import-linter.
$(STAMP): $(DEMO_STAMP) requirements-dev.txt requirements-lint.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -e .
	$(BIN)/python -m pip install --quiet --require-hashes --only-binary=:all: -r requirements-lint.txt
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache build *.egg-info
