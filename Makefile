# Two commands do everything on a fresh machine:
#   make lab    create .venv if missing (or if the pins changed), open JupyterLab on your copies (my-notebooks/)
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

.PHONY: help env lab restore test unit nbval runall colab-sim execute site bench clean

help:
	@echo "make lab      open your copies of the notebooks (my-notebooks/) in JupyterLab (creates .venv on first use)"
	@echo "make restore  NB=01_the_3d_input_tensor.ipynb: put back the original of one notebook in my-notebooks/"
	@echo "make test     unit tests + strict nbval over every notebook"
	@echo "make runall   every notebook run as JupyterLab's Run All does; every code cell must run"
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

# Learners work in their own copies (my-notebooks/, ignored by git), so JupyterLab's autosave never
# touches notebooks/ and `git pull` keeps working. A copy is made only where none exists: a learner's
# edits are never overwritten. `make restore NB=01_the_3d_input_tensor.ipynb` brings one back to the
# original (the learner's version is kept beside it). Instructors and maintainers: `make lab DIR=notebooks`.
DIR ?= my-notebooks
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings

lab: $(STAMP)
	@mkdir -p $(LAB_SETTINGS)
	@cp config/jupyterlab/overrides.json $(LAB_SETTINGS)/overrides.json
	@if [ "$(DIR)" != notebooks ]; then $(BIN)/python tools/learner_copy.py fill $(DIR); fi
	$(BIN)/jupyter lab --notebook-dir=$(DIR) --ServerApp.ip=127.0.0.1 $(ROOT_FLAG)

restore: $(STAMP)
	@$(BIN)/python tools/learner_copy.py restore "$(NB)"

test: unit nbval

unit: $(STAMP)
	$(BIN)/python -m pytest tests -q -m "not runall and not colab"

# Every notebook run as JupyterLab's Run All runs it (stop at the first error of a cell not tagged
# raises-exception), asserting that every code cell ran. CI runs it after `make test`.
runall: $(STAMP)
	$(BIN)/python -m pytest tests -q -m runall

# Colab, simulated: a fresh Python 3.13 venv with only notebook 00, whose install cell is pointed at a
# wheel of this checkout (LSTM_BATCHING_PACKAGE), must reach "Ready". COLAB_PYTHON=3.12 for the other.
colab-sim: $(STAMP)
	$(BIN)/python -m pytest tests -q -s -m colab

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
