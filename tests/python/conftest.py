"""Fixtures of the test suite. Its folders say what a test needs: unit/ neither Spark nor a build
(fast), integration/ the warehouse `make test` built (in-process Spark on its metastore), e2e/
the project's commands in subprocesses (dbt, ml, make) on scratch warehouses of their own. Each
test gets the marker of its folder, so `pytest -m unit`, `-m integration`, `-m e2e` pick one.

One Spark session serves a test run: on the test build's metastore when integration tests are
selected, else a session without a metastore (files by path), so that an e2e run can go on beside
an integration run (make test runs the two side by side)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import (
    SMALL_DATA,
    TEST_SPARK_DIR,
    TEST_VARS,
    TESTS_DIR,
    dbt_command,
    environment,
    holding_test_build,
    wait_for_test_build,
    warehouse_table,
)

from ml import PROJECT_DIR

KINDS = ("unit", "integration", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        kind = Path(item.path).relative_to(TESTS_DIR).parts[0]
        if kind not in KINDS:
            raise pytest.UsageError(f"{item.nodeid}: a test lives in tests/python/{{{','.join(KINDS)}}}/")
        item.add_marker(kind)
    # the modules that compare with the test build run last, a module's tests together: by then
    # the test pipeline beside them has built what they read, and none of them waits for it
    items.sort(key=lambda item: item.get_closest_marker("reads_test_build") is not None)


@pytest.fixture(scope="session")
def spark(request: pytest.FixtureRequest) -> Iterator:
    from ml.warehouse.session import get_spark

    # the tests of this run, -m and -k applied
    metastore = any(item.get_closest_marker("integration") for item in request.session.items)
    session = get_spark(master="local[2]", app_name="movielens-pytest", target="local", metastore=metastore)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def table(spark) -> Callable:
    """table('movies') -> that table of the test build: through its metastore in an integration
    run, else from its Parquet files (tables only, not views), read whole at once."""
    from ml.warehouse.session import schema

    database = schema()
    if spark.conf.get("spark.sql.catalogImplementation") != "hive":
        from ml.warehouse.catalog import ML_TABLES

        def read(name: str):
            # an e2e run: make test's pipeline may still be building the table, and the in-process
            # run beside may rewrite it (a rerun's test): read whole while neither happens
            wait_for_test_build(marts_only=name not in ML_TABLES)
            with holding_test_build(exclusive=False):
                return warehouse_table(spark, TEST_SPARK_DIR, name, database).localCheckpoint()

        return read
    if not spark.catalog.tableExists(f"{database}.row_accounting"):
        pytest.fail(
            f"{database}.row_accounting is not built in {TEST_SPARK_DIR}: run `make test` (it builds the "
            "warehouse with the pipeline before pytest)"
        )
    return lambda name: spark.table(f"{database}.{name}")


@pytest.fixture(scope="session")
def run_dbt(tmp_path_factory) -> Callable[..., subprocess.CompletedProcess]:
    """run_dbt('build', '--select', ..., spark_dir=..., data_dir=...) in a subprocess."""

    def run(*args: str, spark_dir: Path, data_dir: Path = SMALL_DATA, env: dict | None = None):
        command = dbt_command(*args, scratch=tmp_path_factory.mktemp("dbt"))
        return subprocess.run(
            command,
            cwd=PROJECT_DIR,
            env=environment(spark_dir, data_dir, **(env or {})),
            capture_output=True,
            text=True,
            timeout=900,
        )

    return run


@pytest.fixture(scope="session")
def test_vars() -> dict:
    """The vars the test build was made with (defaults of dbt_project.yml, TEST_VARS on top)."""
    from ml.warehouse.project import project_vars

    return project_vars(TEST_VARS)
