# Two commands do everything on a fresh machine:
#   make lab    create .venv if missing (or if the pins changed), open JupyterLab on your copies (my-notebooks/)
#   make test   create .venv likewise, lint, run the unit tests and doctests, then strict nbval over every notebook
# Other targets: make execute (regenerate committed outputs), make site, make bench, make clean.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The environment: uv.lock installed exactly by uv (pinned below, fetched from PyPI into .tools/ on
# first use). One environment per interpreter from the same lock: python3.11 (the default) gets
# .venv, PYTHON=python3.12 gets .venv-3.12, PYTHON=python3.13 .venv-3.13.
PYTHON ?= python3.11
UV_VERSION := 0.13.9
UV_HOME := .tools/uv-$(UV_VERSION)
UV     ?= $(UV_HOME)/bin/uv
# uv is fetched only when UV is the default (make UV=uv ... uses one on PATH, at your risk of
# another version writing the lock differently).
GET_UV := $(filter $(UV_HOME)/bin/uv,$(UV))
# PYTHON itself, or pyenv's interpreter of that name when it is a pyenv shim for a version that is
# installed but not selected (python3.12/python3.13 on machines where 3.11 is pyenv's global).
PY     := $(shell $(PYTHON) -c 'import sys; print(sys.executable)' 2>/dev/null || { \
            v=$$(pyenv whence $(PYTHON) 2>/dev/null | tail -n 1); \
            test -n "$$v" && PYENV_VERSION=$$v pyenv which $(PYTHON); } 2>/dev/null)
