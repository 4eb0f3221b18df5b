"""Shared fixtures: one local SparkSession on the test warehouse that `make test` builds with
dbt, and a runner for extra dbt builds into scratch warehouses (so they never hold the Derby
metastore this session uses)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ml import PROJECT_DIR

SMALL_DATA = Path(os.environ.get("MOVIELENS_DIR", PROJECT_DIR.parent / "shared" / "data" / "ml-latest-small"))
DBT = Path(sys.executable).parent / "dbt"


@pytest.fixture(scope="session")
def spark() -> Iterator:
    from ml.warehouse.session import get_spark

    session = get_spark(master="local[2]", app_name="movielens-pytest", target="local")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def table(spark) -> Callable:
    """table('movies') -> the DataFrame of that table in the dbt schema of the test build."""
    from ml.warehouse.session import schema

    database = schema()
    if not spark.catalog.tableExists(f"{database}.row_accounting"):
        pytest.fail(
            f"{database}.row_accounting is not built in {os.environ.get('MOVIELENS_SPARK_DIR')}: "
            "run `make test` (it runs dbt build before pytest)"
        )
    return lambda name: spark.table(f"{database}.{name}")


@pytest.fixture(scope="session")
def run_dbt(tmp_path_factory) -> Callable[..., subprocess.CompletedProcess]:
    """run_dbt('build', '--select', ..., spark_dir=..., data_dir=...) in a subprocess."""

    def run(*args: str, spark_dir: Path, data_dir: Path = SMALL_DATA, env: dict | None = None):
        scratch = tmp_path_factory.mktemp("dbt")
        environment = {
            **os.environ,
            "DBT_PROFILES_DIR": str(PROJECT_DIR / "profiles"),
            "MOVIELENS_DIR": str(data_dir),
            "MOVIELENS_SPARK_DIR": str(spark_dir),
            **(env or {}),
        }
        paths = ["--target-path", str(scratch / "target"), "--log-path", str(scratch / "logs")]
        command = [str(DBT), *args, *paths]
        return subprocess.run(
            command, cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=900
        )

    return run


UNCAPPED_VARS = "{rating_cap: null, split_seed: 1}"


@pytest.fixture(scope="session")
def uncapped(run_dbt, tmp_path_factory) -> Path:
    """A scratch warehouse built with every user's ratings (rating_cap null) and split_seed 1."""
    spark_dir = tmp_path_factory.mktemp("uncapped")
    result = run_dbt("build", "--vars", UNCAPPED_VARS, spark_dir=spark_dir)
    assert result.returncode == 0, result.stdout[-3000:]
    return spark_dir


def warehouse_table(spark, spark_dir: Path, name: str, database: str = "movielens"):
    """A table of a scratch build, read straight from its Parquet files (no metastore needed)."""
    return spark.read.parquet(str(spark_dir / "warehouse" / f"{database}.db" / name))


def keys(frame, key_columns: list[str]) -> set[tuple]:
    """The set of key tuples of a DataFrame."""
    return {tuple(row) for row in frame.select(*key_columns).collect()}
