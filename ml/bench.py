"""`python -m ml bench`: wall time of the model searches on the built marts, ours against the
original study's recipe, in one SparkSession; results into BENCHMARKS.md and a JSON file.

- k-means: the full sweep (dbt vars kmeans_*) as `python -m ml kmeans` runs it (block solver,
  fits side by side), then the same sweep the original way: row solver, maxIter 1000, one fit at
  a time. Same fit/validation parts, same seed.
- ALS: the rank x regParam grid as `python -m ml als` tunes it.
Nothing is written back to the tables and no saved model is touched.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ml import PROJECT_DIR
from ml.als import AlsSettings, read_train, tune, tuning_parts
from ml.io import read_table
from ml.kmeans import SOLVER, KMeansSettings, best_point, plan_grid, sweep, sweep_parts
from ml.progress import Progress, clock

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ORIGINAL_SOLVER = "row"
ORIGINAL_MAX_ITER = 1000
BENCHMARKS_FILE = PROJECT_DIR / "BENCHMARKS.md"
RESULTS_DIR = PROJECT_DIR / "benchmarks"


def machine(spark: SparkSession) -> dict[str, Any]:
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "java": java,
        "spark": spark.version,
        "python": platform.python_version(),
        "master": spark.sparkContext.master,
    }


def time_kmeans_sweep(
    spark: SparkSession, settings: KMeansSettings, solver: str, max_iter: int, parallelism: int, label: str
) -> dict[str, Any]:
    fit_part, validation_part = sweep_parts(read_table(spark, "kmeans_movies_train"), settings)
    ks, skipped = plan_grid(settings.grid(), fit_part.count())
    validation_part.count()
    progress = Progress(label, len(ks))
    started = time.monotonic()
    points = sweep(
        fit_part, validation_part, ks, max_iter, settings.seed, solver, parallelism,
        on_point=lambda point: progress.step(f"k={point.k} {point.fit_seconds:.1f} s"),
    )  # fmt: skip
    seconds = time.monotonic() - started
    fit_part.unpersist()
    validation_part.unpersist()
    best = best_point(points)
    return {
        "solver": solver,
        "max_iter": max_iter,
        "parallelism": parallelism,
        "fitted_k": len(ks),
        "skipped_k": len(skipped),
        "seconds": round(seconds, 1),
        "best_k": best.k,
        "best_validation_silhouette": best.validation_silhouette,
        "max_iterations_used": max(point.iterations for point in points),
        "slowest_fits": sorted(
            ({"k": point.k, "fit_seconds": point.fit_seconds} for point in points),
            key=lambda item: -item["fit_seconds"],
        )[:5],
    }


def time_als_grid(spark: SparkSession, settings: AlsSettings) -> dict[str, Any]:
    blocks = spark.sparkContext.defaultParallelism
    fit_part, validation_part = tuning_parts(read_train(spark, blocks), settings)
    ratings = fit_part.count()
    validation_part.count()
    started = time.monotonic()
    points = tune(fit_part, validation_part, settings, blocks, Progress("ALS", len(settings.grid())))
    seconds = time.monotonic() - started
    best = min(points, key=lambda point: point.validation_rmse)
    return {
        "ranks": list(settings.ranks),
        "reg_params": list(settings.reg_params),
        "configs": len(points),
        "fit_ratings": ratings,
        "blocks": blocks,
        "max_iter": settings.max_iter,
        "seconds": round(seconds, 1),
        "best": {"rank": best.rank, "reg_param": best.reg_param, "validation_rmse": best.validation_rmse},
    }


def run(
    spark: SparkSession, values: dict[str, Any], dataset: str, parallelism: int | None = None
) -> dict[str, Any]:
    parallelism = parallelism or spark.sparkContext.defaultParallelism
    kmeans_settings = KMeansSettings.from_vars(values)
    # the first fits of a session run on a cold JVM (class loading, JIT): warm both solvers up
    # untimed, so that the run timed first is not the one that pays for it
    print("bench: warming up (the first 5 values of k with each solver, untimed)")
    warm_up = replace(kmeans_settings, k_max=kmeans_settings.k_min + 4 * kmeans_settings.k_step)
    for solver in (SOLVER, ORIGINAL_SOLVER):
        time_kmeans_sweep(spark, warm_up, solver, kmeans_settings.max_iter, parallelism, f"warm-up {solver}")
    print(f"bench: k-means sweep, this project's way ({SOLVER} solver, {parallelism} fits at a time)")
    ours = time_kmeans_sweep(spark, kmeans_settings, SOLVER, kmeans_settings.max_iter, parallelism, "ours")
    print(f"bench: k-means sweep, {SOLVER} solver, one fit at a time (what the parallel fits add)")
    sequential = time_kmeans_sweep(spark, kmeans_settings, SOLVER, kmeans_settings.max_iter, 1, "sequential")
    print(
        f"bench: k-means sweep, the original way (row solver, maxIter {ORIGINAL_MAX_ITER}, one fit at a time)"
    )
    original = time_kmeans_sweep(spark, kmeans_settings, ORIGINAL_SOLVER, ORIGINAL_MAX_ITER, 1, "original")
    print("bench: ALS grid")
    als = time_als_grid(spark, AlsSettings.from_vars(values))
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "dataset": dataset,
        "machine": machine(spark),
        "kmeans_movies_train": read_table(spark, "kmeans_movies_train").count(),
        "als_ratings_train": read_table(spark, "als_ratings_train").count(),
        "kmeans": {
            "grid": {
                "k_min": kmeans_settings.k_min,
                "k_max": kmeans_settings.k_max,
                "k_step": kmeans_settings.k_step,
            },
            "ours": ours,
            "sequential": sequential,
            "original": original,
            "speedup": round(original["seconds"] / ours["seconds"], 2),
        },
        "als": als,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    results_file = RESULTS_DIR / f"{dataset}.json"
    results_file.write_text(json.dumps(results, indent=2) + "\n")
    BENCHMARKS_FILE.write_text(markdown(results, results_file.relative_to(PROJECT_DIR)))
    print(
        f"bench: k-means sweep {clock(ours['seconds'])} (original way {clock(original['seconds'])}, "
        f"{results['kmeans']['speedup']}x); ALS grid {clock(als['seconds'])}; wrote {BENCHMARKS_FILE.name} "
        f"and {results_file.relative_to(PROJECT_DIR)}"
    )
    return results


def markdown(results: dict[str, Any], results_file: Path) -> str:
    kmeans, als, host = results["kmeans"], results["als"], results["machine"]
    ours, sequential, original = kmeans["ours"], kmeans["sequential"], kmeans["original"]
    grid = kmeans["grid"]

    def sweep_row(name: str, run: dict[str, Any]) -> str:
        cells = [
            name,
            run["solver"],
            run["max_iter"],
            run["parallelism"],
            run["fitted_k"],
            f"{run['seconds']:.1f} s ({clock(run['seconds'])})",
            run["best_k"],
            f"{run['best_validation_silhouette']:.4f}",
            run["max_iterations_used"],
        ]
        return "| " + " | ".join(str(cell) for cell in cells) + " |"

    slowest = ", ".join(f"k={fit['k']} {fit['fit_seconds']:.1f} s" for fit in original["slowest_fits"])
    choices = {(run["best_k"], run["best_validation_silhouette"]) for run in (ours, sequential, original)}
    choice = (
        f"All three choose k = {ours['best_k']} with the same silhouette."
        if len(choices) == 1
        else "The runs do not all choose the same k (see the table)."
    )
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`python -m ml bench`) on {results['date']}; raw figures in",
        f"`{results_file}`. Dataset `{results['dataset']}`: {results['kmeans_movies_train']:,} movies in",
        f"`kmeans_movies_train`, {results['als_ratings_train']:,} ratings in `als_ratings_train`.",
        f"Machine: {host['cores']} cores, {host['memory_gb']} GB RAM, {host['java']}, Spark {host['spark']}",
        f"(`{host['master']}`), Python {host['python']}.",
        "",
        f"## K-means sweep (k = {grid['k_min']}, {grid['k_min'] + grid['k_step']}, ... {grid['k_max']}; "
        "silhouette on the validation part)",
        "",
        "All runs in the same SparkSession, after an untimed warm-up of both solvers, on the same",
        "fit/validation parts and seed; values of k not below the number of fit movies are skipped",
        f"({ours['skipped_k']} here).",
        "",
        "| run | solver | maxIter | fits at once | k fitted | wall time | best k | its silhouette "
        "| most iterations |",
        "|---|---|---|---|---|---|---|---|---|",
        sweep_row("this project", ours),
        sweep_row("same, one fit at a time", sequential),
        sweep_row("original recipe", original),
        "",
        f"**Speed-up over the original recipe: {kmeans['speedup']}x.** {choice}",
        f"Slowest fits of the original recipe: {slowest}.",
        "",
        f"## ALS grid (rank {als['ranks']} x regParam {als['reg_params']})",
        "",
        f"{als['configs']} configs fitted on {als['fit_ratings']:,} ratings ({als['blocks']} user and item",
        f"blocks, maxIter {als['max_iter']}), RMSE on the validation part: **{als['seconds']:.1f} s",
        f"({clock(als['seconds'])})**. Best: rank {als['best']['rank']}, regParam "
        f"{als['best']['reg_param']}, validation RMSE {als['best']['validation_rmse']:.4f}.",
    ]
    return "\n".join(lines) + "\n"
