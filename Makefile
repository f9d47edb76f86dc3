# The template's two everyday commands: `make demo` and `make test`.
# Both need only Python 3.11+ and make: they build .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR := .demo
export DO_NOT_TRACK := 1
# Byte-compiled packages start Prefect much faster on machines that set this.
export UV_COMPILE_BYTECODE := 1

.PHONY: demo test lint clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv>=0.9,<1"

$(VENV)/.installed: pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip install --python $(BIN)/python --group dev
	touch $@

## Bake the default project into .demo/, install it, train it on Prefect's embedded server
## (PREFECT_API_URL is unset so the demo never depends on another server).
demo: $(VENV)/.installed
	rm -rf $(DEMO_DIR)
	$(BIN)/cookiecutter --no-input --output-dir $(DEMO_DIR) .
	env -u PREFECT_API_URL $(MAKE) -C $(DEMO_DIR)/iris-classifier install train PYTHON=$(PYTHON)
	@echo "The baked project is in $(DEMO_DIR)/iris-classifier; its model versions in models/."

## The template's test suite: bakes, hooks, the baked projects' own lint and tests.
test: $(VENV)/.installed
	$(BIN)/ruff check hooks tests
	$(BIN)/ruff format --check hooks tests
	$(BIN)/pytest -n auto

lint: $(VENV)/.installed
	$(BIN)/ruff check hooks tests
	$(BIN)/ruff format --check hooks tests

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .ruff_cache
