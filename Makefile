# movielens-dbt-spark: `make help` lists the targets.
# `make run` and `make test` set everything up themselves (virtualenv, pinned dependencies).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# MOVIELENS_DIR: folder of the MovieLens CSV files; unset, dbt's var movielens_dir decides
# (../data: the original layout, data beside the repo). `make run` downloads DATASET there when
# it holds none.
DATASET ?= ml-latest-small
# The small real dataset that `make test` builds and checks.
SMALL_DATA ?= ../shared/data/ml-latest-small
# dbt vars for dbt and for `python -m ml` alike, e.g. VARS="{rating_cap: null, top_n: 20}".
VARS ?=
# Extra arguments for `dbt build` (e.g. DBT_ARGS="--threads 2") and for the ml commands
# (e.g. ML_ARGS="--refit", ML_ARGS="--master spark://127.0.0.1:7077").
DBT_ARGS ?=
ML_ARGS ?=
VARS_ARG := $(if $(strip $(VARS)),--vars '$(VARS)')

# dbt reads the project's profiles; Spark binds to loopback; executors use the venv's Python.
export DBT_PROFILES_DIR := $(CURDIR)/profiles
export SPARK_LOCAL_IP := 127.0.0.1
export PYSPARK_PYTHON := $(CURDIR)/$(BIN)/python
# Warehouse + metastore of `make run` and of `make test`: separate, so tests never touch yours.
RUN_SPARK_DIR := $(CURDIR)/.spark/local
TEST_SPARK_DIR := $(CURDIR)/.spark/test
# The HTML report of `make run` (reports/index.html) and of `make test` (beside it, never over it).
REPORT_DIR ?= reports
TEST_REPORT_DIR := reports/test
# The dbt build's run_results.json, kept for the report's run facts (later dbt commands overwrite
# target/run_results.json).
DBT_BUILD_RESULTS := dbt_build_run_results.json

# The local standalone cluster (make cluster-up): master, worker and Spark Thrift Server, bound to
# 127.0.0.1; its warehouse, metastore, saved models, PID files and logs under CLUSTER_SPARK_DIR. Ports:
# SPARK_MASTER_PORT (below), SPARK_MASTER_WEBUI_PORT, SPARK_WORKER_WEBUI_PORT, SPARK_THRIFT_PORT
# (python -m ml cluster --help). dbt and ml reach it through the profile's `thrift` target.
CLUSTER_SPARK_DIR ?= $(CURDIR)/.spark/cluster
CLUSTER_REPORT_DIR ?= reports/cluster
export SPARK_MASTER_PORT ?= 7077
CLUSTER_ENV := MOVIELENS_SPARK_DIR=$(CLUSTER_SPARK_DIR) DBT_TARGET=thrift SPARK_MASTER=spark://127.0.0.1:$(SPARK_MASTER_PORT)
ifdef MOVIELENS_DIR
CLUSTER_ENV += MOVIELENS_DIR=$(abspath $(MOVIELENS_DIR))
endif

RUN_ENV := MOVIELENS_SPARK_DIR=$(RUN_SPARK_DIR)
ifdef MOVIELENS_DIR
RUN_ENV += MOVIELENS_DIR=$(abspath $(MOVIELENS_DIR))
endif
TEST_ENV := MOVIELENS_DIR=$(abspath $(SMALL_DATA)) MOVIELENS_SPARK_DIR=$(TEST_SPARK_DIR) MOVIELENS_REPORT_DIR=$(abspath $(TEST_REPORT_DIR))
# `make bench` runs and times the whole pipeline (warehouses under .spark/bench/): with SCALE, on
# synthetic data of ml-25m's shape (SCALE=1.0: 25M ratings; seed SEED), else on MOVIELENS_DIR
# (default: the small dataset). Results go to BENCH_OUT (benchmarks/ -> BENCHMARKS.md).
SCALE ?=
SEED ?= 42
BENCH_OUT ?= benchmarks
BENCH_DATA := $(abspath $(or $(MOVIELENS_DIR),$(SMALL_DATA)))
BENCH_SOURCE := $(if $(SCALE),--scale $(SCALE) --seed $(SEED),--data-dir $(BENCH_DATA))

