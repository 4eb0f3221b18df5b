"""On a fresh warehouse, each command run too early says in one line what to run first: an ml
command before the marts exist, `dbt run` before `dbt seed`, `dbt test` before `dbt run`.

Marked after_pipeline: make test runs it beside the unit and integration tests, so that its two
pytest runs end about together."""

import os
import subprocess
import sys

import pytest

from ml import PROJECT_DIR

pytestmark = pytest.mark.after_pipeline


def test_ml_before_the_marts_exist_says_to_build_them(tmp_path):
    environment = {**os.environ, "MOVIELENS_SPARK_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "ml", "kmeans"],
        cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 2
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("error: table movielens.kmeans_movies_train does not exist")
    assert "make run" in last_line


def test_the_users_way_on_a_fresh_warehouse_says_what_to_run_first(run_dbt, tmp_path_factory):
    # dbt run, then dbt test, as a user who has not read about `dbt build`
    warehouse = tmp_path_factory.mktemp("fresh")
    ran = run_dbt("run", spark_dir=warehouse)
    assert ran.returncode == 2
    assert (
        "the seed movielens_genres (seeds/movielens_genres.csv) is not in the warehouse yet: "
        "run `dbt seed` first, or `dbt build`, which builds seeds, models and tests in order"
    ) in ran.stdout
    assert run_dbt("seed", spark_dir=warehouse).returncode == 0
    links = ("--select", "stg_movielens__links", "--indirect-selection", "cautious")  # its tests alone
    tested = run_dbt("test", *links, spark_dir=warehouse)
    assert tested.returncode == 2
    # the counterpart of the seed's check: seeded, it names the next thing missing
    assert "is not in the warehouse yet: run `dbt run` first" in tested.stdout
    assert "the seed" not in tested.stdout
