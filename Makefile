# The template's everyday commands: `make demo`, `make test` and `make bench`.
# They need only Python 3.11+ and make: they build .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR := .demo
export DO_NOT_TRACK := 1
# Byte-compiled packages start Prefect much faster on machines that set this.
export UV_COMPILE_BYTECODE := 1

.PHONY: demo test bench lint screenshots clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv>=0.9,<1"

$(VENV)/.installed: pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip install --python $(BIN)/python --group dev
	touch $@

## Bake the default project into .demo/, install it, train it on Prefect's embedded server
## (PREFECT_API_URL is unset; the baked `make train` would use a server answering on
## 127.0.0.1:4200, the address of its `make server`, and nothing else).
demo: $(VENV)/.installed
	rm -rf $(DEMO_DIR)
	$(BIN)/cookiecutter --no-input --output-dir $(DEMO_DIR) .
	env -u PREFECT_API_URL $(MAKE) -C $(DEMO_DIR)/iris-classifier install train PYTHON=$(PYTHON)
	@echo "The baked project is in $(DEMO_DIR)/iris-classifier; its model versions in models/."

## The template's test suite: bakes, hooks, the baked projects' own lint and tests. With
## worksteal an idle xdist worker takes tests queued on the other: the long baked-project
## checks, all in one file, would otherwise all land on the same worker.
test: $(VENV)/.installed
	$(BIN)/ruff check hooks tests scripts benchmarks local_extensions.py
	$(BIN)/ruff format --check hooks tests scripts benchmarks local_extensions.py
	$(BIN)/pytest -n auto --dist worksteal

## Bake projects into benchmarks/.scratch/ and time them against a plain scikit-learn script
## doing the same work; writes benchmarks/results.json, RESULTS.md and ratios.png (~20 min on
## 2 cores). SUITE=1 also times `make test`.
bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks.run $(if $(SUITE),--suite)

lint: $(VENV)/.installed
	$(BIN)/ruff check hooks tests scripts benchmarks local_extensions.py
	$(BIN)/ruff format --check hooks tests scripts benchmarks local_extensions.py

## Refresh the pictures in docs/: bakes the default project, runs it on a real Prefect server
## and worker, photographs the UI in headless Chromium (Debian's; apt-get installs it if missing).
screenshots: $(VENV)/.installed
	$(BIN)/python -m scripts.screenshots

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .ruff_cache benchmarks/.scratch
