"""The k-means sweep: every k of the grid fitted on the fit part of kmeans_movies_train and scored
by the cosine silhouette of its validation part; the best k is the one of highest validation
silhouette."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ml import UserError
from ml.clustering.features import FEATURES, assemble_features
from ml.clustering.silhouette import DISTANCE, cosine_silhouette, feature_matrix, nearest_centers
from ml.holdout import VALIDATION_COLUMN, validation_parts

if TYPE_CHECKING:
    from pyspark.ml.clustering import KMeansModel
    from pyspark.sql import DataFrame

# Spark's "block" solver batches the distance computations into matrix products; the "row"
# solver (the study's) pays a step growing with k³ between k = 230 and 1000 (BENCHMARKS.md)
SOLVER = "block"


@dataclass
class SweepPoint:
    """One k of the sweep; silhouettes are None where fewer than two clusters were occupied."""

    k: int
    cluster_count: int
    iterations: int
    fit_seconds: float
    validation_silhouette: float | None
    train_silhouette: float | None


def plan_grid(grid: Iterable[int], training_movies: int) -> tuple[list[int], list[int]]:
    """(values of k to fit, values skipped): k must be below the number of movies it is fitted on."""
    grid = list(grid)
    return [k for k in grid if k < training_movies], [k for k in grid if k >= training_movies]


def sweep_parts(train: DataFrame) -> tuple[DataFrame, DataFrame]:
    """(fit part, validation part) of kmeans_movies_train as feature vectors, cached."""
    fit_part, validation_part = validation_parts(assemble_features(train, keep=[VALIDATION_COLUMN]))
    # the movies table is small: one partition each avoids a scheduling round per partition per iteration
    return fit_part.coalesce(1).cache(), validation_part.coalesce(1).cache()


def fit_kmeans(features: DataFrame, k: int, max_iter: int, seed: int, solver: str = SOLVER) -> KMeansModel:
    from pyspark.ml.clustering import KMeans

    estimator = KMeans(
        k=k, distanceMeasure=DISTANCE, maxIter=max_iter, seed=seed, solver=solver, featuresCol=FEATURES
    )
    return estimator.fit(features)


def sweep(
    fit_part: DataFrame,
    validation_part: DataFrame,
    ks: list[int],
    max_iter: int,
    seed: int,
    solver: str = SOLVER,
    parallelism: int = 1,
    on_point: Callable[[SweepPoint], None] | None = None,
) -> list[SweepPoint]:
    """Fit each k on `fit_part` and score it on both parts; `parallelism` fits run at once (Spark
    runs jobs of several threads side by side). Points come back in grid order. The silhouettes
    are computed on the driver (cosine_silhouette), from the rows' nearest centers."""
    import numpy as np

    fit_rows, validation_rows = feature_matrix(fit_part), feature_matrix(validation_part)

    def evaluate(k: int) -> SweepPoint:
        started = time.monotonic()
        model = fit_kmeans(fit_part, k, max_iter, seed, solver)
        fit_seconds = time.monotonic() - started
        centers = np.array(model.clusterCenters())
        return SweepPoint(
            k=k,
            cluster_count=len(centers),
            iterations=model.summary.numIter,
            fit_seconds=round(fit_seconds, 3),
            validation_silhouette=cosine_silhouette(
                validation_rows, nearest_centers(validation_rows, centers)
            ),
            train_silhouette=cosine_silhouette(fit_rows, nearest_centers(fit_rows, centers)),
        )

    points = []
    with ThreadPoolExecutor(max_workers=max(1, parallelism)) as pool:
        for future in as_completed([pool.submit(evaluate, k) for k in ks]):
            point = future.result()
            points.append(point)
            if on_point:
                on_point(point)
    return sorted(points, key=lambda point: point.k)


def best_k(points: list[SweepPoint]) -> SweepPoint:
    """The k with the highest validation silhouette (the smaller k on a tie)."""
    scored = [point for point in points if point.validation_silhouette is not None]
    if not scored:
        raise UserError("no k of the sweep had a validation silhouette; widen the grid or the data")
    return max(scored, key=lambda point: (point.validation_silhouette, -point.k))
