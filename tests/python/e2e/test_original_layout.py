"""The original study's data folder (movies.csv, ratings.csv, tags.csv; no links.csv), in a folder
whose name holds a space, a quote and a non-ASCII letter, as users' paths do: its build gives the
test build's cleaning and tag marts, and an ml run killed between two of its table writes there is
refused by the next reader, in one line.

Marked after_pipeline: make test runs it beside the unit and integration tests, once the test
pipeline is done, which balances its two streams (the Makefile).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import MODELS_ONLY, SMALL_DATA, dbt_command, environment, ml_run, warehouse_table

from ml import PROJECT_DIR

pytestmark = [pytest.mark.reads_test_build, pytest.mark.after_pipeline]


@pytest.fixture(scope="module")
def without_links(tmp_path_factory) -> Path:
    """The row accounting and the tag marts of ml-latest-small's movies, ratings and tags: the
    original study's data folder, which has no links.csv. The data folder's name and the
    warehouse's hold a space, a quote and a non-ASCII letter, as users' paths do."""
    folder = tmp_path_factory.mktemp("movies ratings and tags' ü")
    for name in ("movies.csv", "ratings.csv", "tags.csv"):
        (folder / name).symlink_to(SMALL_DATA / name)
    spark_dir = tmp_path_factory.mktemp("warehouse without links' ü")
    marts = "+row_accounting +eda_tag_counts +eda_tags_overview +kmeans_movies_train +kmeans_movies_test"
    selection = ("--select", marts, *MODELS_ONLY)
    build = subprocess.run(
        dbt_command("build", *selection, scratch=tmp_path_factory.mktemp("dbt")),
        cwd=PROJECT_DIR,
        env=environment(spark_dir, folder),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert build.returncode == 0, build.stdout[-3000:]
    assert build.stdout.count("note: links.csv absent from") == 1, build.stdout[-3000:]
    # the counterpart of a failed build's closing screen (test_bad_input.py): none
    assert "=== What failed" not in build.stdout
    return spark_dir


def test_the_original_studys_folder_gives_the_same_cleaning_and_tags(spark, table, without_links):
    accounting = {row.step: row for row in warehouse_table(spark, without_links, "row_accounting").collect()}
    in_test_build = {row.step: row for row in table("row_accounting").collect()}
    assert [accounting[step] for step in range(1, 13)] == [in_test_build[step] for step in range(1, 13)]
    assert accounting[13].rule == "links.csv absent: no rows read" and accounting[13].rows_after == 0
    for name in ("eda_tag_counts", "eda_tags_overview"):
        built, in_session = warehouse_table(spark, without_links, name), table(name)
        assert built.exceptAll(in_session).isEmpty() and in_session.exceptAll(built).isEmpty(), name


# a sweep of two values of k: the run's writes, not its figures
SMALL_SWEEP = "{kmeans_k_min: 10, kmeans_k_max: 20, kmeans_k_step: 10}"


@pytest.fixture(scope="module")
def interrupted_kmeans(without_links) -> subprocess.CompletedProcess:
    """On the warehouse of `without_links`: a kmeans run, then one killed with SIGKILL right after
    its first table's write; `python -m ml summary` after it."""
    done = ml_run("kmeans", "--vars", SMALL_SWEEP, spark_dir=without_links)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "committed run kmeans-" in done.stdout
    second = subprocess.Popen(
        [sys.executable, "-m", "ml", "kmeans", "--vars", SMALL_SWEEP],
        cwd=PROJECT_DIR,
        env=environment(without_links),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        for line in second.stdout:
            if "wrote movielens.kmeans_sweep" in line:
                os.killpg(second.pid, signal.SIGKILL)
                break
    finally:
        if second.poll() is None:
            os.killpg(second.pid, signal.SIGKILL)
        second.wait()
    assert second.returncode == -signal.SIGKILL, "the run ended before its first write"
    return ml_run("summary", spark_dir=without_links)


def test_a_run_killed_between_its_writes_is_refused_in_one_line(interrupted_kmeans):
    # the counterpart, a reader of one complete run per step: integration/warehouse/test_runs.py
    summary = interrupted_kmeans
    assert summary.returncode == 2
    last = summary.stderr.strip().splitlines()[-1]
    assert last.startswith("error: movielens.kmeans_sweep holds run kmeans-"), summary.stderr[-3000:]
    assert "not kmeans's last complete run kmeans-" in last and "stopped between its writes" in last
