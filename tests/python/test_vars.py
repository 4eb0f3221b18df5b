"""Knobs as dbt vars: a build with `rating_cap: null` and another `split_seed`, in a scratch
warehouse (conftest's `uncapped`), with all of its dbt tests."""

import pytest
from conftest import keys, warehouse_table


@pytest.mark.dbt
def test_null_cap_keeps_every_rating_of_cleaned_movies(spark, uncapped):
    assert warehouse_table(spark, uncapped, "ratings").count() == 81_116
    accounting = {row.step: row for row in warehouse_table(spark, uncapped, "row_accounting").collect()}
    assert accounting[8].rows_removed == 0  # the cap's rule
    assert accounting[10].rows_after == 610


@pytest.mark.dbt
def test_another_seed_moves_movies_between_sides(spark, table, uncapped):
    default_train = keys(table("kmeans_movies_train"), ["movie_id"])
    seed_1_train = keys(warehouse_table(spark, uncapped, "kmeans_movies_train"), ["movie_id"])
    assert default_train != seed_1_train
    assert abs(len(seed_1_train) / 2_269 - 0.8) <= 0.02
