"""The validation hold-out of the train marts, as dbt wrote it: kmeans_movies_train and
als_ratings_train carry `is_validation` (macro validation_holdout: a seeded hash of the key,
var validation_fraction), so dbt's bias marts and ml's searches hold out the same rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

VALIDATION_COLUMN = "is_validation"


def validation_parts(frame: DataFrame) -> tuple[DataFrame, DataFrame]:
    """(fit part, validation part) of a train table, without the flag."""
    from pyspark.sql import functions as F

    if VALIDATION_COLUMN not in frame.columns:
        raise ValueError(f"expected the column {VALIDATION_COLUMN} of a train mart, got {frame.columns}")
    flag = F.col(VALIDATION_COLUMN)
    return frame.where(~flag).drop(VALIDATION_COLUMN), frame.where(flag).drop(VALIDATION_COLUMN)
