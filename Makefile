# Quartiere: `make` alone lists the targets.
# Everything runs inside .venv, created on first use from pyproject.toml.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
STUDY  ?= data/sample
JOBS   ?=
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help setup demo test test-fast lab lint sample bench sysdeps clean

help: ## list the targets
	@echo "Quartiere: community research and participatory social planning"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: STUDY=$(STUDY) (study folder), JOBS (parallel notebooks), PYTEST_ARGS"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 or python3 on PATH)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,dask]"
	@touch $@

setup: $(STAMP) ## create .venv and install Quartiere with its dev tools

sysdeps: ## install the Debian packages browser tests need (chromium), when missing
	@if command -v chromium >/dev/null 2>&1; then echo "chromium: present"; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null && echo "chromium: installed"; \
	else echo "chromium is needed for the browser tests: install it with your package manager"; exit 1; fi

demo: $(STAMP) ## run the sample study end to end (HTML + PDF, Italian and English)
	$(BIN)/quartiere run --study $(STUDY) --lang it --lang en $(if $(JOBS),--jobs $(JOBS))

test: $(STAMP) sysdeps ## run the whole test suite (slow and browser tests included)
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

test-fast: $(STAMP) ## run the tests not marked slow
	$(BIN)/python -m pytest -n 2 -m "not slow" $(PYTEST_ARGS)

lab: $(STAMP) ## open JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks/

lint: $(STAMP) ## ruff check and format check
	$(BIN)/ruff check src tests benchmarks data
	$(BIN)/ruff format --check src tests benchmarks data

sample: $(STAMP) ## regenerate data/sample from its seeded generator
	$(BIN)/python data/make_sample.py

bench: $(STAMP) ## run every benchmark (prints a ratio per capability)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean: ## remove reports and caches (keeps .venv)
	rm -rf reports .pytest_cache .ruff_cache
