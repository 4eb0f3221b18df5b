"""The benchmark: its stages are the pipeline's steps (ml.pipeline) framed by the synthetic data and
the original recipe; a stage's peak memory covers its grandchildren and its wall time is kept; a
failing stage stops the benchmark with its log named; the results of past runs still render."""

from __future__ import annotations

import json
import os
import sys

import pytest

from ml import UserError, pipeline
from ml.tools.bench.benchmarks_md import BENCHMARKS_FILE, RESULTS_DIR, benchmarks_file, markdown
from ml.tools.bench.measure import run_stage
from ml.tools.bench.run import TIMED_FROM, TIMED_TO, plan, timed_steps

# a child that starts a grandchild holding ~300 MB for a second
ALLOCATE = (
    "import subprocess, sys; subprocess.run([sys.executable, '-c', "
    "\"import time; block = bytearray(300 * 1024 * 1024); block[::4096] = b'x' * len(block[::4096]); "
    'time.sleep(1.5)"], check=True)'
)


def test_a_stage_records_the_peak_memory_of_its_grandchildren(tmp_path):
    result = run_stage("allocate", [sys.executable, "-c", ALLOCATE], dict(os.environ), tmp_path)
    assert result["stage"] == "allocate" and result["seconds"] >= 1.5
    assert 300 * 1024**2 <= result["peak_rss_bytes"] < 1024**3
    assert (tmp_path / "allocate.log").is_file()


def test_a_stage_records_the_share_of_the_cores_it_kept_busy(tmp_path):
    cores = os.cpu_count() or 1
    # a process per core, each spinning for 1.5 s of its own CPU time
    spin = (
        "import multiprocessing, time\n"
        "def spin(_):\n    end = time.process_time() + 1.5\n    while time.process_time() < end: pass\n"
        f"with multiprocessing.Pool({cores}) as pool: pool.map(spin, range({cores}))"
    )
    result = run_stage("spin", [sys.executable, "-c", spin], dict(os.environ), tmp_path)
    assert 0.8 <= result["cpu_busy"] <= 1.0


def test_a_failing_stage_stops_the_benchmark(tmp_path):
    command = [sys.executable, "-c", "print('half done'); raise SystemExit(3)"]
    with pytest.raises(UserError, match=r"stage broken failed \(exit 3\).*broken.log"):
        run_stage("broken", command, dict(os.environ), tmp_path)
    assert "half done" in (tmp_path / "broken.log").read_text()


def test_the_stages_are_the_pipelines_steps_refitted_with_the_report_in_the_bench_folder(tmp_path):
    stages = plan(tmp_path / "data", tmp_path / "bench", "{top_n: 5}", (0.01, 3), original=False)
    assert stages.names() == ["synth", *pipeline.STEPS, "original_recipe"]
    command = {step.name: step.command for step in stages.steps}
    assert "--refit" in command["kmeans"] and "--refit" in command["als"]
    report = command["report"]
    assert report[report.index("--out") + 1] == str(tmp_path / "bench" / "report")
    assert report[report.index("--dbt-results") + 1] == str(tmp_path / "bench" / pipeline.DBT_BUILD_RESULTS)
    assert all(("{top_n: 5}" in step.command) == (step.name != "check") for step in stages.steps)
    assert "--results-only" in stages.original.command
    # the "pipeline" figure spans what it spanned when only these were stages, so old runs compare
    assert (TIMED_FROM, TIMED_TO) == ("dbt_build", "report")
    assert [step.name for step in timed_steps(stages.steps)] == [
        "dbt_build",
        "kmeans",
        "als",
        "dbt_test_ml",
        "report",
    ]


def test_past_results_still_render_and_a_bench_elsewhere_keeps_its_own_page(tmp_path):
    page = markdown(RESULTS_DIR)
    for path in sorted(RESULTS_DIR.glob("*.json")):
        results = json.loads(path.read_text())
        assert f"## {results['dataset']}\n" in page
    assert "| dbt_build | " in page and "| original_recipe | " in page
    # the project's BENCHMARKS.md is what the code makes of the committed results, to the byte
    assert page == BENCHMARKS_FILE.read_text()
    assert benchmarks_file(RESULTS_DIR) == BENCHMARKS_FILE
    assert benchmarks_file(tmp_path) == tmp_path / "BENCHMARKS.md"


def test_the_studys_als_is_compared_alone_and_the_other_families_reported_beside_it():
    from ml.tools.bench.benchmarks_md import section

    results = json.loads((RESULTS_DIR / "synthetic-scale-0.1.json").read_text())
    als_stage = next(stage for stage in results["stages"] if stage["stage"] == "als")
    results["ours"] |= {
        "als_search": "staged",
        "als_fits": 7,
        "als_search_fit_ratings": 123_456,
        "family_seconds": {"als": 100.0, "bias_als": 50.0, "ranking": 25.0},
    }
    page = "\n".join(section(results))
    row = "| the study's ALS: search staged (7 fits on 123,456 fit ratings) + final fit | 100.0 s (1:40) |"
    assert row in page
    rest = als_stage["seconds"] - 175.0
    assert "bias-aware ALS search + final fit 50.0 s (0:50), the ranking models' search + final fit" in page
    assert f"and {rest:,.1f} s" in page
