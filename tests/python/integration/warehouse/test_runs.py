"""The test build's result tables each carry their step's last complete run id (ml_runs), and a
table of another run is refused in one line (ml/warehouse/runs.py)."""

from __future__ import annotations

import pytest

from ml import UserError
from ml.warehouse.catalog import ML_HINT, STEPS, check_results
from ml.warehouse.runs import RUN_ID_COLUMN, check_one_run, stamped
from ml.warehouse.tables import qualified, write_table


def test_every_result_table_holds_its_steps_committed_run(table):
    committed = {row.step: row.run_id for row in table("ml_runs").collect()}
    assert set(committed) == {step.step for step in STEPS}
    for step in STEPS:
        for name in step.writes:
            run_ids = {row[RUN_ID_COLUMN] for row in table(name).select(RUN_ID_COLUMN).distinct().collect()}
            assert run_ids == {committed[step.step]}, name
    check_results(table("ml_runs").sparkSession)  # passes: one run per step


def test_a_table_of_another_run_is_refused_in_one_line(spark, table):
    # a stand-in for a table an interrupted run left: the kmeans run's tables and one of another run
    name = "pytest_table_of_another_run"
    kmeans = next(step for step in STEPS if step.step == "kmeans")
    try:
        write_table(stamped(spark.createDataFrame([(1,)], "k int"), "kmeans-another"), name)
        with pytest.raises(UserError) as error:
            check_one_run(spark, {"kmeans": (*kmeans.writes, name)}, ML_HINT)
        committed = table("ml_runs").where("step = 'kmeans'").first().run_id
        assert str(error.value) == (
            f"{qualified(name)} holds run kmeans-another, not kmeans's last complete run {committed}: "
            "a run of `python -m ml kmeans` stopped between its writes; run it again"
        )
    finally:
        spark.sql(f"drop table if exists {qualified(name)}")
