"""`python -m ml bench`: the whole pipeline timed stage by stage, against the original recipe.

The stages run as the user runs them, each in its own process (`python -m ml synth`, `dbt
build`, `python -m ml kmeans --refit`, `python -m ml als --refit`, `dbt test --selector
ml_results`, `python -m ml report`), in a warehouse of their own under
`.spark/bench/`. Each stage's wall time and the peak resident memory (VmHWM) of every process
it started are recorded. A last stage, `python -m ml bench-original`, times the original
study's recipe on the same marts (JVM BLAS, KMeans row solver with maxIter 1000, one fit at a
time, ALS with Spark's default 10 blocks); where its full run would take hours it times a slice
and extrapolates, and says so.

Results: `<out>/<dataset>.json`, and BENCHMARKS.md built from every JSON file in `<out>`.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ml import PROJECT_DIR, UserError
from ml.progress import clock
from ml.warehouse.project import project_vars

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ORIGINAL_SOLVER = "row"
ORIGINAL_MAX_ITER = 1000
ORIGINAL_ALS_BLOCKS = 10  # Spark's default numUserBlocks / numItemBlocks
RESULTS_DIR = PROJECT_DIR / "benchmarks"
BENCHMARKS_FILE = PROJECT_DIR / "BENCHMARKS.md"
LEVERS_FILE = "levers.md"  # measurements of single levers, kept by hand beside the JSON files
# at most this many values of k (evenly spread over the grid) for the original recipe's sweep
ORIGINAL_KMEANS_SLICE = 15
# issue 4's targets at scale 1.0: (what, seconds or bytes, how it is measured)
TARGETS = {
    "dbt_seconds": 4 * 60,
    "peak_rss_bytes": 12 * 1000**3,  # the 12 GB, decimal (11.2 GiB)
    "kmeans_sweep_seconds": 3 * 60,
    "kmeans_speedup": 20,
    "als_seconds": 10 * 60,
    "als_speedup": 6,
    "end_to_end_seconds": 20 * 60,
}


# ---- measuring a process tree ----------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """Direct children of `pid` (every thread's list)."""
    children: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            children += [int(child) for child in (task / "children").read_text().split()]
    except OSError:
        pass
    return children


def _peak_rss(pid: int) -> tuple[str, int] | None:
    """(command name, VmHWM in bytes) of a live process."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    if "VmHWM" not in fields:
        return None
    return fields["Name"].strip(), int(fields["VmHWM"].split()[0]) * 1024


class TreeMemory:
    """Samples the peak RSS of every process under a pid until stopped."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.pid, self.interval = pid, interval
        self.peaks: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            pending = [self.pid]
            while pending:
                pid = pending.pop()
                sample = _peak_rss(pid)
                if sample:
                    name, peak = sample
                    self.peaks[pid] = (name, max(peak, self.peaks.get(pid, (name, 0))[1]))
                pending += _children(pid)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def largest(self) -> dict[str, Any]:
        if not self.peaks:
            return {"process": None, "peak_rss_bytes": 0}
        name, peak = max(self.peaks.values(), key=lambda item: item[1])
        return {"process": name, "peak_rss_bytes": peak}


def run_stage(name: str, command: list[str], env: dict[str, str], log_dir: Path) -> dict[str, Any]:
    """Run `command`, echoing its output (and keeping it in <log_dir>/<name>.log); its wall time
    and the largest peak RSS among its processes. A failed stage stops the benchmark."""
    print(f"bench: stage {name}: {' '.join(command)}", flush=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / f"{name}.log"
    started = time.monotonic()
    with (
        log_file.open("w") as log,
        subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as process,
        TreeMemory(process.pid) as memory,
    ):
        assert process.stdout is not None
        for line in process.stdout:
            log.write(line)
            print(f"  | {line}", end="", flush=True)
        code = process.wait()
    seconds = time.monotonic() - started
    if code != 0:
        raise UserError(f"bench: stage {name} failed (exit {code}); its output is in {log_file}")
    result = {"stage": name, "seconds": round(seconds, 1), **memory.largest()}
    print(
        f"bench: stage {name} took {clock(seconds)}, peak RSS "
        f"{result['peak_rss_bytes'] / 1024**3:.2f} GiB ({result['process']})",
        flush=True,
    )
    return result


# ---- the benchmark run -----------------------------------------------------------------------


def machine() -> dict[str, Any]:
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    import pyspark

    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "java": java,
        "spark": pyspark.__version__,
        "python": platform.python_version(),
        "native_blas": native_blas(),
    }


def native_blas() -> str | None:
    """The native BLAS library Spark's netlib would load (libblas.so.3), if any."""
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    try:
        listing = subprocess.run([ldconfig, "-p"], capture_output=True, text=True).stdout
    except OSError:
        return None
    for line in listing.splitlines():
        if "libblas.so.3 " in line and "=>" in line:
            return os.path.realpath(line.split("=>")[1].strip())
    return None


def vars_slug(vars_yaml: str) -> str:
    """A file-name-safe label of a --vars text: "{rating_cap: null}" -> "rating_cap-null"."""
    return re.sub(r"[^a-z0-9_.]+", "-", vars_yaml.lower()).strip("-")


def run(
    data_dir: Path,
    dataset: str,
    vars_yaml: str,
    out_dir: Path,
    synth: tuple[float, int] | None = None,
    original: bool = True,
) -> dict[str, Any]:
    """Every stage on `data_dir` (generated first if `synth` = (scale, seed)); writes the JSON
    and BENCHMARKS.md into `out_dir`. `original` False leaves out the original recipe (its
    timings) but still collects our results."""
    spark_dir = PROJECT_DIR / ".spark" / "bench" / dataset
    env = {
        **os.environ,
        "MOVIELENS_DIR": str(data_dir),
        "MOVIELENS_SPARK_DIR": str(spark_dir),
        "DBT_PROFILES_DIR": str(PROJECT_DIR / "profiles"),
        "SPARK_LOCAL_IP": "127.0.0.1",
    }
    python = [sys.executable, "-m", "ml"]
    dbt = str(Path(sys.executable).parent / "dbt")
    vars_args = ["--vars", vars_yaml] if vars_yaml else []
    log_dir = spark_dir / "logs"
    stages = []
    started = time.monotonic()
    if synth:
        scale, seed = synth
        command = [*python, "synth", "--scale", str(scale), "--seed", str(seed), "--out", str(data_dir)]
        stages.append(run_stage("synth", command, env, log_dir))
    pipeline_started = time.monotonic()
    stages.append(run_stage("dbt_build", [dbt, "build", *vars_args], env, log_dir))
    stages.append(run_stage("kmeans", [*python, "kmeans", "--refit", *vars_args], env, log_dir))
    stages.append(run_stage("als", [*python, "als", "--refit", *vars_args], env, log_dir))
    stages.append(
        run_stage("dbt_test_ml", [dbt, "test", "--selector", "ml_results", *vars_args], env, log_dir)
    )
    # the page goes beside the bench's warehouse, never over the user's reports/
    report = [*python, "report", "--out", str(spark_dir / "report"), *vars_args]
    stages.append(run_stage("report", report, env, log_dir))
    pipeline_seconds = time.monotonic() - pipeline_started
    original_file = spark_dir / "original.json"
    stages.append(
        run_stage(
            "original_recipe",
            [
                *python,
                "bench-original",
                "--json",
                str(original_file),
                *([] if original else ["--results-only"]),
                *vars_args,
            ],
            env,
            log_dir,
        )
    )
    measured = json.loads(original_file.read_text())
    shape_file = data_dir / "synth.json"
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "dataset": dataset,
        "data_dir": str(data_dir),
        "vars": vars_yaml or "defaults",
        "machine": machine(),
        "synthetic_shape": json.loads(shape_file.read_text()) if shape_file.is_file() else None,
        "stages": stages,
        "pipeline_seconds": round(pipeline_seconds, 1),
        "total_seconds": round(time.monotonic() - started, 1),
        **measured,
    }
    results["comparison"] = compare(results)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{dataset}.json").write_text(json.dumps(results, indent=2) + "\n")
    benchmarks_file = out_dir / BENCHMARKS_FILE.name if out_dir != RESULTS_DIR else BENCHMARKS_FILE
    benchmarks_file.write_text(markdown(out_dir))
    print(f"bench: wrote {out_dir / f'{dataset}.json'} and {benchmarks_file}")
    return results


