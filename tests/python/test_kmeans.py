"""The k grid, the sweep and its selection, and the cluster tables, on hand-made movies."""

import numpy as np
import pytest
from pyspark.ml.linalg import Vectors

from ml import UserError
from ml.clustering.features import assemble_features
from ml.clustering.kmeans import (
    KMeansSettings,
    SweepPoint,
    best_point,
    cluster_profiles,
    cosine_silhouette,
    fit_kmeans,
    k_grid,
    nearest_centers,
    plan_grid,
    silhouette,
    sweep,
    sweep_table,
)
from ml.warehouse.project import project_vars


def test_the_default_grid_is_the_studys_150_values():
    grid = KMeansSettings.from_vars(project_vars()).grid()
    assert grid[:3] == [10, 20, 30] and grid[-1] == 1500 and len(grid) == 150


def test_a_grid_includes_its_end_when_the_step_lands_on_it():
    assert k_grid(2, 10, 4) == [2, 6, 10]
    assert k_grid(2, 9, 4) == [2, 6]
    assert k_grid(5, 5, 1) == [5]


@pytest.mark.parametrize(
    ("k_min", "k_max", "k_step", "message"),
    [
        (1, 10, 1, "at least 2"),
        (10, 5, 1, "below kmeans_k_min"),
        (2, 10, 0, "kmeans_k_step"),
        (2.5, 10, 1, "whole"),
    ],
)
def test_a_grid_that_is_no_grid_is_a_user_error(k_min, k_max, k_step, message):
    with pytest.raises(UserError, match=message):
        k_grid(k_min, k_max, k_step)


def test_ks_not_below_the_training_movies_are_skipped():
    assert plan_grid([10, 20, 30, 40], training_movies=30) == ([10, 20], [30, 40])


def point(k, validation):
    return SweepPoint(k, k, 3, 0.1, validation, 0.5)


def test_the_best_k_has_the_highest_validation_silhouette_smaller_k_on_a_tie():
    assert best_point([point(10, 0.3), point(20, 0.5), point(30, 0.5), point(40, None)]).k == 20
    with pytest.raises(UserError, match="no k"):
        best_point([point(10, None)])


@pytest.fixture(scope="module")
def three_groups(spark):
    """Movies in three tight directions (cosine): genre A, genre B, genre C, 8 each."""
    rows = []
    for group in range(3):
        for i in range(8):
            vector = [0.0, 0.0, 0.0, 3.0 + i * 0.01]
            vector[group] = 1.0
            rows.append((group * 100 + i, Vectors.dense(vector)))
    return spark.createDataFrame(rows, ["movie_id", "features"]).coalesce(1).cache()


def test_the_sweep_finds_the_three_groups_and_is_the_same_in_parallel(three_groups):
    fit = three_groups.where("movie_id % 2 = 0")
    validation = three_groups.where("movie_id % 2 = 1")
    seen = []
    sequential = sweep(fit, validation, [2, 3, 4], max_iter=50, seed=0, parallelism=1, on_point=seen.append)
    parallel = sweep(fit, validation, [2, 3, 4], max_iter=50, seed=0, parallelism=3)
    assert [p.k for p in sequential] == [2, 3, 4] and len(seen) == 3
    assert [(p.k, p.validation_silhouette) for p in sequential] == [
        (p.k, p.validation_silhouette) for p in parallel
    ]
    assert best_point(sequential).k == 3
    assert best_point(sequential).validation_silhouette > 0.9


def test_silhouette_is_undefined_for_one_occupied_cluster(spark):
    one = spark.createDataFrame(
        [(Vectors.dense([1.0, 0.0]), 0), (Vectors.dense([0.9, 0.1]), 0)], ["features", "prediction"]
    )
    assert silhouette(one) is None
    assert cosine_silhouette(np.array([[1.0, 0.0], [0.9, 0.1]]), np.array([4, 4])) is None