PYVER  := $(if $(PY),$(shell $(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])'))
VENV   := $(if $(PY),$(if $(filter-out 3.11,$(PYVER)),.venv-$(PYVER),.venv),.venv-no-python)
BIN    := $(VENV)/bin
# The stamp's name carries a hash of pyproject.toml and uv.lock: change either and the
# environment is re-synced.
PINS   := $(shell cat pyproject.toml uv.lock 2>/dev/null | sha256sum | cut -c1-16)
STAMP  := $(VENV)/.installed-$(PINS)
# Every extra but torch (several GB; see make backends).
EXTRAS := --all-extras --no-extra torch
NB     ?= notebooks/*.ipynb

export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export JUPYTER_PLATFORM_DIRS := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help env lock compat lab restore test lint format unit nbval runall colab-sim execute site site-test slow bench bench-suite clean

help:
	@echo "make lab      open your copies of the notebooks (my-notebooks/) in JupyterLab (creates .venv on first use)"
	@echo "make restore  NB=01_the_3d_input_tensor.ipynb: put back the original of one notebook in my-notebooks/"
	@echo "make test     lint + unit tests and doctests + strict nbval over every notebook"
	@echo "make format   apply ruff's lint fixes and formatter (make lint checks them; part of make test)"
	@echo "make runall   every notebook run as JupyterLab's Run All does; every code cell must run"
	@echo "make slow     the tests that start fresh TensorFlow/JAX processes (devices, backend workers; CI runs them)"
	@echo "make site-test  build the site and check every page in headless Chromium (CI runs it)"
	@echo "make colab-sim  a fresh Python 3.13 with only notebook 00 installs the course (Colab, simulated)"
	@echo "make backends the backend matrix of notebook 07 (BACKENDS_PYTHON=path/to/python with torch for its column)"
	@echo "make execute  re-run notebooks in place from a fresh kernel (NB=notebooks/01_*.ipynb for one)"
	@echo "make site     the course as an offline website (Jupyter Book) in _build/html/ (open _build/html/index.html)"
	@echo "make bench    speed benchmarks and notebook times, printed as one table (ONLY=windows for one part)"
	@echo "make bench-suite  time make test's parts with one process and with two workers (REPEAT=2)"
	@echo "make clean    remove the environments (.venv, .venv-3.*), uv and caches"
	@echo "make lock     re-resolve uv.lock (and its export for Binder/conda) after a pin changed"
	@echo "make compat   run every notebook on the newest releases (KERAS=3.16.0 TF=2.22.0 to name them)"

$(UV_HOME)/bin/uv:
	@test -n "$(PY)" || { echo "error: $(PYTHON) not found (nor through pyenv). Install Python 3.11, or run: make PYTHON=/path/to/python3.11 ..."; exit 1; }
	@rm -rf $(UV_HOME) && $(PY) -m venv $(UV_HOME)
	$(UV_HOME)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): pyproject.toml uv.lock | $(GET_UV)
	@test -n "$(PY)" || { \
	  echo "error: $(PYTHON) not found (nor through pyenv). Install Python 3.11, or run: make PYTHON=/path/to/python3.11 ..."; exit 1; }
	@$(PY) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' || { \
	  echo "error: $(PYTHON) is Python $(PYVER); the lock covers 3.11-3.13: make PYTHON=python3.11 ..."; exit 1; }
	@# pip seeded, so that %pip install works in the notebooks (uv sync leaves it in place)
	@test -x $(BIN)/python || $(UV) venv --quiet --seed --no-python-downloads --python $(PY) $(VENV)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --locked --no-python-downloads --python $(PY) $(EXTRAS) \
	  || { echo "error: uv.lock does not match pyproject.toml? Run: make lock"; exit 1; }
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)
	@echo "environment ready: $(VENV) (Python $(PYVER), exactly uv.lock)"

env: $(STAMP)

# Re-resolve uv.lock after a pin in pyproject.toml changed (packages not pinned there keep their
# locked versions; `make lock UPGRADE=1` moves them all to the newest allowed). Also writes the
# hashed export that environment.yml (conda, Binder) installs.
lock: | $(GET_UV)
	$(UV) lock --no-python-downloads $(if $(UPGRADE),--upgrade)
	$(UV) export --frozen --quiet --no-emit-project $(EXTRAS) --format requirements-txt \
	  --output-file requirements-lock.txt

# Every notebook run from a fresh kernel on the newest releases (or KERAS=... TF=...), in a scratch
# environment under build/compat/; prints which cells differ from the stored outputs. Report only.
compat: | $(GET_UV)
	$(PY) tools/compat.py --uv $(UV) --python $(PY) $(if $(KERAS),--keras $(KERAS)) $(if $(TF),--tf $(TF)) \
	  $(if $(PIN),$(foreach p,$(PIN),--pin $(p))) $(NB)

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

test: lint unit nbval

# ruff (pinned in the test extra; configured in pyproject.toml): lint, then check the format, of
# helpers, tests, tools, bench and the notebooks' code cells. `make format` applies both fixes.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Unit, hygiene and browser tests plus the helpers' doctests, on two pytest-xdist workers (WORKERS=0
# for one process; see the README's benchmark section for what the workers buy on 2 cores).
WORKERS ?= 2
# --dist loadfile keeps each test file (and each notebook's cells) on one worker, in order: module
# fixtures (the site build) run once, and a notebook runs in one kernel.
XDIST   := $(if $(filter 0,$(WORKERS)),-p no:xdist,-n $(WORKERS) --dist loadfile)
unit: $(STAMP)
	$(BIN)/python -m pytest tests helpers --doctest-modules -q $(XDIST) -m "not runall and not colab and not site and not slow"

# Every notebook run as JupyterLab's Run All runs it (stop at the first error of a cell not tagged
# raises-exception), asserting that every code cell ran. CI runs it after `make test`.
runall: $(STAMP)
	$(BIN)/python -m pytest tests -q -m runall

# The tests that start fresh Python processes importing TensorFlow or JAX (real logical devices for
# tf.distribute, notebook 07's backend workers, session.start() in a clean process): about 90 s of CPU,
# so they are kept out of `make test`; CI runs them.
slow: $(STAMP)
	$(BIN)/python -m pytest tests -q $(XDIST) -m slow

# The site built and checked in headless Chromium (tests/test_site.py). CI runs it after `make test`.
site-test: $(STAMP)
	$(BIN)/python -m pytest tests/test_site.py -q -p no:xdist -m site

# Colab, simulated: a fresh Python 3.13 venv with only notebook 00, whose install cell is pointed at a
# wheel of this checkout (LSTM_BATCHING_PACKAGE), must reach "Ready". COLAB_PYTHON=3.12 for the other.
colab-sim: $(STAMP)
	$(BIN)/python -m pytest tests -q -s -m colab

nbval: $(STAMP)
	$(BIN)/python -m pytest -p no:python -q $(XDIST) --nbval --nbval-current-env --nbval-cell-timeout=300 notebooks

execute: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py $(NB)

# Jupyter Book 1.x from book/ (config and table of contents); the committed outputs are shown, never re-run.
site: $(STAMP)
	$(BIN)/jupyter-book build . --config book/_config.yml --toc book/_toc.yml

bench: $(STAMP)
	$(BIN)/python bench/run.py $(ONLY)

# Where make test's time goes: lint, unit and nbval timed with one process and with two workers.
bench-suite: $(STAMP)
	$(BIN)/python bench/suite.py $(if $(REPEAT),--repeat $(REPEAT))

# Notebook 07's backend matrix: every probe of helpers/backends.py on TensorFlow, JAX and PyTorch,
# as a Markdown table with versions and date (build/backends.md). PyTorch is optional and not in
# .venv: run it from an environment that has it, e.g. python3.11 -m venv ../torchenv &&
# ../torchenv/bin/pip install -e '.[torch]' && make backends BACKENDS_PYTHON=../torchenv/bin/python
.PHONY: backends
BACKENDS_PYTHON ?= $(BIN)/python
backends: $(STAMP)
	$(BACKENDS_PYTHON) -m helpers.backends --out build/backends.md

clean:
	rm -rf .venv .venv-3.* .tools .pytest_cache .hypothesis build *.egg-info _build
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
