"""The k-means sweep on hand-made movies, and the driver-side silhouettes and centers against
Spark's on the real movies."""

import numpy as np
import pytest
from pyspark.ml.linalg import Vectors

from ml.clustering.features import assemble_features
from ml.clustering.silhouette import cosine_silhouette, nearest_centers, silhouette
from ml.clustering.sweep import best_k, fit_kmeans, sweep


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
    assert best_k(sequential).k == 3
    assert best_k(sequential).validation_silhouette > 0.9


def test_silhouette_is_undefined_for_one_occupied_cluster(spark):
    one = spark.createDataFrame(
        [(Vectors.dense([1.0, 0.0]), 0), (Vectors.dense([0.9, 0.1]), 0)], ["features", "prediction"]
    )
    assert silhouette(one) is None
    assert cosine_silhouette(np.array([[1.0, 0.0], [0.9, 0.1]]), np.array([4, 4])) is None


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
