# Two commands do everything on a fresh machine:
#   make lab    create .venv if missing (or if pyproject.toml's pins changed), open JupyterLab on notebooks/
#   make test   create .venv likewise, run the unit tests, then strict nbval over every notebook
# Other targets: make execute (regenerate committed outputs), make site, make bench, make clean.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# The stamp's name carries a hash of pyproject.toml: change a pin and the environment is re-synced.
PINS   := $(shell sha256sum pyproject.toml | cut -c1-16)
STAMP  := $(VENV)/.installed-$(PINS)
NB     ?= notebooks/*.ipynb

export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export JUPYTER_PLATFORM_DIRS := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help env lab test unit nbval execute site bench clean

help:
	@echo "make lab      open the course in JupyterLab (creates .venv on first use)"
	@echo "make test     unit tests + strict nbval over every notebook"
	@echo "make execute  re-run notebooks in place from a fresh kernel (NB=notebooks/01_*.ipynb for one)"
	@echo "make site     offline HTML version of the course in _site/ (open _site/index.html)"
	@echo "make bench    speed benchmarks and notebook times, printed as one table (ONLY=windows for one part)"
	@echo "make clean    remove .venv and caches"

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  echo "error: $(PYTHON) not found. Install Python 3.11, or run: make PYTHON=/path/to/python3.11 test"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
	  echo "error: $(PYTHON) is not Python 3.11 ($$($(PYTHON) --version)). The pins need 3.11: make PYTHON=python3.11 ..."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,site]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)
	@echo "environment ready: $(VENV)"

env: $(STAMP)

# Localhost only, Jupyter's token auth left on. Jupyter refuses to start as root unless told to
# (containers, some cloud machines), so --allow-root is added only when the user is root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 $(ROOT_FLAG)

test: unit nbval

unit: $(STAMP)
	$(BIN)/python -m pytest tests -q

nbval: $(STAMP)
	$(BIN)/python -m pytest -p no:python -q --nbval --nbval-current-env --nbval-cell-timeout=300 notebooks

execute: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py $(NB)

site: $(STAMP)
	$(BIN)/python tools/build_site.py _site

bench: $(STAMP)
	$(BIN)/python bench/run.py $(ONLY)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info _site
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
