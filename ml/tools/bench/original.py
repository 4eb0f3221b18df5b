"""`python -m ml bench-original`: the results of our last run, read from its tables and saved
models, and the original study's recipe timed on the same marts: JVM BLAS, the KMeans row solver
with maxIter 1000, one fit at a time, ALS with Spark's default 10 blocks. Where its full run would
take hours, a slice is timed and the rest extrapolated, and the results say so."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from ml.settings import AlsSettings

ORIGINAL_SOLVER = "row"
ORIGINAL_MAX_ITER = 1000
ORIGINAL_ALS_BLOCKS = 10  # Spark's default numUserBlocks / numItemBlocks
# at most this many values of k (evenly spread over the grid) for the original recipe's sweep
ORIGINAL_KMEANS_SLICE = 15


def time_original(spark: SparkSession, values: dict[str, Any], results_only: bool = False) -> dict[str, Any]:
    """The results of our run and the original recipe's timings on the same marts (None if
    `results_only`)."""
    ours = our_results(spark)
    if results_only:
        return {"ours": ours, "original": None}
    kmeans = time_original_kmeans(spark, values)
    als = time_original_als(spark, values, ours["als_selected"])
    return {"ours": ours, "original": {"kmeans": kmeans, "als": als}}


def our_results(spark: SparkSession) -> dict[str, Any]:
    """What our last kmeans and als runs found and how long their searches took."""
    from ml import UserError
    from ml.warehouse import artifacts
    from ml.warehouse.catalog import ML_HINT
    from ml.warehouse.tables import read_table

    kmeans_meta, als_meta = artifacts.saved_meta("kmeans"), artifacts.saved_meta("als")
    if kmeans_meta is None or als_meta is None:
        raise UserError(f"no saved k-means and ALS models in {artifacts.artifacts_dir()}; {ML_HINT}")
    metrics = {row["model"]: row.asDict() for row in read_table(spark, "model_metrics").collect()}
    accounting = [row.asDict() for row in read_table(spark, "row_accounting").orderBy("step").collect()]
    fitted = [point for point in kmeans_meta["sweep"] if point.get("validation_silhouette") is not None]
    best_k = max(fitted, key=lambda point: point["validation_silhouette"])
    als_points = als_meta["tuning"]
    return {
        "kmeans_sweep_seconds": round(kmeans_meta["sweep_seconds"], 1),
        "kmeans_best_k": best_k["k"],
        "kmeans_best_silhouette": best_k["validation_silhouette"],
        "als_tuning_seconds": round(als_meta["tuning_seconds"], 1),
        "als_search": als_meta["fingerprint"]["settings"]["search"]["kind"],
        "als_fits": len(als_points),
        "als_search_fit_ratings": max(point["fit_ratings"] for point in als_points),
        "family_seconds": family_seconds(),
        "als_selected": best_point_dict(als_points),
        "als_test_rmse": metrics["als"]["rmse"],
        "model_metrics": metrics,
        "row_accounting": accounting,
        "kmeans_movies_train": read_table(spark, "kmeans_movies_train").count(),
        "als_ratings_train": read_table(spark, "als_ratings_train").count(),
    }


def family_seconds() -> dict[str, float]:
    """Each model family's search + final fit, from its saved meta: the study's ALS, bias-aware
    ALS and the ranking models (implicit ALS and the reranking, searched together)."""
    from ml.warehouse import artifacts

    seconds = {}
    for family, step in (("als", "als"), ("bias_als", "bias_als"), ("ranking", "implicit_als")):
        meta = artifacts.saved_meta(step) or {}
        seconds[family] = round(meta.get("tuning_seconds", 0.0) + meta.get("refit_seconds", 0.0), 1)
    return seconds


def best_point_dict(points: list[dict[str, Any]]) -> dict[str, Any]:
    from ml.recommenders.rating_models import TuningPoint, best_rating_config

    best = best_rating_config([TuningPoint(**point) for point in points])
    return {"rank": best.rank, "reg_param": best.reg_param, "validation_rmse": best.validation_rmse}


def time_original_kmeans(spark: SparkSession, values: dict[str, Any]) -> dict[str, Any]:
    """k-means as TrainValidationSplit ran it (parallelism 1): per k, a fit with the row solver and
    maxIter 1000, then Spark's evaluator on the validation part; on an even slice of the grid."""
    from ml.clustering.silhouette import silhouette
    from ml.clustering.sweep import fit_kmeans, plan_grid, sweep_parts
    from ml.settings import KMeansSettings
    from ml.warehouse.tables import read_table

    kmeans_settings = KMeansSettings.from_vars(values)
    fit_part, validation_part = sweep_parts(read_table(spark, "kmeans_movies_train"))
    ks, _ = plan_grid(kmeans_settings.grid(), fit_part.count())
    stride = max(1, -(-len(ks) // ORIGINAL_KMEANS_SLICE))
    sliced = ks[::stride]
    print(f"original recipe: k-means, row solver, maxIter {ORIGINAL_MAX_ITER}, {len(sliced)} of {len(ks)} k")
    started = time.monotonic()
    iterations = []
    for k in sliced:
        model = fit_kmeans(fit_part, k, ORIGINAL_MAX_ITER, kmeans_settings.seed, ORIGINAL_SOLVER)
        silhouette(model.transform(validation_part))
        iterations.append(model.summary.numIter)
    slice_seconds = time.monotonic() - started
    fit_part.unpersist()
    validation_part.unpersist()
    return {
        "k_fitted": len(sliced),
        "k_in_grid": len(ks),
        "slice_seconds": round(slice_seconds, 1),
        "estimated_seconds": round(slice_seconds * len(ks) / len(sliced), 1),
        "extrapolated": len(sliced) < len(ks),
        "max_iterations_used": max(iterations),
    }


def time_original_als(
    spark: SparkSession, values: dict[str, Any], selected: dict[str, Any]
) -> dict[str, Any]:
    """ALS with default blocks and JVM BLAS, every config for maxIter: one config per rank is timed
    (regParam does not change the work) and the grid extrapolated from them; the config we
    `selected` is refitted the original way on all of train for its test RMSE."""
    from ml.recommenders.evaluation import rating_errors
    from ml.recommenders.factors import estimator
    from ml.recommenders.step import training_ratings
    from ml.settings import AlsSettings
    from ml.warehouse.tables import read_table

    settings = AlsSettings.from_vars(values)
    train, parts = training_ratings(read_table(spark, "als_ratings_train"), ORIGINAL_ALS_BLOCKS)
    reg_param = settings.reg_params[len(settings.reg_params) // 2]
    per_rank = _time_per_rank(parts, settings, reg_param)
    started = time.monotonic()
    model = estimator(
        selected["rank"], selected["reg_param"], settings.max_iter, settings.seed, ORIGINAL_ALS_BLOCKS
    ).fit(train)
    refit_seconds = time.monotonic() - started
    test = read_table(spark, "als_ratings_test").select("user_id", "movie_id", "rating")
    grid_seconds = sum(item["seconds"] for item in per_rank.values()) * len(settings.reg_params)
    return {
        "blocks": ORIGINAL_ALS_BLOCKS,
        "blas": "JVM (netlib VectorBLAS / F2jLAPACK)",
        "per_rank": per_rank,
        "reg_param_timed": reg_param,
        "grid_seconds_estimated": round(grid_seconds, 1),
        "refit_seconds": round(refit_seconds, 1),
        "estimated_seconds": round(grid_seconds + refit_seconds, 1),
        "extrapolated": len(settings.reg_params) > 1,
        "test_rmse": rating_errors(model.transform(test))["rmse"],
        "config": {"rank": selected["rank"], "reg_param": selected["reg_param"]},
    }


def _time_per_rank(
    parts: tuple[DataFrame, DataFrame], settings: AlsSettings, reg_param: float
) -> dict[int, dict[str, float]]:
    """One fit per rank of the grid (at `reg_param`) on the fit part of train (`parts`: fit,
    validation): its seconds and validation RMSE."""
    from ml.recommenders.evaluation import rating_errors
    from ml.recommenders.factors import estimator

    fit_ratings, validation_ratings = parts
    fit_ratings.count()
    per_rank = {}
    for rank in settings.ranks:
        started = time.monotonic()
        model = estimator(rank, reg_param, settings.max_iter, settings.seed, ORIGINAL_ALS_BLOCKS).fit(
            fit_ratings
        )
        rmse = rating_errors(model.transform(validation_ratings))["rmse"]
        per_rank[rank] = {"seconds": round(time.monotonic() - started, 1), "validation_rmse": rmse}
        print(f"original recipe: ALS rank {rank}, regParam {reg_param}: {per_rank[rank]['seconds']} s")
    return per_rank
