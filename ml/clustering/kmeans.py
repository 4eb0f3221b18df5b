"""K-means movie clusters, as in the study: genre flags + average rating, cosine distance, k swept
over a grid and chosen by the silhouette of a validation part of `kmeans_movies_train`.

Writes `kmeans_sweep`, `movie_clusters` and `cluster_profiles`; the final model is saved and
reused while `kmeans_movies_train` and the settings are unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from ml import UserError
from ml.clustering.features import FEATURES, assemble_features, genre_columns, validation_split
from ml.progress import Progress
from ml.warehouse import artifacts
from ml.warehouse.tables import content_hash, frame_from_rows, qualified, read_table, write_table

if TYPE_CHECKING:
    import numpy as np
    from pyspark.ml.clustering import KMeansModel
    from pyspark.sql import DataFrame, SparkSession


STEP = "kmeans"
DISTANCE = "cosine"
# Spark's "block" solver batches the distance computations into matrix products; the "row"
# solver (the study's) pays a step growing with k³ between k = 230 and 1000 (BENCHMARKS.md)
SOLVER = "block"
# what ClusteringEvaluator says of rows that all sit in one cluster
SINGLE_CLUSTER_ERROR = "Number of clusters must be greater than one"


@dataclass(frozen=True)
class KMeansSettings:
    """The study's k-means knobs (dbt vars kmeans_*, validation_fraction, split_seed)."""

    k_min: int
    k_max: int
    k_step: int
    max_iter: int
    validation_fraction: float
    seed: int

    @classmethod
    def from_vars(cls, values: dict[str, Any]) -> KMeansSettings:
        return cls(
            k_min=values["kmeans_k_min"],
            k_max=values["kmeans_k_max"],
            k_step=values["kmeans_k_step"],
            max_iter=values["kmeans_max_iter"],
            validation_fraction=values["validation_fraction"],
            seed=values["split_seed"],
        )

    def grid(self) -> list[int]:
        return k_grid(self.k_min, self.k_max, self.k_step)


def k_grid(k_min: int, k_max: int, k_step: int) -> list[int]:
    """k_min, k_min + k_step, ... up to k_max inclusive; UserError for a grid that is no grid."""
    for name, value in (("kmeans_k_min", k_min), ("kmeans_k_max", k_max), ("kmeans_k_step", k_step)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise UserError(f"var {name} must be a whole number, not {value!r}")
    if k_min < 2:
        raise UserError(f"var kmeans_k_min must be at least 2 (one cluster is no clustering), not {k_min}")
    if k_step < 1:
        raise UserError(f"var kmeans_k_step must be at least 1, not {k_step}")
    if k_max < k_min:
        raise UserError(f"var kmeans_k_max ({k_max}) is below kmeans_k_min ({k_min})")
    return list(range(k_min, k_max + 1, k_step))


def plan_grid(grid: Iterable[int], training_movies: int) -> tuple[list[int], list[int]]:
    """(values of k to fit, values skipped): k must be below the number of movies it is fitted on."""
    grid = list(grid)
    return [k for k in grid if k < training_movies], [k for k in grid if k >= training_movies]


@dataclass
class SweepPoint:
    """One k of the sweep; silhouettes are None where fewer than two clusters were occupied."""

    k: int
    cluster_count: int
    iterations: int
    fit_seconds: float
    validation_silhouette: float | None
    train_silhouette: float | None


def sweep_parts(train: DataFrame, settings: KMeansSettings) -> tuple[DataFrame, DataFrame]:
    """(fit part, validation part) of kmeans_movies_train as feature vectors, cached."""
    fit_part, validation_part = validation_split(
        assemble_features(train), ["movie_id"], settings.validation_fraction, settings.seed
    )
    # the movies table is small: one partition each avoids a scheduling round per partition per iteration
    return fit_part.coalesce(1).cache(), validation_part.coalesce(1).cache()


def fit_kmeans(features: DataFrame, k: int, max_iter: int, seed: int, solver: str = SOLVER) -> KMeansModel:
    from pyspark.ml.clustering import KMeans

    estimator = KMeans(
        k=k, distanceMeasure=DISTANCE, maxIter=max_iter, seed=seed, solver=solver, featuresCol=FEATURES
    )
    return estimator.fit(features)


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


# rows of a distance matrix built at once: a 4,096 x 1,500 block of doubles is 49 MB
SILHOUETTE_BLOCK_ROWS = 4096


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
            np.argmax(unit[start : start + SILHOUETTE_BLOCK_ROWS] @ unit_centers.T, axis=1)
            for start in range(0, len(unit), SILHOUETTE_BLOCK_ROWS)
        ]
    )


