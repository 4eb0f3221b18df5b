"""The cosine silhouette that chooses k: Spark's ClusteringEvaluator, and the same formula on the
driver (numpy), which the sweep uses because its parts are small and two Spark evaluations per k
cost about as much as the fit itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ml.clustering.features import FEATURES

if TYPE_CHECKING:
    import numpy as np
    from pyspark.sql import DataFrame

DISTANCE = "cosine"
# what ClusteringEvaluator says of rows that all sit in one cluster
SINGLE_CLUSTER_ERROR = "Number of clusters must be greater than one"
# rows of a distance matrix built at once: a 4,096 x 1,500 block of doubles is 49 MB
BLOCK_ROWS = 4096


def silhouette(predictions: DataFrame) -> float | None:
    """Cosine silhouette of clustered rows (`features`, `prediction`); None if they occupy fewer
    than two clusters, where the silhouette is undefined."""
    from py4j.protocol import Py4JJavaError
    from pyspark.ml.evaluation import ClusteringEvaluator

    evaluator = ClusteringEvaluator(distanceMeasure=DISTANCE, featuresCol=FEATURES, metricName="silhouette")
    try:
        return evaluator.evaluate(predictions)
    except Py4JJavaError as error:
        # Spark asserts two occupied clusters; asking the evaluator beats a Spark job per call to count them
        if SINGLE_CLUSTER_ERROR in str(error.java_exception):
            return None
        raise


def feature_matrix(features: DataFrame) -> np.ndarray:
    """The `features` column as an n x d array (the k-means inputs are tens of thousands of short
    rows: a few MB on the driver)."""
    import numpy as np

    return np.array([row[FEATURES].toArray() for row in features.select(FEATURES).collect()], dtype=float)


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    import numpy as np

    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def nearest_centers(features: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Index of each row's nearest center by cosine distance, the first on a tie: what
    KMeansModel.transform predicts with distanceMeasure="cosine"."""
    import numpy as np

    unit_centers = _unit_rows(centers)
    unit = _unit_rows(features)
    return np.concatenate(
        [
            np.argmax(unit[start : start + BLOCK_ROWS] @ unit_centers.T, axis=1)
            for start in range(0, len(unit), BLOCK_ROWS)
        ]
    )


def cosine_silhouette(features: np.ndarray, labels: np.ndarray) -> float | None:
    """Mean cosine silhouette of rows clustered by `labels`, by Spark's ClusteringEvaluator formula:
    a row's mean distance to a cluster is 1 - u . (sum of the cluster's unit rows) / size, its own
    cluster's corrected to leave the row out; a row alone in its cluster scores 0. None when fewer
    than two clusters are occupied (Spark raises there)."""
    import numpy as np

    clusters, index, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    if len(clusters) < 2:
        return None
    unit = _unit_rows(features)
    sums = np.zeros((len(clusters), unit.shape[1]))
    np.add.at(sums, index, unit)
    scores = [
        _block_scores(unit[start : start + BLOCK_ROWS], index[start : start + BLOCK_ROWS], sums, sizes)
        for start in range(0, len(unit), BLOCK_ROWS)
    ]
    return float(np.concatenate(scores).mean())


def _block_scores(unit: np.ndarray, own_index: np.ndarray, sums: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The silhouette of each row of a block of unit rows (`own_index`: each row's cluster)."""
    import numpy as np

    distance = 1.0 - (unit @ sums.T) / sizes
    positions = np.arange(len(own_index))
    own_size = sizes[own_index]
    with np.errstate(divide="ignore", invalid="ignore"):
        own = distance[positions, own_index] * own_size / (own_size - 1)
        distance[positions, own_index] = np.inf
        neighbour = distance.min(axis=1)
        score = np.where(
            own < neighbour, 1 - own / neighbour, np.where(own > neighbour, neighbour / own - 1, 0.0)
        )
    return np.where(own_size == 1, 0.0, score)
