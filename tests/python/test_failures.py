"""Failures that must lose nothing: a build killed with SIGKILL in the middle of a table write
leaves every table it had built readable and unchanged, and a rerun finishes the job; a second
build on the same warehouse is refused at once, naming the first; ml's own writes recover from a
kill between their renames and clear what a killed write left."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DBT, SMALL_DATA

from ml import PROJECT_DIR

# every table of the schema: row count and content hash, read through the metastore
SNAPSHOT = """
import json, sys
from ml.warehouse.tables import content_hash
from ml.warehouse.session import get_spark
spark = get_spark(master="local[2]", app_name="movielens-pytest-snapshot", target="local")
spark.sparkContext.setLogLevel("ERROR")
tables = sorted(row.tableName for row in spark.sql("show tables in movielens").collect())
json.dump({name: content_hash(spark.table(f"movielens.{name}")) for name in tables}, sys.stdout)
"""


def environment(spark_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR / "profiles"),
        "MOVIELENS_DIR": str(SMALL_DATA),
        "MOVIELENS_SPARK_DIR": str(spark_dir),
    }


def dbt_build(spark_dir: Path, scratch: Path, **kwargs) -> subprocess.Popen:
    paths = ["--target-path", str(scratch / "target"), "--log-path", str(scratch / "logs")]
    return subprocess.Popen(
        [str(DBT), "build", *paths],
        cwd=PROJECT_DIR,
        env=environment(spark_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # dbt and its Spark JVM: killed as one group
        **kwargs,
    )


def snapshot(spark_dir: Path) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-c", SNAPSHOT],
        cwd=PROJECT_DIR,
        env=environment(spark_dir),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A complete build in a warehouse of its own, and its snapshot."""
    spark_dir = tmp_path_factory.mktemp("failures-warehouse")
    build = dbt_build(spark_dir, tmp_path_factory.mktemp("dbt"))
    output = build.communicate(timeout=900)[0]
    assert build.returncode == 0, output[-3000:]
    return spark_dir, snapshot(spark_dir)


@pytest.mark.dbt
def test_sigkill_mid_write_keeps_every_table_and_a_rerun_finishes(built, tmp_path):
    spark_dir, before = built
    schema_dir = spark_dir / "warehouse" / "movielens.db"
    build = dbt_build(spark_dir, tmp_path)
    try:
        # the first table being written beside its current version
        wait_for(lambda: any(schema_dir.glob("*__dbt_new_*")), 600, "a table write")
        being_written = sorted(path.name for path in schema_dir.glob("*__dbt_new_*"))
    finally:
        os.killpg(build.pid, signal.SIGKILL)
        build.wait()
    assert build.returncode == -signal.SIGKILL
    # every table as it was; a half-written new one may sit beside them until the rerun
    after_kill = {name: value for name, value in snapshot(spark_dir).items() if "__dbt_new_" not in name}
    assert after_kill == before, f"killed while writing {being_written}"

    rerun = dbt_build(spark_dir, tmp_path / "rerun")
    output = rerun.communicate(timeout=900)[0]
    assert rerun.returncode == 0, output[-3000:]
    # the same tables with the same contents, and no leftover of the killed run
    assert snapshot(spark_dir) == before


@pytest.mark.dbt
def test_second_build_is_refused_naming_the_first(built, tmp_path):
    spark_dir, _ = built
    lock = spark_dir / "metastore.lock"
    first = dbt_build(spark_dir, tmp_path / "first")
    try:
        wait_for(lambda: lock.exists() and lock.read_text().startswith(f"{first.pid} "), 120, "the lock")
        started = time.monotonic()
        second = dbt_build(spark_dir, tmp_path / "second")
        output = second.communicate(timeout=120)[0]
        seconds = time.monotonic() - started
        ml = subprocess.run(
            [sys.executable, "-m", "ml", "kmeans"],
            cwd=PROJECT_DIR,
            env=environment(spark_dir),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert first.poll() is None, "the first build must still be running"
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    message = f"{spark_dir} is in use by process {first.pid} ("
    assert second.returncode != 0 and message in output, output[-3000:]
    assert "dbt build" in output.split(message, 1)[1].splitlines()[0]
    assert "Derby" in output and "XSDB6" not in output  # our message, not Derby's stack trace
    assert seconds < 60  # stopped before any Spark work
    assert ml.returncode == 2 and message in ml.stderr, ml.stderr[-3000:]


def test_ml_write_survives_a_kill_between_its_renames(spark, monkeypatch):
    from ml.warehouse import tables as io

    monkeypatch.setenv("MOVIELENS_SCHEMA", "pytest_io")
    spark.sql("create database if not exists pytest_io")
    try:
        first = spark.range(5).withColumnRenamed("id", "value")
        assert io.write_table(first, "results") == 5
        # a write killed between its two renames: the table sits aside under its old name
        spark.sql("alter table pytest_io.results rename to pytest_io.results__ml_old_1_2")
        assert io.read_table(spark, "results").count() == 5  # put back on the next read
        # a write killed mid-way: a half-written table and a folder never registered
        spark.range(2).write.saveAsTable("pytest_io.results__ml_new_3_4")
        database = Path(spark.catalog.getDatabase("pytest_io").locationUri.removeprefix("file:"))
        (database / "results__ml_new_5_6").mkdir()
        assert io.write_table(spark.range(7).withColumnRenamed("id", "value"), "results") == 7
        tables = [row.tableName for row in spark.sql("show tables in pytest_io").collect()]
        assert tables == ["results"]
        assert sorted(path.name for path in database.iterdir()) == ["results"]
    finally:
        spark.sql("drop database pytest_io cascade")
