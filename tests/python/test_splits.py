"""The k-means and ALS splits: ratios, disjoint and complete, and deterministic (the same rows on
the same side when rebuilt with another partitioning, another seed moving them)."""

import pytest
from conftest import keys, warehouse_table

SPLITS = {
    "kmeans": ("movies", "kmeans_movies_train", "kmeans_movies_test", ["movie_id"], 0.8),
    "als": ("ratings", "als_ratings_train", "als_ratings_test", ["user_id", "movie_id"], 0.7),
}


@pytest.mark.parametrize("split", SPLITS)
def test_split_is_disjoint_complete_and_near_its_ratio(table, split):
    whole, train, test, key_columns, train_fraction = SPLITS[split]
    whole_keys = keys(table(whole), key_columns)
    train_keys = keys(table(train), key_columns)
    test_keys = keys(table(test), key_columns)
    assert not train_keys & test_keys
    assert train_keys | test_keys == whole_keys
    assert abs(len(train_keys) / len(whole_keys) - train_fraction) <= 0.02


@pytest.fixture(scope="module")
def rebuilt(run_dbt, tmp_path_factory):
    """The split tables built again in a scratch warehouse, on one core and 3 shuffle partitions."""
    spark_dir = tmp_path_factory.mktemp("rebuild")
    result = run_dbt(
        "build",
        "--exclude-resource-type",
        "test",
        "--select",
        "+kmeans_movies_train +kmeans_movies_test +als_ratings_train +als_ratings_test",
        spark_dir=spark_dir,
        env={"SPARK_MASTER": "local[1]", "SPARK_SHUFFLE_PARTITIONS": "3"},
    )
    assert result.returncode == 0, result.stdout[-3000:]
    return spark_dir


@pytest.mark.dbt
@pytest.mark.parametrize("split", SPLITS)
def test_rebuild_gives_identical_split_membership(spark, table, rebuilt, split):
    _, train, test, key_columns, _ = SPLITS[split]
    for side in (train, test):
        assert keys(warehouse_table(spark, rebuilt, side), key_columns) == keys(table(side), key_columns)
