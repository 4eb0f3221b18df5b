"""A build with other vars: every user's ratings (rating_cap null) and another split_seed, in a
scratch warehouse, with its data tests. (How the models compare: the test build's result tables,
integration/test_ml_results.py; without the cap at full grids: make run, make bench.)"""

from __future__ import annotations

import pytest
from helpers import TEST_VARS, UNCAPPED_VARS, keys, warehouse_table

from ml.warehouse.project import project_vars


@pytest.fixture(scope="module")
def uncapped_vars() -> str:
    """TEST_VARS with UNCAPPED_VARS on top, as one --vars text."""
    import yaml

    values = {**(yaml.safe_load(TEST_VARS) or {}), **yaml.safe_load(UNCAPPED_VARS)}
    project_vars(values)  # both are vars of the project
    return yaml.safe_dump(values, default_flow_style=True).strip()


@pytest.fixture(scope="module")
def uncapped(run_dbt, tmp_path_factory, uncapped_vars):
    spark_dir = tmp_path_factory.mktemp("uncapped")
    # every model and data test (the unit tests are the same whatever the vars)
    result = run_dbt(
        "build", "--vars", uncapped_vars, "--exclude-resource-type", "unit_test", spark_dir=spark_dir
    )
    assert result.returncode == 0, result.stdout[-3000:]
    return spark_dir


def test_null_cap_keeps_every_rating_of_cleaned_movies(spark, uncapped):
    assert warehouse_table(spark, uncapped, "ratings").count() == 81_116
    accounting = {row.step: row for row in warehouse_table(spark, uncapped, "row_accounting").collect()}
    assert accounting[8].rows_removed == 0  # the cap's rule
    assert accounting[10].rows_after == 610


def test_another_seed_moves_movies_between_sides(spark, table, uncapped):
    default_train = keys(table("kmeans_movies_train"), ["movie_id"])
    seed_1_train = keys(warehouse_table(spark, uncapped, "kmeans_movies_train"), ["movie_id"])
    assert default_train != seed_1_train
    assert abs(len(seed_1_train) / 2_269 - 0.8) <= 0.02
