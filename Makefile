# twinimpact: every target creates .venv when it is missing. `make` alone lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
KERNEL := twinimpact
STAMP  := $(VENV)/.twinimpact-installed
LAB_STAMP := $(VENV)/.twinimpact-lab-installed
PORT   ?= 8888
IP     ?= 127.0.0.1
PARAMS ?= notebooks/params/default.yaml
PAPER  ?= A4
PIP    := $(BIN)/python -m pip install --disable-pip-version-check --progress-bar off -c constraints.txt
# The package's modules compiled to __pycache__ (only those changed since): where
# PYTHONDONTWRITEBYTECODE is set, as on this machine kind, Python never saves them itself
# and every process of a run (the runner and each kernel) compiled them again, 0.3 s of a
# sample run.
COMPILE := $(BIN)/python -m compileall -q src/twinimpact >/dev/null 2>&1 || true  # an optimisation: a read-only tree runs all the same

.PHONY: help venv report pdf test test-all lab bench sample docs clean regression lock

help: ## list the targets
	@awk 'BEGIN{FS=":.*## "} /^[a-zA-Z_-]+:.*## /{printf "  \033[1m%-8s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "twinimpact needs Python 3.11 or newer; set PYTHON=python3.11")'
	@test -x $(BIN)/python || { echo "creating the virtual environment $(VENV) with $(PYTHON) ..."; $(PYTHON) -m venv $(VENV); }
	@echo "installing twinimpact and its test tools into $(VENV) at the versions locked in constraints.txt:"
	@echo "1 to 4 minutes the first time; pip lists each package as it fetches and installs it"
	$(PIP) -e ".[test]"
	@echo "registering the Jupyter kernel $(KERNEL) the notebooks name ..."
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python 3 (twinimpact)" >/dev/null
	@echo "compiling the package's modules once ..."
	$(COMPILE)
	@touch $(STAMP)
	@echo "$(VENV) is ready"

venv: $(STAMP) ## create .venv with the package, its test tools and the pinned Jupyter kernel

report: $(STAMP) ## run every notebook on the bundled sample and publish reports/latest/index.html
	@$(COMPILE)
	$(BIN)/twinimpact run -p $(PARAMS)

pdf: $(STAMP) ## like report, and also print it to report.pdf in the run folder (needs Chromium); PAPER=A4|letter
	@$(COMPILE)
	$(BIN)/twinimpact run -p $(PARAMS) --pdf --paper $(PAPER)

# Test files run side by side on the machine's cores (pytest-xdist), each file whole in one
# process (its module fixtures built once, a notebook's cells in order in one kernel); a
# line per file says when it is done. The longest files go first (tests/conftest.py,
# LONGEST_FIRST; --no-loadscope-reorder keeps that order instead of ordering by test count).
XDIST := -n auto --maxprocesses 4 --dist loadfile --no-loadscope-reorder

test: $(STAMP) ## the tests a change needs (about 8 min on 2 cores): units, contract, CLI, one shared workbook run, nbval regression
	$(BIN)/python -m pytest $(XDIST) -m "not slow" tests

test-all: $(STAMP) ## every test (what CI runs): adds coverage over seeds, Spark, PostgreSQL, the PDF, nbval over notebooks/
	$(BIN)/python -m pytest $(XDIST) tests notebooks

$(LAB_STAMP): $(STAMP)
	$(PIP) -e ".[test,lab]"
	@touch $(LAB_STAMP)

lab: $(LAB_STAMP) ## open JupyterLab at the project root (notebooks, src, reports); PORT=8888 IP=127.0.0.1
	$(BIN)/jupyter lab --notebook-dir=. --ServerApp.port=$(PORT) --ServerApp.ip=$(IP) \
	  $(if $(filter 0,$(shell id -u)),--allow-root,)

bench: $(STAMP) ## run the benchmarks (BENCH="cost engagement" for some) and print figures and ratios
	@$(COMPILE)
	$(BIN)/python -m tests.benchmarks $(BENCH)

sample: $(STAMP) ## regenerate data/sample from its seed
	$(BIN)/twinimpact sample --out data/sample

docs: $(STAMP) ## regenerate docs/DATA_CONTRACT.md from the contract the code validates
	$(BIN)/twinimpact contract

clean: ## remove generated reports, caches and .venv
	rm -rf $(VENV) reports/[0-9]* reports/_failed reports/latest reports/latest-* reports/plotly-*.min.js reports/index.html reports/.tmp-* reports/.lock .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# The lock: every distribution a fresh environment installs for the package with its test
# and lab extras, at the version pip resolved there (the direct pins of constraints.txt kept).
LOCK_VENV := .lock-venv
lock: ## regenerate constraints.txt on a fresh venv: every installed distribution, pinned
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	@echo "resolving the package with its test and lab extras in a fresh $(LOCK_VENV) ..."
	$(LOCK_VENV)/bin/python -m pip install --disable-pip-version-check --progress-bar off -c constraints.txt -e ".[test,lab]"
	{ echo "# Every distribution a fresh environment installs for twinimpact[test,lab] on Python 3.11, at the"; \
	  echo "# version verified together (README, \"Versions\"). Regenerate with: make lock"; \
	  $(LOCK_VENV)/bin/python -m pip freeze --disable-pip-version-check --exclude-editable | LC_ALL=C sort -f; } > constraints.txt.new
	mv constraints.txt.new constraints.txt && rm -rf $(LOCK_VENV)
	@echo "constraints.txt: $$(grep -vc '^#' constraints.txt) distributions locked"

regression: $(STAMP) ## re-execute tests/regression notebooks and store their outputs (review the diff!)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.kernel_name=$(KERNEL) tests/regression/*.ipynb
