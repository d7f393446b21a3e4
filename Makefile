# twinimpact: every target creates .venv when it is missing. `make` alone lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
KERNEL := twinimpact
STAMP  := $(VENV)/.twinimpact-installed
TEST_STAMP := $(VENV)/.twinimpact-test-installed
ALL_STAMP  := $(VENV)/.twinimpact-all-installed
DOCS_STAMP := $(VENV)/.twinimpact-docs-installed
LAB_STAMP  := $(VENV)/.twinimpact-lab-installed
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
	@echo "installing twinimpact and what a report needs into $(VENV) at the versions locked in constraints.txt:"
	@echo "1 to 3 minutes the first time; pip lists each package as it fetches and installs it"
	$(PIP) -e .
	@echo "registering the Jupyter kernel $(KERNEL) the notebooks name ..."
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python 3 (twinimpact)" >/dev/null
	@echo "compiling the package's modules once ..."
	$(COMPILE)
	@touch $(STAMP)
	@echo "$(VENV) is ready"

$(TEST_STAMP): $(STAMP)
	@echo "adding the test tools (pytest, nbval, the reference implementations) to $(VENV) ..."
	$(PIP) -e ".[test]"
	@touch $(TEST_STAMP)

$(ALL_STAMP): $(TEST_STAMP)
	@echo "adding the Spark and PostgreSQL clients the slow tests use to $(VENV) ..."
	$(PIP) -e ".[test,spark,postgres]"
	@touch $(ALL_STAMP)

$(DOCS_STAMP): $(STAMP)
	@echo "adding the documentation tools (MkDocs, mkdocstrings) to $(VENV) ..."
	$(PIP) -e ".[docs]"
	@touch $(DOCS_STAMP)

venv: $(STAMP) ## create .venv with the package and the pinned Jupyter kernel (what a report needs)

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

test: $(TEST_STAMP) ## the tests a change needs (about 6 min on 2 cores): units, contract, CLI, one shared workbook run, nbval regression
	$(BIN)/python -m pytest $(XDIST) -m "not slow" tests

test-all: $(ALL_STAMP) ## every test (what CI runs): adds coverage over seeds, Spark, PostgreSQL, the PDF, nbval over notebooks/
	$(BIN)/python -m pytest $(XDIST) tests notebooks

$(LAB_STAMP): $(STAMP)
	$(PIP) -e ".[lab]"
	@touch $(LAB_STAMP)

lab: $(LAB_STAMP) ## open JupyterLab at the project root (notebooks, src, reports); PORT=8888 IP=127.0.0.1
	$(BIN)/jupyter lab --notebook-dir=. --ServerApp.port=$(PORT) --ServerApp.ip=$(IP) \
	  $(if $(filter 0,$(shell id -u)),--allow-root,)

bench: $(if $(findstring spark,$(BENCH)),$(ALL_STAMP),$(TEST_STAMP)) ## run the benchmarks (BENCH="cost engagement" for some; BENCH=spark needs Java) and print figures and ratios
	@$(COMPILE)
	$(BIN)/python -m tests.benchmarks $(BENCH)

sample: $(STAMP) ## regenerate data/sample from its seed
	$(BIN)/twinimpact sample --out data/sample

docs: $(DOCS_STAMP) ## regenerate the contract page and DESIGN's package table, then build the site into site/ (warnings are errors)
	$(BIN)/twinimpact contract
	$(BIN)/python -m twinimpact.run.layout --write docs/DESIGN.md
	$(BIN)/python -m twinimpact.run.layout --write docs/reference/results.md
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
	@echo "the documentation site is in site/: open site/index.html"

clean: ## remove generated reports, caches and .venv
	rm -rf $(VENV) site reports/[0-9]* reports/_failed reports/latest reports/latest-* reports/plotly-*.min.js reports/index.html reports/.tmp-* reports/.lock .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# The lock: every distribution a fresh environment installs for the package with all its
# extras, at the version pip resolved there (the direct pins of constraints.txt kept).
LOCK_VENV := .lock-venv
lock: ## regenerate constraints.txt on a fresh venv: every installed distribution, pinned
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	@echo "resolving the package with all its extras in a fresh $(LOCK_VENV) ..."
	$(LOCK_VENV)/bin/python -m pip install --disable-pip-version-check --progress-bar off -c constraints.txt -e ".[test,docs,lab,postgres,spark]"
	{ echo "# Every distribution a fresh environment installs for twinimpact[test,docs,lab,postgres,spark] on Python 3.11, at the"; \
	  echo "# version verified together (docs/reference/versions.md). Regenerate with: make lock"; \
	  $(LOCK_VENV)/bin/python -m pip freeze --disable-pip-version-check --exclude-editable | LC_ALL=C sort -f; } > constraints.txt.new
	mv constraints.txt.new constraints.txt && rm -rf $(LOCK_VENV)
	@echo "constraints.txt: $$(grep -vc '^#' constraints.txt) distributions locked"

regression: $(TEST_STAMP) ## re-execute tests/regression notebooks and store their outputs (review the diff!)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.kernel_name=$(KERNEL) tests/regression/*.ipynb
