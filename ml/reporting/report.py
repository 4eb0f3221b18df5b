"""`python -m ml report`: one static HTML page (reports/index.html, images beside it) with the
EDA, the k-means clusters and the ALS results, read from the tables alone (no refitting).

Each part of the page (ml.reporting.sections) reads its tables, computes its aggregates in Spark
(ml.reporting.aggregates) and its figures (ml.reporting.plots); ml.reporting.page renders the
page from its template and puts it into the out folder once all is written, beside what else
the folder holds (ml.reporting.out_folder).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ml.progress import clock
from ml.reporting.out_folder import DEFAULT_OUT
from ml.reporting.page import Page, save
from ml.reporting.sections.als import add_als_section
from ml.reporting.sections.data import add_data_section
from ml.reporting.sections.kmeans import add_kmeans_section
from ml.reporting.sections.run_facts import add_run_facts
from ml.warehouse.catalog import check_results

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def write_report(
    spark: SparkSession,
    values: dict[str, Any],
    out_dir: Path = DEFAULT_OUT,
    dbt_results: Path | None = None,
    log: Any = print,
) -> Path:
    """Write the page and its images into `out_dir` (each replaced once all are written); its path."""
    started = time.monotonic()
    check_results(spark)  # the result tables of one run per step, or a one-line refusal
    page = Page()
    add_data_section(spark, page, values)
    log(f"report: data section ({clock(time.monotonic() - started)})")
    add_kmeans_section(spark, page, values)
    log(f"report: k-means section ({clock(time.monotonic() - started)})")
    add_als_section(spark, page, values)
    log(f"report: ALS section ({clock(time.monotonic() - started)})")
    add_run_facts(spark, page, values, dbt_results)
    written = save(page, out_dir)
    log(f"report: wrote {written} ({len(page.figures)} figures) in {clock(time.monotonic() - started)}")
    return written
