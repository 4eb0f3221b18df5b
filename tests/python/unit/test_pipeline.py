"""The pipeline's one list of steps: what each step's command gets from the options, which steps
--from and --to choose, the runner (in order, stopping at a failure, keeping the dbt build's
results, under the warehouse's lock on the local target only), and the Makefile calling it rather
than listing the steps again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ml import PROJECT_DIR, UserError, pipeline
from ml.pipeline import STEPS, Options, Step, select, steps

# a child that reports whether it may take the lock of a warehouse: "ancestor" when a process
# above it holds it (it goes on under it), "free" when nobody does, "taken" otherwise
LOCK_PROBE = """
import sys
from pathlib import Path
from ml import UserError
from ml.warehouse.lock import acquire
try:
    print("ancestor" if acquire(Path(sys.argv[1])) is None else "free")
except UserError:
    print("taken")
"""


def probe_lock(state: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", LOCK_PROBE, str(state)], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_options_reach_the_steps_they_are_for(tmp_path):
    options = Options(
        vars_yaml="{top_n: 5}",
        download="ml-latest-small",
        refit=True,
        master="spark://127.0.0.1:7",
        report_dir=tmp_path / "report",
        dbt_args=("--threads", "1"),
    )
    command = {step.name: step.command for step in steps(options, tmp_path)}
    assert list(command) == list(STEPS)
    assert [name for name, args in command.items() if "--refit" in args] == ["kmeans", "als"]
    assert [name for name, args in command.items() if "--master" in args] == [
        "kmeans",
        "als",
        "report",
        "summary",
    ]
    assert [name for name, args in command.items() if "--download" in args] == ["check"]
    assert [name for name, args in command.items() if "--threads" in args] == ["dbt_build"]
    assert [name for name, args in command.items() if "{top_n: 5}" in args] == list(STEPS[1:])
    assert command["dbt_test_ml"][-4:-2] == ("--selector", "ml_results")
    report = command["report"]
    assert report[report.index("--out") + 1] == str(tmp_path / "report")
    # the report reads the build's results where the build step keeps them
    build = next(step for step in steps(options, tmp_path) if step.name == "dbt_build")
    assert report[report.index("--dbt-results") + 1] == str(build.keep_results)
    assert build.keep_results == tmp_path / pipeline.DBT_BUILD_RESULTS


def test_a_runs_dbt_build_leaves_out_the_unit_tests_unless_asked(tmp_path):
    def build(options: Options) -> tuple[str, ...]:
        return next(step.command for step in steps(options, tmp_path) if step.name == "dbt_build")

    assert build(Options())[-2:] == ("--exclude-resource-type", "unit_test")
    assert "unit_test" not in build(Options(unit_tests=True))


def test_from_and_to_choose_a_slice_in_order(tmp_path):
    every = steps(Options(), tmp_path)
    assert [step.name for step in select(every)] == list(STEPS)
    assert [step.name for step in select(every, "kmeans")] == [
        "kmeans",
        "als",
        "dbt_test_ml",
        "report",
        "summary",
    ]
    assert [step.name for step in select(every, "report", "report")] == ["report"]
    with pytest.raises(UserError, match="--to check comes before --from als"):
        select(every, "als", "check")


def fake_steps(tmp_path: Path, *names: str, fail: str | None = None) -> list[Step]:
    """Steps that append their name to steps.txt (the one named `fail` exits 3 instead)."""
    record = tmp_path / "steps.txt"
    script = (
        "import sys; open(sys.argv[1], 'a').write(sys.argv[2] + '\\n'); raise SystemExit(sys.argv[3] == '1')"
    )
    return [
        Step(name, (sys.executable, "-c", script, str(record), name, "1" if name == fail else "0"))
        for name in names
    ]


def test_the_runner_stops_at_the_first_failing_step(tmp_path, monkeypatch):
    monkeypatch.setenv("DBT_TARGET", "local")
    with pytest.raises(UserError, match=r"pipeline step dbt_build failed \(exit 1\)"):
        pipeline.run(
            fake_steps(tmp_path, "check", "dbt_build", "kmeans", fail="dbt_build"), tmp_path / "state"
        )
    assert (tmp_path / "steps.txt").read_text() == "check\ndbt_build\n"


def test_the_runner_keeps_the_build_results_and_holds_the_lock_on_the_local_target(tmp_path, monkeypatch):
    monkeypatch.setenv("DBT_TARGET", "local")
    state = tmp_path / "state"
    results = tmp_path / "run_results.json"
    results.write_text('{"results": []}')
    monkeypatch.setattr(pipeline, "DBT_RUN_RESULTS", results)
    seen = []
    build = Step("dbt_build", ("true",), keep_results=state / pipeline.DBT_BUILD_RESULTS)
    seconds = pipeline.run(
        [build, Step("kmeans", ("true",))], state, execute=lambda step: seen.append(probe_lock(state))
    )
    assert list(seconds) == ["dbt_build", "kmeans"]
    assert seen == ["ancestor", "ancestor"]  # every step goes on under the runner's hold
    assert (state / pipeline.DBT_BUILD_RESULTS).read_text() == '{"results": []}'


def test_on_the_thrift_target_the_runner_leaves_the_lock_to_the_server(tmp_path, monkeypatch):
    monkeypatch.setenv("DBT_TARGET", "thrift")
    state = tmp_path / "state"
    state.mkdir()
    seen = []
    pipeline.run([Step("dbt_build", ("true",))], state, execute=lambda step: seen.append(probe_lock(state)))
    assert seen == ["free"]


def make_dry_run(target: str) -> str:
    """What `make -n target` would run."""
    return subprocess.run(
        ["make", "-n", "--no-print-directory", target, "MOVIELENS_DIR=/tmp/data"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_makefile_runs_the_pipeline_instead_of_listing_its_steps():
    targets = ["run", "ml", "report", "cluster-run", "test-steps"]
    for target in targets:
        dry_run = make_dry_run(target)
        # the venv's install runs `pip install` and the java check `python3 -m ml check --java-only`
        steps_lines = [
            line for line in dry_run.splitlines() if "/python -m ml" in line and " hold " not in line
        ]
        assert any("-m ml pipeline" in line for line in steps_lines), (target, dry_run)
        for step_command in (
            "dbt build",
            "dbt test",
            "-m ml kmeans",
            "-m ml als",
            "-m ml report",
            "-m ml summary",
        ):
            assert step_command not in dry_run, (target, step_command)


def test_make_test_runs_dbts_unit_tests_and_make_run_leaves_them_out():
    pipeline_lines = [line for line in make_dry_run("test-steps").splitlines() if "-m ml pipeline" in line]
    assert pipeline_lines and all("--unit-tests" in line for line in pipeline_lines)
    assert "--unit-tests" not in make_dry_run("run")
