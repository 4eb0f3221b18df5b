"""Python side of movielens-dbt-spark: data download, environment checks and the Spark session
shared with dbt (the ML steps build on these)."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
"""Root of the dbt project: profiles/, models/ and the default `.spark/` state live here."""


class UserError(Exception):
    """A problem the user can fix (missing data, wrong setting); the CLI prints it on one line."""