def brute_force_silhouette(rows: np.ndarray, labels: np.ndarray) -> float:
    """The textbook silhouette with cosine distance, pair by pair (0 for a row alone in its cluster)."""
    unit = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    distance = 1 - unit @ unit.T
    scores = []
    for i, label in enumerate(labels):
        mates = (labels == label) & (np.arange(len(labels)) != i)
        if not mates.any():
            scores.append(0.0)
            continue
        own = distance[i, mates].mean()
        neighbour = min(distance[i, labels == other].mean() for other in set(labels) - {label})
        scores.append((neighbour - own) / max(own, neighbour))
    return float(np.mean(scores))


def test_the_driver_silhouette_is_the_textbook_one(monkeypatch):
    rng = np.random.default_rng(3)
    rows = rng.random((60, 5)) + 0.01
    labels = np.concatenate([rng.integers(0, 6, 58), [9, 10]])  # two clusters of one row
    monkeypatch.setattr("ml.clustering.kmeans.SILHOUETTE_BLOCK_ROWS", 7)  # several blocks, a ragged last one
    assert cosine_silhouette(rows, labels) == pytest.approx(brute_force_silhouette(rows, labels), abs=1e-12)


@pytest.mark.parametrize("k", [2, 40, 300])
def test_the_driver_silhouette_and_centers_match_spark(table, k):
    # on the real movies: the same assignments as KMeansModel.transform, the same silhouette as
    # ClusteringEvaluator, so the sweep's scores are Spark's own
    features = assemble_features(table("kmeans_movies_train")).coalesce(1).cache()
    model = fit_kmeans(features, k, max_iter=20, seed=0)
    predicted = model.transform(features).select("features", "prediction").collect()
    rows = np.array([row["features"].toArray() for row in predicted])
    spark_labels = np.array([row["prediction"] for row in predicted])
    assert np.array_equal(nearest_centers(rows, np.array(model.clusterCenters())), spark_labels)
    assert cosine_silhouette(rows, spark_labels) == pytest.approx(
        silhouette(model.transform(features)), abs=1e-9
    )
    features.unpersist()


def test_the_sweep_table_lists_every_k_of_the_grid_with_the_choice(spark):
    table = sweep_table(
        spark, [point(10, 0.3), point(20, 0.5)], [30], selected_k=20, test_silhouette=0.4, training_movies=25
    )
    rows = {row.k: row for row in table.collect()}
    assert sorted(rows) == [10, 20, 30]
    assert rows[30].status == "skipped" and rows[30].iterations is None
    assert rows[20].is_selected and rows[20].test_silhouette == 0.4
    assert not rows[10].is_selected and rows[10].test_silhouette is None


def test_cluster_profiles_give_sizes_genre_shares_and_rating_spread(spark):
    movies = spark.createDataFrame(
        [(1, 1, 0, 4.0), (2, 1, 1, 3.0), (3, 0, 1, 2.0), (4, 1, 0, 5.0)],
        "movie_id int, genre_drama int, genre_sci_fi int, avg_rating double",
    )
    clusters = spark.createDataFrame(
        [(1, "train", 0), (2, "test", 0), (3, "train", 1), (4, "train", 0)],
        "movie_id int, split string, cluster int",
    )
    profiles = {
        row.cluster: row
        for row in cluster_profiles(
            clusters, movies, {"genre_drama": "Drama", "genre_sci_fi": "Sci-Fi"}
        ).collect()
    }
    first = profiles[0]
    assert (first.movie_count, first.train_movies, first.test_movies) == (3, 2, 1)
    assert first.share_genre_drama == 1.0 and first.share_genre_sci_fi == pytest.approx(1 / 3)
    assert first.top_genres == "Drama 100%, Sci-Fi 33%"
    assert (first.avg_rating_mean, first.avg_rating_min, first.avg_rating_max) == (4.0, 3.0, 5.0)
    assert first.avg_rating_std == pytest.approx(1.0)
    assert profiles[1].top_genres == "Sci-Fi 100%"
    assert profiles[1].avg_rating_std is None
