"""The catalog of the ml steps' tables against dbt's declaration of them (source `ml`)."""

import yaml

from ml import PROJECT_DIR
from ml.warehouse.catalog import RESULT_TABLES, STEPS


def test_the_result_tables_are_the_dbt_source_ml():
    sources = yaml.safe_load((PROJECT_DIR / "models" / "ml" / "_ml__sources.yml").read_text())["sources"]
    declared = [table["name"] for source in sources if source["name"] == "ml" for table in source["tables"]]
    assert sorted(declared) == sorted(RESULT_TABLES)
    assert len(set(RESULT_TABLES)) == len(RESULT_TABLES)  # each table written by one step


def test_every_step_reads_tables_dbt_builds():
    models = {path.stem for path in (PROJECT_DIR / "models").rglob("*.sql")}
    seeds = {path.stem for path in (PROJECT_DIR / "seeds").glob("*.csv")}
    for step in STEPS:
        assert set(step.reads) <= models | seeds, step.step