.PHONY: help venv java blas chromium run run-steps ml ml-steps report cluster-up cluster-run cluster-down test test-steps pytest bench lint format docs lock clean

# The pipeline after the data check, in the environment $(1) with the vars argument $(2), state
# folder $(3) and report folder $(4): dbt builds and tests the marts, ml fits both models on them and
# writes its tables back, dbt tests those (selector ml_results), the report draws everything and the
# summary says where it all is. Plain `dbt build` leaves those tests out (selectors.yml: its default
# selector).
define build_marts
	$(1) $(BIN)/dbt build $(2) $(DBT_ARGS)
	cp target/run_results.json $(3)/$(DBT_BUILD_RESULTS)
endef
define fit_models
	$(1) $(BIN)/python -m ml kmeans $(2) $(ML_ARGS)
	$(1) $(BIN)/python -m ml als $(2) $(ML_ARGS)
	$(1) $(BIN)/dbt test --selector ml_results $(2)
	$(call write_report,$(1),$(2),$(3),$(4))
	$(1) $(BIN)/python -m ml summary $(2)
endef
define write_report
	$(1) $(BIN)/python -m ml report $(2) --out $(4) --dbt-results $(3)/$(DBT_BUILD_RESULTS)
endef

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  variables: MOVIELENS_DIR (default ../data) DATASET=$(DATASET) VARS=$(VARS) DBT_ARGS=$(DBT_ARGS) ML_ARGS=$(ML_ARGS) SCALE=$(SCALE) SEED=$(SEED)"

java: ## check for Java 17+ (Spark 4 needs it)
	@$(PYTHON) -m ml check --java-only

# ml/dbt_plugin holds the dbt plugin that takes the warehouse's lock (ml/lock.py); dbt finds plugins
# among the top-level modules on the path, so a .pth file puts that folder there
$(VENV)/.installed: pyproject.toml requirements.lock | java
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	echo "$(CURDIR)/ml/dbt_plugin" > "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/movielens-dbt-plugin.pth"
	@touch $@

venv: $(VENV)/.installed ## create .venv with the pinned dependencies

# apt-get install $(1) quietly, updating the package lists first only if the install fails
apt_install = (apt-get install -y -q --no-install-recommends $(1) >/dev/null 2>&1 || \
	(apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $(1) >/dev/null))

# Spark's ALS iterates ~1.4x faster on native OpenBLAS (single-threaded: profiles.yml); without root or
# apt-get it goes on with the JVM's BLAS (the same model up to rounding)
blas: ## native OpenBLAS for Spark's ALS (Debian libopenblas0-pthread), if apt-get can install it
	@if /sbin/ldconfig -p | grep 'libblas.so.3 ' >/dev/null; then echo "ok: native BLAS $$(/sbin/ldconfig -p | grep -m1 'libblas.so.3 ' | sed 's/.*=> //')"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		$(call apt_install,libopenblas0-pthread) && echo "ok: installed libopenblas0-pthread"; \
	else echo "note: no native BLAS; as root: apt-get install libopenblas0-pthread (ALS ~1.4x faster)"; fi

# A run's steps go on under one hold of its warehouse's lock (ml/lock.py): a second run on the same
# warehouse stops at once, naming this one, even between two steps.
HOLD = $(BIN)/python -m ml hold -- $(MAKE) --no-print-directory

run: venv blas ## check data (download DATASET if none), dbt build, k-means + ALS, their tests, report, summary
	$(RUN_ENV) $(HOLD) run-steps

run-steps:
	$(RUN_ENV) $(BIN)/python -m ml check --download $(DATASET)
	$(call build_marts,$(RUN_ENV),$(VARS_ARG),$(RUN_SPARK_DIR))
	$(call fit_models,$(RUN_ENV),$(VARS_ARG),$(RUN_SPARK_DIR),$(REPORT_DIR))

