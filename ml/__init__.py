"""Python side of movielens-dbt-spark, run as `python -m ml` (cli): data download and checks
(datasets, preflight), the dbt settings and SparkSession it shares with dbt (project, session),
and the ML steps on the dbt marts: features, kmeans, als, baselines, evaluate, with io (tables),
artifacts (saved models), progress, summary, recommend, report (with plots), synth and bench."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
"""Root of the dbt project: profiles/, models/ and the default `.spark/` state live here."""


class UserError(Exception):
    """A problem the user can fix (missing data, wrong setting); the CLI prints it on one line."""
