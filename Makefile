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
# $(call shq,TEXT): TEXT as one shell word, whatever it holds: the project's folder, the data
# folder and the others may hold spaces and quotes (ml/paths.py: which characters work)
shq = '$(subst ','\'',$(1))'
# $(call abs,PATH): PATH made absolute (from the project root), as one shell word; make's own
# $(abspath) splits a path at its spaces
abs = "$$(realpath -m -- $(call shq,$(1)))"
VARS_ARG := $(if $(strip $(VARS)),--vars $(call shq,$(VARS)))
DBT_ARGS_ARG := $(if $(strip $(DBT_ARGS)),--dbt-args=$(call shq,$(DBT_ARGS)))

# dbt reads the project's profiles; Spark binds to loopback; executors use the venv's Python.
export DBT_PROFILES_DIR := $(CURDIR)/profiles
export SPARK_LOCAL_IP := 127.0.0.1
export PYSPARK_PYTHON := $(CURDIR)/$(BIN)/python
# Warehouse + metastore of `make run` and of `make test`: separate, so tests never touch yours.
# make run's Derby and PostgreSQL metastores (METASTORE=postgres) have a folder each: neither
# knows the other's tables, and Spark makes no table where another metastore's table folder is.
DERBY_RUN_SPARK_DIR := $(CURDIR)/.spark/local
POSTGRES_RUN_SPARK_DIR := $(CURDIR)/.spark/local-postgres
RUN_SPARK_DIR := $(if $(filter postgres,$(METASTORE)),$(POSTGRES_RUN_SPARK_DIR),$(DERBY_RUN_SPARK_DIR))
TEST_SPARK_DIR := $(CURDIR)/.spark/test
# The HTML report of `make run` (reports/index.html) and of `make test` (beside it, never over it).
REPORT_DIR ?= reports
TEST_REPORT_DIR := reports/test
# A run's steps, their order and their commands: ml/pipeline.py (`python -m ml pipeline --help`).
# ML_ARGS are pipeline options for the ml steps (--refit, --master URL).
PIPELINE = $(strip $(BIN)/python -m ml pipeline $(DBT_ARGS_ARG) $(ML_ARGS))

# The local standalone cluster (make cluster-up): the metastore's PostgreSQL database, master, worker
# and Spark Thrift Server, bound to 127.0.0.1; its warehouse, metastore, saved models, PID files and
# logs under CLUSTER_SPARK_DIR. Ports: METASTORE_PORT, SPARK_MASTER_PORT, SPARK_MASTER_WEBUI_PORT,
# SPARK_WORKER_WEBUI_PORT, SPARK_THRIFT_PORT, defaults in the profile and ml/tools/spark_cluster.py
# (python -m ml cluster --help). dbt and ml reach it through the profile's `thrift` target.
CLUSTER_SPARK_DIR ?= $(CURDIR)/.spark/cluster
CLUSTER_REPORT_DIR ?= reports/cluster
CLUSTER_ENV := MOVIELENS_SPARK_DIR=$(call shq,$(CLUSTER_SPARK_DIR)) DBT_TARGET=thrift METASTORE=postgres
ifdef MOVIELENS_DIR
CLUSTER_ENV += MOVIELENS_DIR=$(call abs,$(MOVIELENS_DIR))
endif

RUN_ENV := MOVIELENS_SPARK_DIR=$(call shq,$(RUN_SPARK_DIR))
ifdef MOVIELENS_DIR
RUN_ENV += MOVIELENS_DIR=$(call abs,$(MOVIELENS_DIR))
endif
# make test's vars: the study's defaults with small grids (8 values of k, the last skipped; 9 ALS
# configs, of which the staged search fits at most 7; 4 implicit configs and 3 reranking weights;
# ALS fits of 5 iterations, which choose the same configs as 10 here in 20% less time). Its tests
# check mechanisms; the study's full grids run in make run and make bench.
TEST_VARS := {kmeans_k_step: 200, als_ranks: [10, 20, 40], als_reg_params: [0.05, 0.1, 0.2], implicit_ranks: [10, 20], implicit_alphas: [1, 10], rerank_popularity_weights: [0, 1, 4], als_max_iter: 5}
# make test's Spark JVMs each live a minute or two on small data, where compiling hot code with
# C2 costs more than it saves: C1 alone takes ~40% less CPU (benchmarks/levers.md). Its default
# code cache (48 MiB) overflows, so it gets the tiered default's size; its larger frames overflow
# ALS's deep task recursion, so a larger stack.
TEST_JAVA_OPTIONS := -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m -XX:+UseSerialGC -Xss16m
TEST_ENV := SPARK_JAVA_OPTIONS='$(TEST_JAVA_OPTIONS)' MOVIELENS_DIR=$(call abs,$(SMALL_DATA)) MOVIELENS_SPARK_DIR=$(call shq,$(TEST_SPARK_DIR)) MOVIELENS_REPORT_DIR=$(call abs,$(TEST_REPORT_DIR)) MOVIELENS_TEST_VARS='$(TEST_VARS)'
# pytest's reports (JUnit XML), the log of its e2e run and the status of the test pipeline, which
# the e2e tests wait for (tests/python/helpers.py), beside the test warehouse
TEST_RESULTS := $(TEST_SPARK_DIR)/pytest
PIPELINE_STATUS := $(TEST_RESULTS)/pipeline.status
# `make bench` runs and times the whole pipeline (warehouses under .spark/bench/): with SCALE, on
# synthetic data of ml-25m's shape (SCALE=1.0: 25M ratings; seed SEED), else on MOVIELENS_DIR
# (default: the small dataset). Results go to BENCH_OUT (benchmarks/ -> BENCHMARKS.md).
SCALE ?=
SEED ?= 42
BENCH_OUT ?= benchmarks
# more options of `python -m ml bench`, e.g. BENCH_ARGS=--no-original (the pipeline alone)
BENCH_ARGS ?=
BENCH_SOURCE := $(if $(SCALE),--scale $(SCALE) --seed $(SEED),--data-dir $(call abs,$(or $(MOVIELENS_DIR),$(SMALL_DATA))))

