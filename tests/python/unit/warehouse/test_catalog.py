"""The catalog of the ml steps' tables against dbt's declaration of them (source `ml`)."""

import yaml

from ml import PROJECT_DIR
from ml.warehouse.catalog import ML_TABLES, RESULT_TABLES, STEPS


def ml_source_tables() -> list[dict]:
    sources = yaml.safe_load((PROJECT_DIR / "models" / "ml" / "_ml__sources.yml").read_text())["sources"]
    return [table for source in sources if source["name"] == "ml" for table in source["tables"]]


def test_the_ml_tables_are_the_dbt_source_ml():
    assert sorted(table["name"] for table in ml_source_tables()) == sorted(ML_TABLES)
    assert len(set(RESULT_TABLES)) == len(RESULT_TABLES)  # each table written by one step


def test_dbts_test_of_the_runs_checks_each_steps_tables():
    import re

    test = (PROJECT_DIR / "tests" / "assert_ml_tables_from_their_committed_run.sql").read_text()
    mapping = re.search(r"set step_tables = (\{.*?\}) %\}", test, re.S).group(1)
    assert yaml.safe_load(mapping) == {step.step: list(step.writes) for step in STEPS}


def test_every_step_reads_tables_dbt_builds():
    models = {path.stem for path in (PROJECT_DIR / "models").rglob("*.sql")}
    seeds = {path.stem for path in (PROJECT_DIR / "seeds").glob("*.csv")}
    for step in STEPS:
        assert set(step.reads) <= models | seeds, step.step
