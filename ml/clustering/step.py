"""`python -m ml kmeans`: the k-means step. It reads its tables (warehouse.catalog.KMEANS), sweeps
k or reuses the saved model fitted on the same inputs, and writes kmeans_sweep, movie_clusters and
cluster_profiles; the final model is saved beside the warehouse (warehouse.artifacts)."""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from ml import UserError
from ml.clustering.features import assemble_features, genre_columns
from ml.clustering.silhouette import silhouette
from ml.clustering.sweep import SOLVER, SweepPoint, best_k, fit_kmeans, plan_grid, sweep, sweep_parts
from ml.clustering.tables import cluster_profiles, movie_clusters, sweep_table
from ml.holdout import VALIDATION_COLUMN
from ml.progress import Progress
from ml.settings import KMeansSettings
from ml.warehouse import artifacts, catalog
from ml.warehouse.tables import content_hash

if TYPE_CHECKING:
    from pyspark.ml.clustering import KMeansModel
    from pyspark.sql import DataFrame, SparkSession

STEP = "kmeans"


def run(
    spark: SparkSession, values: dict[str, Any], refit: bool = False, parallelism: int | None = None
) -> dict[str, Any]:
    """The k-means step end to end; returns the headline figures it printed."""
    settings = KMeansSettings.from_vars(values)
    tables = catalog.read_inputs(spark, catalog.KMEANS)
    train = tables["kmeans_movies_train"]
    fit_part, validation_part = sweep_parts(train)
    training_movies = fit_part.count()
    ks, skipped = _plan(settings, training_movies)
    model, points = _fit_or_reuse(train, (fit_part, validation_part), settings, ks, refit, parallelism)
    best = best_k(points)
    test_silhouette = silhouette(model.transform(assemble_features(tables["kmeans_movies_test"])))
    clusters = movie_clusters(model, train.drop(VALIDATION_COLUMN), tables["kmeans_movies_test"]).cache()
    genre_names = {row["column_name"]: row["genre"] for row in tables["movielens_genres"].collect()}
    catalog.write_outputs(
        catalog.KMEANS,
        {
            "kmeans_sweep": sweep_table(spark, points, skipped, best.k, test_silhouette, training_movies),
            "movie_clusters": clusters,
            "cluster_profiles": cluster_profiles(clusters, tables["movies"], genre_names),
        },
        label="k-means",
    )
    for frame in (fit_part, validation_part, clusters):
        frame.unpersist()
    print(
        f"k-means: best k = {best.k} (validation silhouette {_format(best.validation_silhouette)}, "
        f"test silhouette {_format(test_silhouette)})"
    )
    return {
        "k": best.k,
        "validation_silhouette": best.validation_silhouette,
        "test_silhouette": test_silhouette,
        "clusters": len(model.clusterCenters()),
    }


def _plan(settings: KMeansSettings, training_movies: int) -> tuple[list[int], list[int]]:
    """The values of k to fit and those skipped (not below the movies they would be fitted on)."""
    grid = settings.grid()
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
    return ks, skipped


def fingerprint(train: DataFrame, settings: KMeansSettings, solver: str) -> dict[str, Any]:
    """What the model is fitted on: the features and hold-out of kmeans_movies_train, the settings."""
    columns = ["movie_id", *genre_columns(train), "avg_rating", VALIDATION_COLUMN]
    return {
        "kmeans_movies_train": content_hash(train.select(*columns)),
        "settings": asdict(settings),
        "solver": solver,
    }


def _fit_or_reuse(
    train: DataFrame,
    parts: tuple[DataFrame, DataFrame],
    settings: KMeansSettings,
    ks: list[int],
    refit: bool,
    parallelism: int | None,
) -> tuple[KMeansModel, list[SweepPoint]]:
    """The final model and the sweep that chose it: saved ones if fitted on the same inputs."""
    from pyspark.ml.clustering import KMeansModel

    current = fingerprint(train, settings, SOLVER)
    reused = artifacts.reuse(STEP, current, KMeansModel, "k-means", refit)
    if reused:
        model, meta = reused
        return model, [SweepPoint(**point) for point in meta["sweep"]]
    # fits of small data are mostly scheduling and driver work: one per core keeps them all busy
    parallelism = parallelism or train.sparkSession.sparkContext.defaultParallelism
    started = time.monotonic()
    points = _sweep(*parts, settings, ks, parallelism)
    sweep_seconds = time.monotonic() - started
    # the final model: the chosen k on all of kmeans_movies_train
    features = assemble_features(train).coalesce(1)
    model = fit_kmeans(features, best_k(points).k, settings.max_iter, settings.seed)
    results = {"sweep": [asdict(point) for point in points], "sweep_seconds": sweep_seconds}
    folder = artifacts.save(STEP, model, current, results)
    print(f"k-means: sweep took {sweep_seconds:.1f} s; model saved in {folder}")
    return model, points


def _sweep(
    fit_part: DataFrame, validation_part: DataFrame, settings: KMeansSettings, ks: list[int], parallelism: int
) -> list[SweepPoint]:
    print(
        f"k-means: sweeping {len(ks)} values of k ({ks[0]}..{ks[-1]}) on {fit_part.count():,} movies, "
        f"scored on {validation_part.count():,} validation movies; {parallelism} fits at a time"
    )
    progress = Progress("k-means", len(ks))
    return sweep(
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


def _format(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"