ml: venv ## k-means + ALS on the marts `make run` built (saved models reused), their tests, report, summary
	$(RUN_ENV) $(HOLD) ml-steps

ml-steps:
	$(call fit_models,$(RUN_ENV),$(VARS_ARG),$(RUN_SPARK_DIR),$(REPORT_DIR))

report: venv ## reports/index.html again from the tables `make run` wrote (nothing refitted)
	$(call write_report,$(RUN_ENV),$(VARS_ARG),$(RUN_SPARK_DIR),$(REPORT_DIR))

cluster-up: venv ## start a local Spark master, worker and Thrift Server (127.0.0.1; waits until they answer)
	$(CLUSTER_ENV) $(BIN)/python -m ml cluster up

# the Thrift Server reads the CSV files itself: the data folder must be an absolute path (MOVIELENS_DIR
# is made one) on the machine it runs on
cluster-run: venv blas ## `make run` on the cluster of cluster-up: dbt through the Thrift Server, ml on the master
	$(CLUSTER_ENV) $(BIN)/python -m ml check
	$(call build_marts,$(CLUSTER_ENV),$(VARS_ARG),$(CLUSTER_SPARK_DIR))
	$(call fit_models,$(CLUSTER_ENV),$(VARS_ARG),$(CLUSTER_SPARK_DIR),$(CLUSTER_REPORT_DIR))

cluster-down: venv ## stop the services of cluster-up (their processes and what they started)
	$(CLUSTER_ENV) $(BIN)/python -m ml cluster down

# Debian's chromium for the report's browser test (tests/python/test_report.py)
chromium: ## headless Chromium for the browser test, if missing (apt-get, as root)
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then echo "ok: $$(command -v chromium || command -v chromium-browser)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		$(call apt_install,chromium) && echo "ok: installed chromium"; \
	else echo "error: the report test needs Chromium; as root: apt-get install chromium" >&2; exit 1; fi

test: venv blas chromium lint ## lint; the pipeline on the small real dataset (default vars); pytest; bench smoke run
	$(TEST_ENV) $(HOLD) test-steps

test-steps:
	$(TEST_ENV) $(BIN)/python -m ml check
	$(call build_marts,$(TEST_ENV),,$(TEST_SPARK_DIR))
	$(call fit_models,$(TEST_ENV),,$(TEST_SPARK_DIR),$(TEST_REPORT_DIR))
	$(MAKE) --no-print-directory pytest
	$(MAKE) --no-print-directory bench SCALE=0.05 BENCH_OUT=.spark/bench-smoke

pytest: venv ## pytest only (needs the warehouse `make test` builds)
	$(TEST_ENV) $(BIN)/pytest

bench: venv blas ## the whole pipeline timed per stage vs the original recipe (SCALE=1.0: ml-25m size)
	$(BIN)/python -m ml bench $(BENCH_SOURCE) $(VARS_ARG) --out $(BENCH_OUT)

lint: venv ## ruff (Python) and sqlfluff (dbt SQL, sparksql dialect)
	$(BIN)/ruff check ml tests
	$(BIN)/ruff format --check ml tests
	$(BIN)/sqlfluff lint models analyses tests

format: venv ## apply ruff's and sqlfluff's fixes
	$(BIN)/ruff check --fix ml tests
	$(BIN)/ruff format ml tests
	$(BIN)/sqlfluff fix models analyses tests

# --select: the default selector (selectors.yml) would leave the ml sources out of the catalog
docs: venv ## dbt docs generate, ml result tables included (open target/index.html)
	$(RUN_ENV) $(BIN)/dbt docs generate --select "fqn:*" "source:*"

lock: venv ## re-pin requirements.lock from the current venv
	$(BIN)/pip freeze --exclude-editable | grep -v '^movielens-dbt-spark' > requirements.lock

clean: ## remove dbt output, the Spark warehouses, saved models and reports (keeps .venv and the data)
	rm -rf target logs .spark reports
