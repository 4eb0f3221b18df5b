"""Builds in a scratch warehouse of a data folder holding movies.csv and ratings.csv alone (the
original study's layout: test_original_layout.py), with other vars (every user's ratings:
rating_cap null; another split_seed) and other partitioning: the cleaning gives the test build's
figures, the absent tags and links are said so, the cap's rules keep everyone and the seed moves
movies; a rebuild holds the
warehouse (a second build and an ml step beside it are refused at once, naming it); killed with
SIGKILL in the middle of a table write, it leaves every table readable and unchanged, and a
rerun, in the default partitioning, gives every table again to the last row (ml's own writes:
integration/warehouse/test_tables.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import (
    MODELS_ONLY,
    SMALL_DATA,
    UNCAPPED_VARS,
    dbt_command,
    environment,
    keys,
    ml_run,
    warehouse_table,
)

from ml import PROJECT_DIR

pytestmark = pytest.mark.reads_test_build

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


# the row accounting, the split marts and what they are built from (not the EDA marts), with
# UNCAPPED_VARS; the first build with its singular tests, the rules these vars move (the generic
# tests, keys and relationships, check the same SQL in the test build; the unit tests do not read
# the vars), the rebuilds without tests
MARTS = (
    "row_accounting",
    "kmeans_movies_train",
    "kmeans_movies_test",
    "als_ratings_train",
    "als_ratings_test",
)
BUILD_ARGS = ("--vars", UNCAPPED_VARS, "--select", " ".join(f"+{mart}" for mart in MARTS))
WITH_RULE_TESTS = (
    "--indirect-selection",
    "cautious",
    "--exclude",
    "test_type:generic",
    "--exclude-resource-type",
    "unit_test",
)


def dbt_build(
    spark_dir: Path, scratch: Path, data_dir: Path, tests=MODELS_ONLY, **env: str
) -> subprocess.Popen:
    return subprocess.Popen(
        dbt_command("build", *BUILD_ARGS, *tests, scratch=scratch),
        cwd=PROJECT_DIR,
        env=environment(spark_dir, data_dir, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # dbt and its Spark JVM: killed as one group
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
def movies_and_ratings(tmp_path_factory) -> Path:
    """ml-latest-small without tags.csv and links.csv."""
    folder = tmp_path_factory.mktemp("movies-and-ratings")
    for name in ("movies.csv", "ratings.csv"):
        (folder / name).symlink_to(SMALL_DATA / name)
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory, movies_and_ratings) -> tuple[Path, dict[str, str]]:
    """The build with its rules' tests, in 3 shuffle partitions (the test build and the rebuilds below
    have 16), and the snapshot of its warehouse."""
    spark_dir = tmp_path_factory.mktemp("rebuild-warehouse")
    scratch = tmp_path_factory.mktemp("dbt")
    build = dbt_build(spark_dir, scratch, movies_and_ratings, WITH_RULE_TESTS, SPARK_SHUFFLE_PARTITIONS="3")
    output = build.communicate(timeout=900)[0]
    assert build.returncode == 0, output[-3000:]
    assert output.count("note: tags.csv and links.csv absent from") == 1, output[-3000:]
    return spark_dir, snapshot(spark_dir)


def test_movies_and_ratings_alone_give_the_same_cleaning_and_say_tags_and_links_are_absent(
    spark, table, built
):
    accounting = {row.step: row for row in warehouse_table(spark, built[0], "row_accounting").collect()}
    in_test_build = {row.step: row for row in table("row_accounting").collect()}
    # the movies' rules and the ratings' up to the cap (the vars here move the cap and the split)
    assert [accounting[step] for step in range(1, 8)] == [in_test_build[step] for step in range(1, 8)]
    assert accounting[9] == in_test_build[9]
    for step, file in ((11, "tags.csv"), (13, "links.csv")):
        assert accounting[step].rule == f"{file} absent: no rows read"
        assert accounting[step].rows_before == accounting[step].rows_after == 0
        # the counterpart: the test build read the file
        assert in_test_build[step].rule.startswith(f"quarantine rows of {file}")
        assert in_test_build[step].rows_after > 0


def test_null_cap_keeps_every_rating_of_cleaned_movies(spark, built):
    spark_dir, _ = built
    assert warehouse_table(spark, spark_dir, "ratings").count() == 81_116
    accounting = {row.step: row for row in warehouse_table(spark, spark_dir, "row_accounting").collect()}
    assert accounting[8].rows_removed == 0  # the cap's rule
    assert accounting[10].rows_after == 610


def test_another_seed_moves_movies_between_sides(spark, table, built):
    default_train = keys(table("kmeans_movies_train"), ["movie_id"])
    seed_1_train = keys(warehouse_table(spark, built[0], "kmeans_movies_train"), ["movie_id"])
    assert default_train != seed_1_train
    assert abs(len(seed_1_train) / 2_269 - 0.8) <= 0.02


@dataclass
class KilledRebuild:
    """A rebuild on the built warehouse: a second build and an ml step tried while it ran, then it
    killed with SIGKILL in the middle of a table write, the tables read, and a rerun."""

    pid: int
    second: subprocess.CompletedProcess
    second_seconds: float
    ml: subprocess.CompletedProcess
    still_running: bool
    being_written: list[str]
    returncode: int
    after_kill: dict[str, str]
    rerun: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def killed_rebuild(built, movies_and_ratings, tmp_path_factory) -> KilledRebuild:
    spark_dir, _ = built
    scratch = tmp_path_factory.mktemp("rebuild")
    schema_dir = spark_dir / "warehouse" / "movielens.db"
    lock = spark_dir / "metastore.lock"
    build = dbt_build(spark_dir, scratch / "killed", movies_and_ratings)
    try:
        wait_for(lambda: lock.exists() and lock.read_text().startswith(f"{build.pid} "), 120, "the lock")
        started = time.monotonic()
        second = dbt_build(spark_dir, scratch / "second", movies_and_ratings)
        second_output = second.communicate(timeout=120)[0]
        second_seconds = time.monotonic() - started
        ml = ml_run("kmeans", spark_dir=spark_dir, timeout=120)
        still_running = build.poll() is None
        # a table being written beside its current version
        wait_for(lambda: any(schema_dir.glob("*__dbt_new_*")), 600, "a table write")
        being_written = sorted(path.name for path in schema_dir.glob("*__dbt_new_*"))
    finally:
        os.killpg(build.pid, signal.SIGKILL)
        build.wait()
    # every table as it was; a half-written new one may sit beside them until the rerun
    after_kill = {name: value for name, value in snapshot(spark_dir).items() if "__dbt_new_" not in name}
    rerun = dbt_build(spark_dir, scratch / "rerun", movies_and_ratings)
    rerun_output = rerun.communicate(timeout=900)[0]
    return KilledRebuild(
        build.pid,
        subprocess.CompletedProcess(second.args, second.returncode, second_output),
        second_seconds,
        ml,
        still_running,
        being_written,
        build.returncode,
        after_kill,
        subprocess.CompletedProcess(rerun.args, rerun.returncode, rerun_output),
    )


def test_sigkill_mid_write_keeps_every_table_and_a_rerun_finishes(built, killed_rebuild):
    spark_dir, before = built
    assert killed_rebuild.returncode == -signal.SIGKILL
    assert killed_rebuild.after_kill == before, f"killed while writing {killed_rebuild.being_written}"
    assert killed_rebuild.rerun.returncode == 0, killed_rebuild.rerun.stdout[-3000:]
    # the same tables with the same contents, in another partitioning, and no leftover of the
    # killed run: the hash splits (and every rule) depend on the rows alone
    assert snapshot(spark_dir) == before


def test_second_build_is_refused_naming_the_first(built, killed_rebuild):
    spark_dir, _ = built
    second, ml = killed_rebuild.second, killed_rebuild.ml
    assert killed_rebuild.still_running, "the first build must still be running"
    message = f"{spark_dir} is in use by process {killed_rebuild.pid} ("
    assert second.returncode != 0 and message in second.stdout, second.stdout[-3000:]
    assert "dbt build" in second.stdout.split(message, 1)[1].splitlines()[0]
    assert "Derby" in second.stdout and "XSDB6" not in second.stdout  # our message, not Derby's stack trace
    assert killed_rebuild.second_seconds < 60  # stopped before any Spark work
    assert ml.returncode == 2 and message in ml.stderr, ml.stderr[-3000:]
