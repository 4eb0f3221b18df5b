"""The characters a folder of the project may hold: the data folder (MOVIELENS_DIR), the warehouse
(MOVIELENS_SPARK_DIR) and the project's own folder, which the warehouse's default lies in.

Spaces, quotes (') and non-ASCII letters work everywhere: the Makefile quotes every path, SQL
literals escape them (sql_string) and the JVM options quote them. A few characters cannot: Hadoop
reads a path's * ? [ ] { } \\ as a file pattern (so Spark would read other files, or none), and
the JVM options of the profile are quoted with " (Spark's option parser); ` closes the
identifier Spark lists the data folder by. macros/create_movielens_sources.sql refuses the same
set for dbt alone (tests/python/unit/test_paths.py checks they agree).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from ml import UserError

# character -> why it cannot be in a path of the project
REFUSED_CHARACTERS = {
    **dict.fromkeys("*?[]{}\\", "Hadoop reads it as a file pattern"),
    '"': "the profile's JVM options quote paths with it",
    "`": "it closes the identifier Spark lists the data folder by",
}


def check_path(path: Path | str, what: str) -> None:
    """UserError naming the first character of `path` that the project cannot handle, and why."""
    for character in str(path):
        if character in REFUSED_CHARACTERS:
            raise UserError(
                f"{what} {path} holds the character {character}, which the project cannot use in a "
                f"path ({REFUSED_CHARACTERS[character]}); move or rename the folder"
            )


def sql_string(text: str) -> str:
    """`text` as a Spark SQL string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def hadoop_path(uri: str) -> str:
    """A location as the metastore gives it (a URI: file:/my%20data/...) as the path string that
    Hadoop and Spark take (file:/my data/...): given the URI, they would encode its % again."""
    return unquote(uri)
