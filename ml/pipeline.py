"""The pipeline: the steps of a run in their order, each the command a user could type, and the
runner that runs them (`python -m ml pipeline`, which make run, ml, report, cluster-run and test
call; `python -m ml bench` runs the same steps as its timed stages).

The data is checked (a dataset downloaded into an empty folder if asked), dbt builds and tests the
marts, ml fits both models on them and writes its tables back, dbt tests those (selector
ml_results: plain `dbt build` leaves them out, selectors.yml), the report draws everything and the
summary says where it all is. Each step runs in a process of its own, as the user would run it.

Standard library only at import, so that the command line can list the steps cheaply.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ml import PROJECT_DIR, UserError
from ml.progress import clock

STEPS = ("check", "dbt_build", "kmeans", "als", "dbt_test_ml", "report", "summary")
# the dbt build's run_results.json, kept beside the warehouse for the report's run facts: the
# later dbt commands overwrite target/run_results.json
DBT_BUILD_RESULTS = "dbt_build_run_results.json"
DBT_RUN_RESULTS = PROJECT_DIR / "target" / "run_results.json"
PYTHON_ML = (sys.executable, "-m", "ml")
DBT = str(Path(sys.executable).parent / "dbt")
# a run's dbt build leaves out the unit tests of the SQL rules unless asked (make test asks): their
# inputs are fixed rows, so they check the SQL, not the data, and dbt Labs advise running them in
# development and CI only (at scale 1.0 they cost the build 23-31 s, benchmarks/levers.md)
WITHOUT_UNIT_TESTS = ("--exclude-resource-type", "unit_test")


@dataclass(frozen=True)
class Options:
    """What a run may change: dbt vars (every step), the dataset the check downloads into an empty
    data folder, --refit and --master of the ml steps, the report's folder, extra `dbt build`
    arguments, and whether that build runs dbt's unit tests."""

    vars_yaml: str = ""
    download: str | None = None
    refit: bool = False
    master: str | None = None
    report_dir: Path | None = None
    dbt_args: tuple[str, ...] = ()
    unit_tests: bool = False


@dataclass(frozen=True)
class Step:
    """A step's name, its command (run from the project root), and where the runner copies
    target/run_results.json once the command has run (the dbt build's only)."""

    name: str
    command: tuple[str, ...]
    keep_results: Path | None = None


def _option(name: str, value: str | Path | None) -> tuple[str, ...]:
    return (name, str(value)) if value else ()


def steps(options: Options, state: Path) -> list[Step]:
    """Every step of a run on the warehouse in `state` (its state dir), in order."""
    vars_args = _option("--vars", options.vars_yaml)
    spark_args = (*vars_args, *_option("--master", options.master))
    fit_args = (*spark_args, *(("--refit",) if options.refit else ()))
    build_results = state / DBT_BUILD_RESULTS
    build_args = (*vars_args, *(() if options.unit_tests else WITHOUT_UNIT_TESTS), *options.dbt_args)
    report_args = (*_option("--out", options.report_dir), "--dbt-results", str(build_results))
    commands = {
        "check": (*PYTHON_ML, "check", *_option("--download", options.download)),
        "dbt_build": (DBT, "build", *build_args),
        "kmeans": (*PYTHON_ML, "kmeans", *fit_args),
        "als": (*PYTHON_ML, "als", *fit_args),
        "dbt_test_ml": (DBT, "test", "--selector", "ml_results", *vars_args),
        "report": (*PYTHON_ML, "report", *spark_args, *report_args),
        "summary": (*PYTHON_ML, "summary", *spark_args),
    }
    return [Step(name, commands[name], build_results if name == "dbt_build" else None) for name in STEPS]


def select(all_steps: Sequence[Step], first: str | None = None, last: str | None = None) -> list[Step]:
    """The steps from `first` to `last` (default: the first and the last), in order."""
    names = [step.name for step in all_steps]
    start = names.index(first) if first else 0
    end = names.index(last) + 1 if last else len(names)
    if end <= start:
        raise UserError(
            f"--to {last} comes before --from {first}; the steps run in the order {', '.join(names)}"
        )
    return list(all_steps[start:end])


def shown(command: Sequence[str]) -> str:
    """A command as a shell line, its program relative to the project root when inside it."""
    program = Path(command[0])
    if program.is_relative_to(PROJECT_DIR):
        program = program.relative_to(PROJECT_DIR)
    return shlex.join([str(program), *command[1:]])


def run_step(step: Step) -> None:
    """Run one step, its output going straight to ours; UserError if it fails."""
    print(f"pipeline: {step.name}: {shown(step.command)}", flush=True)
    code = subprocess.call(step.command, cwd=PROJECT_DIR)
    if code != 0:
        raise UserError(f"pipeline step {step.name} failed (exit {code}); the steps after it did not run")


def run(chosen: Sequence[Step], state: Path, execute: Callable[[Step], None] = run_step) -> dict[str, float]:
    """`execute` each step in order under the warehouse's lock, keeping the dbt build's results;
    the seconds each took."""
    from ml.warehouse.session import default_target, hold_warehouse  # reads YAML: only when a run starts

    # the warehouse's lock for all the steps, so that no other run gets in between two of them;
    # the steps go on under it (ml.warehouse.lock)
    hold_warehouse(default_target(), state=state)
    seconds = {}
    for step in chosen:
        started = time.monotonic()
        if step.keep_results:
            step.keep_results.unlink(missing_ok=True)  # no results of an earlier build stay beside this one
        execute(step)
        if step.keep_results:
            shutil.copyfile(DBT_RUN_RESULTS, step.keep_results)
        seconds[step.name] = time.monotonic() - started
    return seconds


def timings(seconds: dict[str, float]) -> str:
    """The closing line of a run: its time, and each step's."""
    each = ", ".join(f"{name} {clock(value)}" for name, value in seconds.items())
    return f"pipeline: {len(seconds)} steps done in {clock(sum(seconds.values()))} ({each})"
