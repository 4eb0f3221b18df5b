"""What the tests share besides fixtures: where the small dataset, dbt and the test build are, and
how to run dbt and read a scratch warehouse."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ml import PROJECT_DIR, pipeline

TESTS_DIR = Path(__file__).resolve().parent
SMALL_DATA = Path(os.environ.get("MOVIELENS_DIR", PROJECT_DIR.parent / "shared" / "data" / "ml-latest-small"))
# the warehouse `make test` builds with the pipeline (Makefile: TEST_SPARK_DIR)
TEST_SPARK_DIR = Path(os.environ.get("MOVIELENS_SPARK_DIR", PROJECT_DIR / ".spark" / "test"))
# the vars of that build (Makefile: TEST_VARS): small grids, the mechanisms and not the study's figures
TEST_VARS = os.environ.get("MOVIELENS_TEST_VARS", "")
# where make test keeps pytest's reports and the status of its pipeline (Makefile: TEST_RESULTS)
TEST_RESULTS = Path(os.environ.get("MOVIELENS_TEST_RESULTS", TEST_SPARK_DIR / "pytest"))
PIPELINE_STATUS = TEST_RESULTS / "pipeline.status"
# what the test pipeline writes once its dbt build is done
DBT_BUILD_RESULTS = TEST_SPARK_DIR / pipeline.DBT_BUILD_RESULTS
DBT = Path(sys.executable).parent / "dbt"
UNCAPPED_VARS = "{rating_cap: null, split_seed: 1}"
# dbt's models only, for a build whose data tests and unit tests run elsewhere on the same SQL
MODELS_ONLY = ("--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
# held exclusively by an in-process test while it rewrites a table of the test build, shared by an
# e2e test (another process) while it reads one: a rewrite swaps the table's folder by renames
TEST_BUILD_LOCK = TEST_RESULTS / "test-build.lock"


def environment(spark_dir: Path, data_dir: Path = SMALL_DATA, **extra: str) -> dict[str, str]:
    """The environment of a dbt or ml command on the warehouse `spark_dir` and the data `data_dir`."""
    return {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR / "profiles"),
        "MOVIELENS_DIR": str(data_dir),
        "MOVIELENS_SPARK_DIR": str(spark_dir),
        **extra,
    }


def dbt_command(*args: str, scratch: Path) -> list[str]:
    """A dbt command line whose target/ and logs/ go to `scratch` (never the project's)."""
    return [str(DBT), *args, "--target-path", str(scratch / "target"), "--log-path", str(scratch / "logs")]


def ml_run(*args: str, spark_dir: Path, timeout: float = 600, **extra: str) -> subprocess.CompletedProcess:
    """`python -m ml ARGS` on the warehouse `spark_dir`."""
    return subprocess.run(
        [sys.executable, "-m", "ml", *args],
        cwd=PROJECT_DIR,
        env=environment(spark_dir, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def warehouse_table(spark, spark_dir: Path, name: str, database: str = "movielens"):
    """A table of a build, read straight from its Parquet files (no metastore needed)."""
    path = spark_dir / "warehouse" / f"{database}.db" / name
    if not path.is_dir():
        raise FileNotFoundError(f"no table {database}.{name} in {spark_dir}: did its build run?")
    return spark.read.parquet(str(path))


@contextmanager
def holding_test_build(exclusive: bool) -> Iterator[None]:
    """TEST_BUILD_LOCK held, exclusively or shared, until the block ends."""
    TEST_RESULTS.mkdir(parents=True, exist_ok=True)
    with TEST_BUILD_LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield  # closing the file releases it


def keys(frame, key_columns: list[str]) -> set[tuple]:
    """The set of key tuples of a DataFrame."""
    return {tuple(row) for row in frame.select(*key_columns).collect()}


def wait_for_test_build(marts_only: bool = False, timeout: float = 3600) -> None:
    """Return once the test build is there: make test runs its pipeline beside the e2e tests and
    records how it ended in PIPELINE_STATUS ("running", then its exit code). With `marts_only`,
    once dbt's tables are built (the pipeline keeps the dbt build's results, DBT_BUILD_RESULTS)
    while the ml steps may still run. No status file: a build made some other way, taken as it is."""
    deadline = time.monotonic() + timeout
    while PIPELINE_STATUS.is_file() and (status := PIPELINE_STATUS.read_text().strip()) == "running":
        if marts_only and DBT_BUILD_RESULTS.is_file():
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the test pipeline still runs after {timeout:.0f} s ({PIPELINE_STATUS})")
        time.sleep(2)
    if PIPELINE_STATUS.is_file() and status != "0":
        raise RuntimeError(f"the test pipeline failed (exit {status}): nothing to compare with")


def descendants(roots: set[int]) -> set[int]:
    """`roots` and every process below them."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (ValueError, OSError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), list(roots)
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, []))
    return found
