"""Part 4 of the page, the run facts: data, vars, versions, and how long the models and the dbt
build took."""

from __future__ import annotations

import json
import platform
from collections import Counter
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ml.progress import clock
from ml.warehouse import artifacts
from ml.warehouse.project import project_vars
from ml.warehouse.tables import read_table

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from ml.reporting.page import Page

PACKAGES = ("dbt-core", "dbt-spark", "pyspark", "pandas", "matplotlib")
OK = ("success", "pass")  # dbt's statuses of a node that built or a test that passed
# (step, key of its meta.json, label): the model searches whose timing the facts give
TIMED_STEPS = (("kmeans", "sweep_seconds", "k-means sweep"), ("als", "tuning_seconds", "ALS tuning"))


def add_run_facts(spark: SparkSession, page: Page, values: dict[str, Any], dbt_results: Path | None) -> None:
    import pandas as pd

    page.heading("run-facts")
    ratings = read_table(spark, "eda_rating_distribution").agg({"ratings_raw": "sum"}).first()[0]
    facts = [
        ("data folder", str(values["movielens_dir"])),
        ("vars", changed_vars(values, project_vars())),
        ("valid ratings of listed movies", f"{int(ratings):,}"),
        ("versions", _versions(spark.version)),
        ("report written", page.written),
    ]
    for step, key, label in TIMED_STEPS:
        meta = artifacts.saved_meta(step)
        if meta is not None:
            facts.append((label, f"{clock(meta[key])} (model fitted {meta['fitted_at']})"))
    if dbt_results and dbt_results.is_file():
        facts.append(("dbt build", dbt_build_fact(json.loads(dbt_results.read_text()))))
    page.table(pd.DataFrame(facts, columns=["what", "value"]))


def changed_vars(values: dict[str, Any], defaults: dict[str, Any]) -> str:
    """The vars that differ from dbt_project.yml's, as JSON, or that none does."""
    changed = {name: value for name, value in values.items() if defaults.get(name) != value}
    return json.dumps(changed) if changed else "defaults (dbt_project.yml)"


def _versions(spark_version: str) -> str:
    installed = []
    for name in PACKAGES:
        try:
            installed.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return f"Spark {spark_version}, Python {platform.python_version()}, " + ", ".join(installed)


def dbt_build_fact(results: dict[str, Any]) -> str:
    """How long the dbt build of run_results.json `results` took, what it ran and what failed."""
    # exposures are listed as no-op: they are documentation, nothing ran
    statuses = Counter(node["status"] for node in results["results"] if node["status"] != "no-op")
    others = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()) if status not in OK)
    return (
        f"{clock(results['elapsed_time'])} for {sum(statuses.values())} seeds, models and tests "
        f"({others or 'all passed'}), started {results['metadata']['invocation_started_at']}"
    )