def compare(results: dict[str, Any]) -> dict[str, Any]:
    """The figures issue 4's targets are stated in: our stages against the original recipe's."""
    stage = {item["stage"]: item for item in results["stages"]}
    ours_sweep = results["ours"]["kmeans_sweep_seconds"]
    ours_als = stage["als"]["seconds"]
    original = results["original"]
    measured = {
        "peak_rss_bytes": max(item["peak_rss_bytes"] for item in results["stages"]),
        "dbt_seconds": stage["dbt_build"]["seconds"] + stage["dbt_test_ml"]["seconds"],
    }
    if original is None:
        return measured
    return {
        **measured,
        "kmeans_speedup": round(original["kmeans"]["estimated_seconds"] / ours_sweep, 1),
        "als_speedup": round(original["als"]["estimated_seconds"] / ours_als, 1),
        "als_test_rmse": {
            "ours": results["ours"]["als_test_rmse"],
            "original": original["als"]["test_rmse"],
        },
    }


# ---- the original recipe, in its own process (`python -m ml bench-original`) ------------------


def time_original(spark: SparkSession, values: dict[str, Any], results_only: bool = False) -> dict[str, Any]:
    """The results of our run (read from its tables and saved models) and the original recipe's
    timings on the same marts (None if `results_only`)."""
    from ml.clustering.kmeans import KMeansSettings, fit_kmeans, plan_grid, silhouette, sweep_parts
    from ml.recommenders.evaluation import rating_errors
    from ml.recommenders.rating_models import AlsSettings, estimator, read_train, tuning_parts
    from ml.warehouse import artifacts
    from ml.warehouse.tables import read_table

    kmeans_meta = json.loads((artifacts.artifacts_dir() / "kmeans" / artifacts.META_FILE).read_text())
    als_meta = json.loads((artifacts.artifacts_dir() / "als" / artifacts.META_FILE).read_text())
    metrics = {row["model"]: row.asDict() for row in read_table(spark, "model_metrics").collect()}
    accounting = [row.asDict() for row in read_table(spark, "row_accounting").orderBy("step").collect()]
    sweep_points = kmeans_meta["sweep"]
    fitted = [point for point in sweep_points if point.get("validation_silhouette") is not None]
    best_k = max(fitted, key=lambda point: point["validation_silhouette"])
    als_points = als_meta["tuning"]
    ours = {
        "kmeans_sweep_seconds": round(kmeans_meta["sweep_seconds"], 1),
        "kmeans_best_k": best_k["k"],
        "kmeans_best_silhouette": best_k["validation_silhouette"],
        "als_tuning_seconds": round(als_meta["tuning_seconds"], 1),
        "als_search": als_meta["fingerprint"]["settings"]["search"],
        "als_fits": len(als_points),
        "als_selected": best_point_dict(als_points),
        "als_test_rmse": metrics["als"]["rmse"],
        "model_metrics": metrics,
        "row_accounting": accounting,
        "kmeans_movies_train": read_table(spark, "kmeans_movies_train").count(),
        "als_ratings_train": read_table(spark, "als_ratings_train").count(),
    }
    if results_only:
        return {"ours": ours, "original": None}

    # k-means as TrainValidationSplit ran it (parallelism 1): per k, a fit with the row solver and
    # maxIter 1000, then Spark's evaluator on the validation part; on an even slice of the grid
    kmeans_settings = KMeansSettings.from_vars(values)
    fit_part, validation_part = sweep_parts(read_table(spark, "kmeans_movies_train"), kmeans_settings)
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
    kmeans = {
        "k_fitted": len(sliced),
        "k_in_grid": len(ks),
        "slice_seconds": round(slice_seconds, 1),
        "estimated_seconds": round(slice_seconds * len(ks) / len(sliced), 1),
        "extrapolated": len(sliced) < len(ks),
        "max_iterations_used": max(iterations),
    }
    fit_part.unpersist()
    validation_part.unpersist()

    # ALS: default blocks, JVM BLAS, every config for maxIter; one config per rank is timed
    # (regParam does not change the work) and the grid extrapolated from them; the config we
    # selected is refitted the original way on all of train for its test RMSE
    settings = AlsSettings.from_vars(values)
    train = read_train(spark, ORIGINAL_ALS_BLOCKS).cache()
    fit_ratings, validation_ratings = tuning_parts(train, settings)
    fit_ratings.count()
    per_rank = {}
    reg_param = settings.reg_params[len(settings.reg_params) // 2]
    for rank in settings.ranks:
        started = time.monotonic()
        model = estimator(rank, reg_param, settings.max_iter, settings.seed, ORIGINAL_ALS_BLOCKS).fit(
            fit_ratings
        )
        rmse = rating_errors(model.transform(validation_ratings))["rmse"]
        per_rank[rank] = {"seconds": round(time.monotonic() - started, 1), "validation_rmse": rmse}
        print(f"original recipe: ALS rank {rank}, regParam {reg_param}: {per_rank[rank]['seconds']} s")
    selected = ours["als_selected"]
    started = time.monotonic()
    model = estimator(
        selected["rank"], selected["reg_param"], settings.max_iter, settings.seed, ORIGINAL_ALS_BLOCKS
    ).fit(train)
    refit_seconds = time.monotonic() - started
    test = read_table(spark, "als_ratings_test").select("user_id", "movie_id", "rating")
    test_rmse = rating_errors(model.transform(test))["rmse"]
    grid_seconds = sum(item["seconds"] for item in per_rank.values()) * len(settings.reg_params)
    als = {
        "blocks": ORIGINAL_ALS_BLOCKS,
        "blas": "JVM (netlib VectorBLAS / F2jLAPACK)",
        "per_rank": per_rank,
        "reg_param_timed": reg_param,
        "grid_seconds_estimated": round(grid_seconds, 1),
        "refit_seconds": round(refit_seconds, 1),
        "estimated_seconds": round(grid_seconds + refit_seconds, 1),
        "extrapolated": len(settings.reg_params) > 1,
        "test_rmse": test_rmse,
        "config": {"rank": selected["rank"], "reg_param": selected["reg_param"]},
    }
    return {"ours": ours, "original": {"kmeans": kmeans, "als": als}}


def best_point_dict(points: list[dict[str, Any]]) -> dict[str, Any]:
    from ml.recommenders.rating_models import TuningPoint, best_point

    best = best_point([TuningPoint(**point) for point in points])
    return {"rank": best.rank, "reg_param": best.reg_param, "validation_rmse": best.validation_rmse}


# ---- BENCHMARKS.md ---------------------------------------------------------------------------


def _gb(value: int) -> str:
    return f"{value / 1024**3:.2f} GiB"


def _time(seconds: float) -> str:
    return f"{seconds:,.1f} s ({clock(seconds)})"


def section(results: dict[str, Any], uncapped: dict[str, Any] | None = None) -> list[str]:
    host, ours, original = results["machine"], results["ours"], results["original"]
    shape = results.get("synthetic_shape")
    lines = [
        f"## {results['dataset']}",
        "",
        f"Run {results['date']} on {host['cores']} cores, {host['memory_gb']} GiB RAM, {host['java']}, "
        f"Spark {host['spark']}, Python {host['python']}; native BLAS: {host['native_blas'] or 'none'}. "
        f"Vars: {results['vars']}. Data: `{results['data_dir']}`.",
        "",
    ]
    if shape:
        per_user = shape["ratings_per_user"]
        lines += [
            f"Synthetic data (scale {shape['spec']['scale']}, seed {shape['spec']['seed']}, generated in "
            f"{shape['seconds']} s): {shape['ratings']:,} ratings, {shape['users']:,} users "
            f"(ratings per user min {per_user['min']}, median {per_user['median']:g}, "
            f"mean {per_user['mean']}, "
            f"max {per_user['max']:,}), {shape['movies']:,} movies ({shape['movies_without_ratings']:,} "
            f"without ratings, {shape['movies_without_genres']:,} without genres, "
            f"{shape['movies_with_genre_and_10_ratings']:,} with a genre and 10+ ratings holding "
            f"{shape['share_of_ratings_on_those']:.2%} of ratings; "
            f"most rated {shape['most_rated_movie_ratings']:,}), "
            f"{shape['tags']:,} tags, mean rating {shape['mean_rating']}.",
            "",
        ]
    final = final_ratings(results)
    lines += [
        f"After cleaning: {final['rows_after']:,} final ratings ({final['rule']}); "
        f"{ours['kmeans_movies_train']:,} movies in `kmeans_movies_train`, {ours['als_ratings_train']:,} "
        "ratings in `als_ratings_train`.",
        "",
        "| stage | wall time | peak RSS (largest process) |",
        "|---|---|---|",
    ]
    for stage in results["stages"]:
        lines.append(
            f"| {stage['stage']} | {_time(stage['seconds'])} | "
            f"{_gb(stage['peak_rss_bytes'])} ({stage['process']}) |"
        )
    lines += [
        f"| **pipeline** (dbt build to the report) | **{_time(results['pipeline_seconds'])}** | |",
        "",
        *(
            versus_original(results)
            if original
            else [f"ALS search {ours['als_search']}; original recipe not run."]
        ),
        "",
        "| model | RMSE | MAE | precision@k | recall@k | NDCG@k | MAP@k | coverage | mean popularity |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in ours["model_metrics"].items():
        # runs recorded before a figure existed show n/a for it
        rmse, mae, popularity = (
            "n/a" if row.get(column) is None else format(row[column], spec)
            for column, spec in (("rmse", ".4f"), ("mae", ".4f"), ("mean_popularity", ".0f"))
        )
        lines.append(
            f"| {name} | {rmse} | {mae} | {row['precision_at_k']:.4f} | {row['recall_at_k']:.4f} | "
            f"{row['ndcg_at_k']:.4f} | {row['map_at_k']:.4f} | {row['coverage']:.1%} | {popularity} |"
        )
    lines.append("")
    if shape and shape["spec"]["scale"] == 1.0 and original:
        lines += targets(results, uncapped)
    return lines


def versus_original(results: dict[str, Any]) -> list[str]:
    """Our k-means sweep and ALS stage against the original recipe's, and both test RMSEs."""
    ours, original, comparison = results["ours"], results["original"], results["comparison"]
    als_stage = next(stage for stage in results["stages"] if stage["stage"] == "als")
    return [
        "| | this project | original recipe | ratio |",
        "|---|---|---|---|",
        f"| k-means sweep | {_time(ours['kmeans_sweep_seconds'])}, best k = {ours['kmeans_best_k']} | "
        f"{_time(original['kmeans']['estimated_seconds'])}"
        + (
            f" (extrapolated from {original['kmeans']['k_fitted']} of {original['kmeans']['k_in_grid']} k: "
            f"{_time(original['kmeans']['slice_seconds'])})"
            if original["kmeans"]["extrapolated"]
            else ""
        )
        + f" | {comparison['kmeans_speedup']}x |",
        f"| ALS stage (search {ours['als_search']}, {ours['als_fits']} configs; final fit; top-N for all "
        f"users and movies; metrics) | {_time(als_stage['seconds'])} | "
        f"{_time(original['als']['estimated_seconds'])} (grid extrapolated from one fit per rank, + the "
        f"final fit) | {comparison['als_speedup']}x |",
        f"| ALS test RMSE (rank {original['als']['config']['rank']}, regParam "
        f"{original['als']['config']['reg_param']}) | {comparison['als_test_rmse']['ours']:.4f} | "
        f"{comparison['als_test_rmse']['original']:.4f} | |",
        "",
        "Original recipe: JVM BLAS, KMeans `row` solver with maxIter 1000, one fit at a time, scored by "
        "Spark's evaluator on the validation part; ALS with "
        f"{original['als']['blocks']} blocks; per-rank ALS fits "
        f"(regParam {original['als']['reg_param_timed']}): "
        + ", ".join(f"rank {rank} {item['seconds']} s" for rank, item in original["als"]["per_rank"].items())
        + ". The original recipe's ALS time leaves out its top-N lists.",
    ]


def final_ratings(results: dict[str, Any]) -> dict[str, Any]:
    """The row accounting's last ratings rule: the final ratings after the cap (or its absence)."""
    return max(
        (row for row in results["ours"]["row_accounting"] if row["entity"] == "ratings"),
        key=lambda row: row["step"],
    )


def is_uncapped(results: dict[str, Any]) -> bool:
    """A run of every rating: --vars set rating_cap to null."""
    vars_yaml = results["vars"]
    return vars_yaml != "defaults" and project_vars(vars_yaml)["rating_cap"] is None


def targets(results: dict[str, Any], uncapped: dict[str, Any] | None = None) -> list[str]:
    """Issue 4's targets at scale 1.0, each with the measured figure; `uncapped`: the run of the
    same data with rating_cap null, if there is one."""
    comparison, stage = results["comparison"], {s["stage"]: s for s in results["stages"]}
    rows = [
        ("dbt build + tests", "≤ 4 min", comparison["dbt_seconds"], TARGETS["dbt_seconds"], _time),
        (
            "peak RSS of any process",
            "≤ 12 GB (11.2 GiB)",
            comparison["peak_rss_bytes"],
            TARGETS["peak_rss_bytes"],
            _gb,
        ),
        (
            "k-means sweep",
            "≤ 3 min",
            results["ours"]["kmeans_sweep_seconds"],
            TARGETS["kmeans_sweep_seconds"],
            _time,
        ),
        (
            "ALS tuning + final fit + top-N",
            "≤ 10 min",
            stage["als"]["seconds"],
            TARGETS["als_seconds"],
            _time,
        ),
        ("end to end", "≤ 20 min", results["pipeline_seconds"], TARGETS["end_to_end_seconds"], _time),
    ]
    lines = ["Targets (issue 4, scale 1.0):", "", "| target | goal | measured | met |", "|---|---|---|---|"]
    for name, goal, value, limit, show in rows:
        lines.append(f"| {name} | {goal} | {show(value)} | {'yes' if value <= limit else 'no'} |")
    for name, key in (("k-means speed-up", "kmeans_speedup"), ("ALS speed-up", "als_speedup")):
        value = comparison[key]
        lines.append(
            f"| {name} | ≥ {TARGETS[key]}x | {value}x | {'yes' if value >= TARGETS[key] else 'no'} |"
        )
    rmse = comparison["als_test_rmse"]
    lines.append(
        f"| ALS test RMSE vs original | equal or better | {rmse['ours']:.4f} vs {rmse['original']:.4f} | "
        f"{'yes' if rmse['ours'] <= rmse['original'] + 1e-4 else 'no'} |"
    )
    if uncapped is None:
        lines.append("| with `rating_cap: null` | completes, time reported | not run | no |")
    else:
        peak = max(stage["peak_rss_bytes"] for stage in uncapped["stages"])
        final = final_ratings(uncapped)
        lines.append(
            f"| with `rating_cap: null` ({final['rows_after']:,} ratings) | completes, time reported | "
            f"{_time(uncapped['pipeline_seconds'])}, peak RSS {_gb(peak)} | yes |"
        )
    return [*lines, ""]


def _scale(results: dict[str, Any]) -> float | None:
    """The synthetic scale of a run; None on real data."""
    return (results.get("synthetic_shape") or {}).get("spec", {}).get("scale")


def markdown(out_dir: Path) -> str:
    runs = [json.loads(path.read_text()) for path in sorted(out_dir.glob("*.json"))]
    runs.sort(key=lambda item: (_scale(item) or 0, is_uncapped(item)))
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m ml bench`): the whole pipeline, stage by stage, each stage",
        "in its own process as `make run` runs it, then the original study's recipe on the same marts.",
        f"Raw figures: `{RESULTS_DIR.name}/<dataset>.json`. `make bench SCALE=1.0` runs it on synthetic",
        "data of ml-25m's shape (`python -m ml synth`); plain `make bench` on MOVIELENS_DIR.",
        "",
    ]
    for results in runs:
        uncapped = next((run for run in runs if is_uncapped(run) and _scale(run) == _scale(results)), None)
        lines += section(results, uncapped)
    levers = out_dir / LEVERS_FILE
    if levers.is_file():
        lines += [levers.read_text().rstrip(), ""]
    return "\n".join(lines)