.PHONY: help venv java blas chromium metastore metastore-up metastore-down run ml report cluster-up cluster-run cluster-down test test-steps pytest bench lint format docs lock clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  variables: MOVIELENS_DIR (default ../data) DATASET=$(DATASET) VARS=$(VARS) DBT_ARGS=$(DBT_ARGS) ML_ARGS=$(ML_ARGS) SCALE=$(SCALE) SEED=$(SEED) BENCH_ARGS=$(BENCH_ARGS)"

java: ## check for Java 17+ (Spark 4 needs it)
	@$(PYTHON) -m ml check --java-only

# the virtualenv's site-packages (a shell expression, for recipes)
PURELIB = $$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
# ml/dbt_plugin holds the dbt plugin that takes the warehouse's lock (ml/warehouse/lock.py); dbt
# finds plugins among the top-level modules on the path, so a .pth file puts that folder there.
$(VENV)/.installed: pyproject.toml requirements.lock | java
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-compile -c requirements.lock -e '.[dev]'
	echo $(call shq,$(CURDIR)/ml/dbt_plugin) > "$(PURELIB)/movielens-dbt-plugin.pth"
	@touch $@

# Then, side by side (make test runs them beside lint): the installed modules byte-compiled once,
# on every core: where PYTHONDONTWRITEBYTECODE is set (this machine's image sets it), every dbt, ml
# and pytest process would compile them again (dbt --version: 3.5 s without, 1.6 s with); and the
# Spark driver JVM's class-data archive (ml/tools/jvm_archive.py): each driver starts ~5 s sooner.
$(VENV)/.compiled: $(VENV)/.installed
	$(BIN)/python -m compileall -q -j 0 "$(PURELIB)" >/dev/null
	@touch $@

$(VENV)/.jvm-archive: $(VENV)/.installed
	$(BIN)/python -m ml jvm-archive || echo "note: no class-data archive; Spark's JVMs start without one"
	@touch $@

venv: $(VENV)/.installed $(VENV)/.compiled $(VENV)/.jvm-archive ## create .venv with the pinned dependencies

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

# The pipeline holds its warehouse's lock (ml/warehouse/lock.py) for all its steps: a second run on
# the same warehouse stops at once, naming this one, even between two steps. make test holds it over
# the pipeline and pytest.
HOLD = $(BIN)/python -m ml hold -- $(MAKE) --no-print-directory

# METASTORE=postgres (the profile reads it): the tables' metastore in PostgreSQL, which make run
# starts (make metastore-up) and leaves running; Derby's, in the warehouse folder, otherwise
run: venv blas $(if $(filter postgres,$(METASTORE)),metastore-up) ## check data (download DATASET if none), dbt build, k-means + ALS, their tests, report, summary
	$(RUN_ENV) $(PIPELINE) $(VARS_ARG) --download $(DATASET) --report-dir $(call shq,$(REPORT_DIR))

ml: venv ## k-means + ALS on the marts `make run` built (saved models reused), their tests, report, summary
	$(RUN_ENV) $(PIPELINE) $(VARS_ARG) --from kmeans --report-dir $(call shq,$(REPORT_DIR))

report: venv ## reports/index.html again from the tables `make run` wrote (nothing refitted)
	$(RUN_ENV) $(PIPELINE) $(VARS_ARG) --from report --to report --report-dir $(call shq,$(REPORT_DIR))

cluster-up: venv metastore ## start a local Spark master, worker and Thrift Server (127.0.0.1; waits until they answer)
	$(CLUSTER_ENV) $(BIN)/python -m ml cluster up

# the Thrift Server reads the CSV files itself: the data folder must be an absolute path (MOVIELENS_DIR
# is made one) on the machine it runs on. SPARK_MASTER: the master of cluster-up, for the ml steps
# (python -m ml cluster master-url).
cluster-run: venv blas ## `make run` on the cluster of cluster-up: dbt through the Thrift Server, ml on the master
	$(CLUSTER_ENV) SPARK_MASTER=$$($(BIN)/python -m ml cluster master-url) $(PIPELINE) $(VARS_ARG) --report-dir $(call shq,$(CLUSTER_REPORT_DIR))

