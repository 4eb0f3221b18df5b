"""One run's result tables belong together. An ml step writes its tables one after another, so a
step killed between two writes would leave some tables new and the rest old. Each table a step
writes therefore carries the step's run id (column run_id), and once all are written the run is
committed to the table ml_runs (one row per step: its last complete run). A reader checks that
every table carries its step's committed run id (`check_one_run`) and refuses a mix in one line;
dbt's ml tests check the same (tests/assert_ml_tables_from_their_committed_run.sql).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ml import UserError
from ml.warehouse.tables import frame_from_rows, qualified, read_table, table_exists, write_table

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

RUN_ID_COLUMN = "run_id"
RUNS_TABLE = "ml_runs"
RUNS_SCHEMA = "step string, run_id string, tables string, committed_at string"


def new_run_id(step: str) -> str:
    """An id no other run has: the step, its UTC start to the second, and a random part."""
    return f"{step}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{uuid.uuid4().hex[:8]}"


def stamped(frame: DataFrame, run_id: str) -> DataFrame:
    """`frame` with the run id as its last column."""
    from pyspark.sql import functions as F

    return frame.withColumn(RUN_ID_COLUMN, F.lit(run_id))


def committed_rows(rows: Sequence[Mapping[str, str]], step: str, run_id: str, tables: Sequence[str]) -> list:
    """ml_runs' rows with `step`'s replaced by this run's (the other steps' kept), by step."""
    committed_at = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    this_run = {"step": step, "run_id": run_id, "tables": ",".join(tables), "committed_at": committed_at}
    kept = [dict(row) for row in rows if row["step"] != step]
    return sorted([*kept, this_run], key=lambda row: row["step"])


def commit(spark: SparkSession, step: str, run_id: str, tables: Sequence[str]) -> None:
    """Record `run_id` as `step`'s last complete run, once all its tables are written."""
    rows = []
    if table_exists(spark, RUNS_TABLE):
        rows = [row.asDict() for row in read_table(spark, RUNS_TABLE).collect()]
    write_table(frame_from_rows(spark, committed_rows(rows, step, run_id, tables), RUNS_SCHEMA), RUNS_TABLE)


def mixed_tables(committed: Mapping[str, str], found: Mapping[str, str | None]) -> list[str]:
    """The tables whose run id (`found`: table -> the id of its rows, None for a table of no
    rows) is not their step's committed one (`committed`: table -> its step's run id)."""
    return [name for name, run_id in found.items() if run_id is not None and run_id != committed.get(name)]


def check_one_run(spark: SparkSession, steps: Mapping[str, Sequence[str]], hint: str) -> None:
    """UserError in one line unless each step of `steps` (step -> its tables) has a committed run
    and every table of it carries that run's id."""
    runs = {row["step"]: row["run_id"] for row in read_table(spark, RUNS_TABLE, hint).collect()}
    for step, names in steps.items():
        if step not in runs:
            raise UserError(f"{qualified(RUNS_TABLE)} records no complete run of {step}; {hint}")
        committed = dict.fromkeys(names, runs[step])
        found = {name: _run_id_of(read_table(spark, name, hint)) for name in names}
        mixed = mixed_tables(committed, found)
        if mixed:
            raise UserError(
                f"{qualified(mixed[0])} holds run {found[mixed[0]]}, not {step}'s last complete run "
                f"{runs[step]}: a run of `python -m ml {step}` stopped between its writes; run it again"
            )


def _run_id_of(frame: DataFrame) -> str | None:
    """The run id of a table's rows (each table is written whole, so its first row's), None for a
    table of no rows."""
    if RUN_ID_COLUMN not in frame.columns:
        return "none (a table written before run ids)"
    row = frame.select(RUN_ID_COLUMN).limit(1).first()
    return None if row is None else row[RUN_ID_COLUMN]