def cosine_silhouette(features: np.ndarray, labels: np.ndarray) -> float | None:
    """Mean cosine silhouette of rows clustered by `labels`, by Spark's ClusteringEvaluator formula:
    a row's mean distance to a cluster is 1 - u . (sum of the cluster's unit rows) / size, its own
    cluster's corrected to leave the row out; a row alone in its cluster scores 0. None when fewer
    than two clusters are occupied (Spark raises there). The same figure as the evaluator, without
    its Spark jobs: the sweep computes two per k."""
    import numpy as np

    clusters, index, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    if len(clusters) < 2:
        return None
    unit = _unit_rows(features)
    sums = np.zeros((len(clusters), unit.shape[1]))
    np.add.at(sums, index, unit)
    scores = []
    for start in range(0, len(unit), SILHOUETTE_BLOCK_ROWS):
        rows = slice(start, start + SILHOUETTE_BLOCK_ROWS)
        own_index = index[rows]
        distance = 1.0 - (unit[rows] @ sums.T) / sizes
        positions = np.arange(len(own_index))
        own_size = sizes[own_index]
        with np.errstate(divide="ignore", invalid="ignore"):
            own = distance[positions, own_index] * own_size / (own_size - 1)
            distance[positions, own_index] = np.inf
            neighbour = distance.min(axis=1)
            score = np.where(
                own < neighbour, 1 - own / neighbour, np.where(own > neighbour, neighbour / own - 1, 0.0)
            )
        scores.append(np.where(own_size == 1, 0.0, score))
    return float(np.concatenate(scores).mean())


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
    are computed on the driver (cosine_silhouette), from the rows' nearest centers: the parts are
    small, and two Spark evaluations per k cost about as much as the fit itself."""
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


def best_point(points: list[SweepPoint]) -> SweepPoint:
    """The k with the highest validation silhouette (the smaller k on a tie)."""
    scored = [point for point in points if point.validation_silhouette is not None]
    if not scored:
        raise UserError("no k of the sweep had a validation silhouette; widen the grid or the data")
    return max(scored, key=lambda point: (point.validation_silhouette, -point.k))


def sweep_table(
    spark: SparkSession,
    points: list[SweepPoint],
    skipped: list[int],
    selected_k: int,
    test_silhouette: float | None,
    training_movies: int,
) -> DataFrame:
    """kmeans_sweep: one row per k of the grid, fitted or skipped, the chosen one marked."""
    rows = [
        {**asdict(point), "status": "fitted", "is_selected": point.k == selected_k} for point in points
    ] + [{"k": k, "status": "skipped", "is_selected": False} for k in skipped]
    for row in rows:
        row["test_silhouette"] = test_silhouette if row["is_selected"] else None
        row["training_movies"] = training_movies
    schema = (
        "k int, status string, cluster_count int, iterations int, fit_seconds double, "
        "validation_silhouette double, train_silhouette double, test_silhouette double, "
        "training_movies int, is_selected boolean"
    )
    return frame_from_rows(spark, rows, schema).orderBy("k")


def movie_clusters(model: KMeansModel, train: DataFrame, test: DataFrame) -> DataFrame:
    """Every cleaned movie (both splits) with its cluster under `model`."""
    from pyspark.sql import functions as F

    keep = ["title", "genres", "avg_rating", "split"]
    movies = train.withColumn("split", F.lit("train")).unionByName(test.withColumn("split", F.lit("test")))
    return (
        model.transform(assemble_features(movies, keep=keep))
        .select("movie_id", *keep, F.col("prediction").cast("int").alias("cluster"))
        .orderBy("movie_id")
    )


def cluster_profiles(clusters: DataFrame, movies: DataFrame, genre_names: dict[str, str]) -> DataFrame:
    """cluster_profiles: per cluster its size (all, train, test), the share of its movies in each
    genre, the three most common genres as text, and the spread of the average ratings."""
    from pyspark.sql import functions as F

    genres = genre_columns(movies)
    joined = clusters.select("movie_id", "cluster", "split").join(
        movies.select("movie_id", "avg_rating", *genres), "movie_id"
    )
    profiles = joined.groupBy("cluster").agg(
        F.count(F.lit(1)).alias("movie_count"),
        F.count(F.when(F.col("split") == "train", 1)).alias("train_movies"),
        F.count(F.when(F.col("split") == "test", 1)).alias("test_movies"),
        *(F.avg(name).alias(f"share_{name}") for name in genres),
        F.avg("avg_rating").alias("avg_rating_mean"),
        F.stddev_samp("avg_rating").alias("avg_rating_std"),
        F.min("avg_rating").alias("avg_rating_min"),
        F.max("avg_rating").alias("avg_rating_max"),
    )
    ranked = F.sort_array(
        F.array(
            *(
                F.struct(
                    F.col(f"share_{name}").alias("share"), F.lit(genre_names.get(name, name)).alias("genre")
                )
                for name in genres
            )
        ),
        asc=False,
    )
    top = F.filter(F.slice(ranked, 1, 3), lambda item: item["share"] > 0)
    label = F.transform(top, lambda item: F.format_string("%s %.0f%%", item["genre"], item["share"] * 100))
    return profiles.withColumn("top_genres", F.array_join(label, ", ")).orderBy("cluster")


def fingerprint(train: DataFrame, settings: KMeansSettings, solver: str) -> dict[str, Any]:
    return {
        "kmeans_movies_train": content_hash(train.select("movie_id", *genre_columns(train), "avg_rating")),
        "settings": asdict(settings),
        "solver": solver,
    }


def run(
    spark: SparkSession, values: dict[str, Any], refit: bool = False, parallelism: int | None = None
) -> dict[str, Any]:
    """The k-means step end to end; returns the headline figures it printed."""
    from pyspark.ml.clustering import KMeansModel

    # fits of small data are mostly scheduling and driver work: one per core keeps them all busy
    parallelism = parallelism or spark.sparkContext.defaultParallelism
    settings = KMeansSettings.from_vars(values)
    grid = settings.grid()
    train = read_table(spark, "kmeans_movies_train")
    test = read_table(spark, "kmeans_movies_test")
    movies = read_table(spark, "movies")
    genre_names = {
        row["column_name"]: row["genre"] for row in read_table(spark, "movielens_genres").collect()
    }

    fit_part, validation_part = sweep_parts(train, settings)
    training_movies, validation_movies = fit_part.count(), validation_part.count()
    ks, skipped = plan_grid(grid, training_movies)
    if not ks:
        raise UserError(
            f"every k of the grid ({grid[0]}..{grid[-1]}) is at least the {training_movies:,} movies "
            "the sweep fits on; lower kmeans_k_min"
        )
    if skipped:
        print(
            f"k-means: skipping k = {skipped[0]}..{skipped[-1]} ({len(skipped)} values): "
            f"not below the {training_movies:,} movies the sweep fits on"
        )

    current = fingerprint(train, settings, SOLVER)
    reused = artifacts.reuse(STEP, current, KMeansModel, "k-means", refit)
    if reused:
        model, meta = reused
        points = [SweepPoint(**point) for point in meta["sweep"]]
    else:
        print(
            f"k-means: sweeping {len(ks)} values of k ({ks[0]}..{ks[-1]}) on {training_movies:,} movies, "
            f"scored on {validation_movies:,} validation movies; {parallelism} fits at a time"
        )
        progress = Progress("k-means", len(ks))
        started = time.monotonic()
        points = sweep(
            fit_part,
            validation_part,
            ks,
            settings.max_iter,
            settings.seed,
            SOLVER,
            parallelism,
            on_point=lambda point: progress.step(
                f"k={point.k}: validation silhouette {_format(point.validation_silhouette)}, "
                f"{point.iterations} iterations, {point.fit_seconds:.1f} s"
            ),
        )
        sweep_seconds = time.monotonic() - started
        best = best_point(points)
        # the final model: the chosen k on all of kmeans_movies_train
        model = fit_kmeans(assemble_features(train).coalesce(1), best.k, settings.max_iter, settings.seed)
        folder = artifacts.save(
            STEP,
            model,
            current,
            {"sweep": [asdict(point) for point in points], "sweep_seconds": sweep_seconds},
        )
        print(f"k-means: sweep took {sweep_seconds:.1f} s; model saved in {folder}")

    best = best_point(points)
    test_silhouette = silhouette(model.transform(assemble_features(test)))
    clusters = movie_clusters(model, train, test).cache()
    counts = {
        "kmeans_sweep": write_table(
            sweep_table(spark, points, skipped, best.k, test_silhouette, training_movies), "kmeans_sweep"
        ),
        "movie_clusters": write_table(clusters, "movie_clusters"),
        "cluster_profiles": write_table(cluster_profiles(clusters, movies, genre_names), "cluster_profiles"),
    }
    fit_part.unpersist()
    validation_part.unpersist()
    clusters.unpersist()
    for name, count in counts.items():
        print(f"k-means: wrote {qualified(name)} ({count:,} rows)")
    headline = {
        "k": best.k,
        "validation_silhouette": best.validation_silhouette,
        "test_silhouette": test_silhouette,
        "clusters": len(model.clusterCenters()),
    }
    print(
        f"k-means: best k = {best.k} (validation silhouette {_format(best.validation_silhouette)}, "
        f"test silhouette {_format(test_silhouette)})"
    )
    return headline


def _format(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"
