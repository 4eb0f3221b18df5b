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
# Extra arguments for `dbt build`, e.g. DBT_ARGS="--vars '{rating_cap: null}'".
DBT_ARGS ?=

# dbt reads the project's profiles; Spark binds to loopback; executors use the venv's Python.
export DBT_PROFILES_DIR := $(CURDIR)/profiles
export SPARK_LOCAL_IP := 127.0.0.1
export PYSPARK_PYTHON := $(CURDIR)/$(BIN)/python
# Warehouse + metastore of `make run` and of `make test`: separate, so tests never touch yours.
RUN_SPARK_DIR := $(CURDIR)/.spark/local
TEST_SPARK_DIR := $(CURDIR)/.spark/test

RUN_ENV := MOVIELENS_SPARK_DIR=$(RUN_SPARK_DIR)
ifdef MOVIELENS_DIR
RUN_ENV += MOVIELENS_DIR=$(abspath $(MOVIELENS_DIR))
endif
TEST_ENV := MOVIELENS_DIR=$(abspath $(SMALL_DATA)) MOVIELENS_SPARK_DIR=$(TEST_SPARK_DIR)

.PHONY: help venv java run test pytest lint format docs lock clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  variables: MOVIELENS_DIR (default ../data) DATASET=$(DATASET) DBT_ARGS=$(DBT_ARGS)"

java: ## check for Java 17+ (Spark 4 needs it)
	@$(PYTHON) -m ml check --java-only

$(VENV)/.installed: pyproject.toml requirements.lock | java
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed ## create .venv with the pinned dependencies

run: venv ## check data (download DATASET if none), dbt build, print the row accounting
	$(RUN_ENV) $(BIN)/python -m ml check --download $(DATASET)
	$(RUN_ENV) $(BIN)/dbt build $(DBT_ARGS)

test: venv lint ## lint, dbt build + tests on the small real dataset, pytest
	$(TEST_ENV) $(BIN)/python -m ml check
	$(TEST_ENV) $(BIN)/dbt build
	$(MAKE) --no-print-directory pytest

pytest: venv ## pytest only (needs the warehouse `make test` builds)
	$(TEST_ENV) $(BIN)/pytest

lint: venv ## ruff (Python) and sqlfluff (dbt SQL, sparksql dialect)
	$(BIN)/ruff check ml tests
	$(BIN)/ruff format --check ml tests
	$(BIN)/sqlfluff lint models analyses tests

format: venv ## apply ruff's and sqlfluff's fixes
	$(BIN)/ruff check --fix ml tests
	$(BIN)/ruff format ml tests
	$(BIN)/sqlfluff fix models analyses tests

docs: venv ## dbt docs generate (open target/index.html)
	$(RUN_ENV) $(BIN)/dbt docs generate

lock: venv ## re-pin requirements.lock from the current venv
	$(BIN)/pip freeze --exclude-editable | grep -v '^movielens-dbt-spark' > requirements.lock

clean: ## remove dbt output and the Spark warehouses (keeps .venv and the data)
	rm -rf target logs .spark
