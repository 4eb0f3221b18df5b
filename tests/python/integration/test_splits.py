"""The k-means and ALS splits of the test build: disjoint, complete and near their ratios (a
rebuild with other partitioning: e2e/test_rebuild.py; another seed: e2e/test_uncapped.py)."""

import pytest
from helpers import keys

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
