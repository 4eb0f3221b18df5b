"""Python side of movielens-dbt-spark, run as `python -m ml` (cli), grouped by job:

- settings: every var the ml steps read, checked once; holdout: the train marts' hold-out flag;
  pipeline: the order of a run's steps;
- warehouse: the dbt project's vars and profile, the SparkSession, tables in and out (catalog:
  which step reads and writes which), the Thrift Server route, the lock, saved models;
- clustering: the k-means step (features, sweep, silhouette, result tables);
- recommenders: the ALS step (factor models, rating and ranking models, baselines, metrics, top-N);
- reporting: the report page, its plots, summary, recommend and similar;
- tools: data download and file checks, the Java check, synthetic data, bench, the local cluster.

A model step (clustering.step, recommenders.step) reads its tables, calls DataFrame-to-DataFrame
functions and writes its tables: the reading and writing stay at its edges."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
"""Root of the dbt project: profiles/, models/ and the default `.spark/` state live here."""


class UserError(Exception):
    """A problem the user can fix (missing data, wrong setting); the CLI prints it on one line."""
