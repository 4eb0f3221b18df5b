"""The tables each ml step reads and writes, declared once (as Kedro's catalog declares a
pipeline's datasets). A step reads its inputs with `read_inputs`, computes, and hands every
output to `write_outputs`, which refuses a set of tables other than the declared one. The result
tables are the dbt source `ml` too (models/ml/_ml__sources.yml), whose list a test keeps equal
to RESULT_TABLES."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ml.warehouse import runs
from ml.warehouse.tables import qualified, read_table, write_table

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


@dataclass(frozen=True)
class StepTables:
    """What a step reads (dbt marts and seeds) and writes (its result tables)."""

    step: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]


KMEANS = StepTables(
    step="kmeans",
    reads=("kmeans_movies_train", "kmeans_movies_test", "movies", "movielens_genres"),
    writes=("kmeans_sweep", "movie_clusters", "cluster_profiles"),
)
ALS = StepTables(
    step="als",
    reads=("als_ratings_train", "als_ratings_test", "als_movie_biases", "als_user_biases", "movies"),
    writes=(
        "als_tuning",
        "ranking_tuning",
        "model_metrics",
        "user_recommendations",
        "movie_audiences",
        "similar_movies",
    ),
)
STEPS = (KMEANS, ALS)
RESULT_TABLES = tuple(name for step in STEPS for name in step.writes)
# the result tables and the table of each step's last complete run: the dbt source `ml`
ML_TABLES = (*RESULT_TABLES, runs.RUNS_TABLE)
# what to do when a result table is missing
ML_HINT = "run `python -m ml kmeans` and `python -m ml als` (or `make run`) first"


def read_inputs(spark: SparkSession, tables: StepTables) -> dict[str, DataFrame]:
    """Every input table of the step, by name (a missing one: UserError saying to build the marts)."""
    return {name: read_table(spark, name) for name in tables.reads}


def write_outputs(
    tables: StepTables, frames: dict[str, DataFrame], label: str | None = None
) -> dict[str, int]:
    """Write the step's result tables, in the declared order, each stamped with this run's id, then
    commit the run (warehouse.runs), and say so (prefixed `label`, default the step's name); their
    row counts."""
    if set(frames) != set(tables.writes):
        raise ValueError(f"{tables.step} writes {sorted(tables.writes)}, was given {sorted(frames)}")
    run_id = runs.new_run_id(tables.step)
    counts = {}
    for name in tables.writes:
        counts[name] = write_table(runs.stamped(frames[name], run_id), name)
        print(f"{label or tables.step}: wrote {qualified(name)} ({counts[name]:,} rows)", flush=True)
    runs.commit(next(iter(frames.values())).sparkSession, tables.step, run_id, tables.writes)
    print(f"{label or tables.step}: committed run {run_id} to {qualified(runs.RUNS_TABLE)}")
    return counts


def check_results(spark: SparkSession) -> None:
    """UserError in one line unless every step's result tables come from its last complete run."""
    runs.check_one_run(spark, {tables.step: tables.writes for tables in STEPS}, ML_HINT)
