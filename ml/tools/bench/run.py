"""`python -m ml bench`: the whole pipeline timed stage by stage, against the original recipe.

The stages run as the user runs them, each in its own process: `python -m ml synth` (with a
scale), then the pipeline's steps (ml.pipeline: check, dbt build, kmeans and als with --refit,
the ML tests, the report into the bench's folder, the summary), in a warehouse of their own under
`.spark/bench/`; each stage's wall time and the peak resident memory (VmHWM) of every process it
started are recorded. A last stage, `python -m ml bench-original`, times the original study's
recipe on the same marts (bench.original).

Results: `<out>/<dataset>.json`, and BENCHMARKS.md built from every JSON file in `<out>`.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ml import PROJECT_DIR, pipeline
from ml.pipeline import PYTHON_ML, Step
from ml.tools.bench.benchmarks_md import benchmarks_file, markdown
from ml.tools.bench.measure import machine, run_stage

# the "pipeline" figure of BENCHMARKS.md spans these steps, as it did before the check and the
# summary were stages, so that runs old and new compare
TIMED_FROM, TIMED_TO = "dbt_build", "report"
# what the original_recipe stage writes into the bench's state folder
ORIGINAL_RESULTS = "original.json"


@dataclass(frozen=True)
class Stages:
    """A benchmark's stages: synthetic data (if any), the pipeline's steps, the original recipe."""

    synth: Step | None
    steps: list[Step]
    original: Step

    def names(self) -> list[str]:
        return [step.name for step in ([self.synth] if self.synth else []) + self.steps + [self.original]]


def vars_slug(vars_yaml: str) -> str:
    """A file-name-safe label of a --vars text: "{rating_cap: null}" -> "rating_cap-null"."""
    return re.sub(r"[^a-z0-9_.]+", "-", vars_yaml.lower()).strip("-")


def bench_dir(dataset: str) -> Path:
    """The state folder (warehouse, saved models, logs, report) of a benchmark's run."""
    return PROJECT_DIR / ".spark" / "bench" / dataset


def plan(
    data_dir: Path, spark_dir: Path, vars_yaml: str, synth: tuple[float, int] | None, original: bool
) -> Stages:
    """The stages of a benchmark on `data_dir` (generated first if `synth` = (scale, seed)) in the
    warehouse `spark_dir`; `original` False collects our results without timing the original."""
    vars_args = ("--vars", vars_yaml) if vars_yaml else ()
    synth_step = None
    if synth:
        scale, seed = synth
        command = (*PYTHON_ML, "synth", "--scale", str(scale), "--seed", str(seed), "--out", str(data_dir))
        synth_step = Step("synth", command)
    # the models fitted again, whatever a past benchmark saved; the page beside the bench's
    # warehouse, never over the user's reports/
    options = pipeline.Options(vars_yaml=vars_yaml, refit=True, report_dir=spark_dir / "report")
    results_only = () if original else ("--results-only",)
    original_file = str(spark_dir / ORIGINAL_RESULTS)
    original_step = Step(
        "original_recipe", (*PYTHON_ML, "bench-original", "--json", original_file, *results_only, *vars_args)
    )
    return Stages(synth_step, pipeline.steps(options, spark_dir), original_step)


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
    spark_dir = bench_dir(dataset)
    env = {
        **os.environ,
        "MOVIELENS_DIR": str(data_dir),
        "MOVIELENS_SPARK_DIR": str(spark_dir),
        "DBT_PROFILES_DIR": str(PROJECT_DIR / "profiles"),
        "SPARK_LOCAL_IP": "127.0.0.1",
    }
    stages = plan(data_dir, spark_dir, vars_yaml, synth, original)
    measured: list[dict[str, Any]] = []

    def timed(step: Step) -> None:
        measured.append(run_stage(step.name, list(step.command), env, spark_dir / "logs"))

    started = time.monotonic()
    if stages.synth:
        timed(stages.synth)
    seconds = pipeline.run(stages.steps, spark_dir, execute=timed)
    timed(stages.original)
    shape_file = data_dir / "synth.json"
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "dataset": dataset,
        "data_dir": str(data_dir),
        "vars": vars_yaml or "defaults",
        "machine": machine(),
        "synthetic_shape": json.loads(shape_file.read_text()) if shape_file.is_file() else None,
        "stages": measured,
        "pipeline_seconds": round(sum(seconds[step.name] for step in timed_steps(stages.steps)), 1),
        "total_seconds": round(time.monotonic() - started, 1),
        **json.loads((spark_dir / ORIGINAL_RESULTS).read_text()),
    }
    results["comparison"] = compare(results)
    write_results(results, out_dir)
    return results


def timed_steps(steps: list[Step]) -> list[Step]:
    """The steps the "pipeline" figure adds up (TIMED_FROM to TIMED_TO)."""
    return pipeline.select(steps, TIMED_FROM, TIMED_TO)


def write_results(results: dict[str, Any], out_dir: Path) -> None:
    """<out_dir>/<dataset>.json, and BENCHMARKS.md again from every JSON file there."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_file = out_dir / f"{results['dataset']}.json"
    json_file.write_text(json.dumps(results, indent=2) + "\n")
    page = benchmarks_file(out_dir)
    page.write_text(markdown(out_dir))
    print(f"bench: wrote {json_file} and {page}")


def compare(results: dict[str, Any]) -> dict[str, Any]:
    """The figures issue 17's targets are stated in: our stages against the original recipe's."""
    stage = {item["stage"]: item for item in results["stages"]}
    ours_sweep = results["ours"]["kmeans_sweep_seconds"]
    # the study's ALS search + final fit against the original's grid + final fit
    ours_als = results["ours"]["family_seconds"]["als"]
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