cluster-down: venv ## stop the services of cluster-up (their processes and what they started)
	$(CLUSTER_ENV) $(BIN)/python -m ml cluster down

# Debian's chromium for the report's browser test (tests/python/e2e/test_report_page.py)
# PostgreSQL and its JDBC driver, for the shared metastore of the cluster and of METASTORE=postgres
metastore: ## PostgreSQL and its JDBC driver for the shared metastore (Debian packages, apt-get as root)
	@if [ -x "$$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -1)" ] && [ -f /usr/share/java/postgresql.jar ]; then echo "ok: PostgreSQL and its JDBC driver"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		$(call apt_install,postgresql libpostgresql-jdbc-java) && echo "ok: installed postgresql libpostgresql-jdbc-java"; \
	else echo "error: the shared metastore needs PostgreSQL; as root: apt-get install postgresql libpostgresql-jdbc-java" >&2; exit 1; fi

METASTORE_ENV := MOVIELENS_SPARK_DIR=$(call shq,$(POSTGRES_RUN_SPARK_DIR)) METASTORE=postgres

metastore-up: venv metastore ## start the metastore's PostgreSQL database of make run (METASTORE=postgres)
	$(METASTORE_ENV) $(BIN)/python -m ml cluster up --metastore-only

metastore-down: venv ## stop the metastore's PostgreSQL database of make run
	$(METASTORE_ENV) $(BIN)/python -m ml cluster down --metastore-only

chromium: ## headless Chromium for the browser test, if missing (apt-get, as root)
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then echo "ok: $$(command -v chromium || command -v chromium-browser)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		$(call apt_install,chromium) && echo "ok: installed chromium"; \
	else echo "error: the report test needs Chromium; as root: apt-get install chromium" >&2; exit 1; fi

test: $(VENV)/.installed blas chromium metastore ## lint; the pipeline on the small real dataset (TEST_VARS, dbt's unit tests too); pytest
	@$(MAKE) --no-print-directory -j3 --output-sync=target lint $(VENV)/.compiled $(VENV)/.jvm-archive
	$(TEST_ENV) $(HOLD) test-steps

# The test pipeline (its dbt build with dbt's unit tests, which make run leaves out) runs beside the
# e2e tests (whose builds and cluster need no test build until they compare with it: they wait for
# its dbt build, or for $(PIPELINE_STATUS)), then the unit and integration tests.
test-steps:
	$(call pytest_runs,echo running > $(call shq,$(PIPELINE_STATUS));,$(TEST_ENV) $(PIPELINE) --unit-tests --vars '$(TEST_VARS)' --report-dir $(TEST_REPORT_DIR) || status=$$?; echo $$status > $(call shq,$(PIPELINE_STATUS));)

pytest: venv ## pytest only (needs the warehouse and report `make test` builds first)
	$(call pytest_runs,,)

# Two pytest runs side by side, one per core: the e2e tests (commands in subprocesses on scratch
# warehouses; their output in $(TEST_RESULTS)/e2e.log, shown when they end) and, once $(2) has run
# beside them and succeeded, the unit and integration tests (one Spark session on the test build's
# metastore) with the e2e modules marked after_pipeline, so that both end about together; then
# the ten slowest tests of both and their totals. $(1) runs before both.
define pytest_runs
	@mkdir -p $(call shq,$(TEST_RESULTS))
	@status=0; e2e_status=0; $(1) \
	$(TEST_ENV) $(BIN)/pytest -m "e2e and not after_pipeline" --junit-xml=$(call shq,$(TEST_RESULTS)/e2e.xml) > $(call shq,$(TEST_RESULTS)/e2e.log) 2>&1 & e2e=$$!; \
	$(2) \
	[ $$status -ne 0 ] || $(TEST_ENV) $(BIN)/pytest -m "not e2e or after_pipeline" --junit-xml=$(call shq,$(TEST_RESULTS)/in-process.xml) || status=$$?; \
	wait $$e2e || e2e_status=$$?; \
	echo "=== the e2e tests, run beside ($(TEST_RESULTS)/e2e.log):"; cat $(call shq,$(TEST_RESULTS)/e2e.log); \
	$(BIN)/python tests/python/slowest.py $(call shq,$(TEST_RESULTS)/in-process.xml) $(call shq,$(TEST_RESULTS)/e2e.xml); \
	[ $$status -eq 0 ] && [ $$e2e_status -eq 0 ]
endef

bench: venv blas ## the whole pipeline timed per stage vs the original recipe (SCALE=1.0: ml-25m size)
	$(BIN)/python -m ml bench $(BENCH_SOURCE) $(VARS_ARG) --out $(BENCH_OUT) $(BENCH_ARGS)

lint: $(VENV)/.installed ## ruff (Python) and sqlfluff (dbt SQL, sparksql dialect)
	$(BIN)/ruff check ml tests
	$(BIN)/ruff format --check ml tests
	$(BIN)/sqlfluff lint --processes 2 models analyses tests

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
