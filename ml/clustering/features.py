"""The study's k-means features of a movies mart: every genre flag, then the average rating."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

GENRE_PREFIX = "genre_"
RATING_FEATURE = "avg_rating"
FEATURES = "features"


def genre_columns(movies: DataFrame) -> list[str]:
    """The one-hot genre columns of a movies mart, in table order (the seed decides which)."""
    return [name for name in movies.columns if name.startswith(GENRE_PREFIX)]


def feature_columns(movies: DataFrame) -> list[str]:
    """The study's k-means features: every genre flag, then the average rating."""
    genres = genre_columns(movies)
    if not genres or RATING_FEATURE not in movies.columns:
        raise ValueError(f"expected genre_* columns and {RATING_FEATURE}, got {movies.columns}")
    return [*genres, RATING_FEATURE]


def assemble_features(movies: DataFrame, keep: list[str] | None = None) -> DataFrame:
    """movie_id, the `keep` columns and `features`: the feature columns as one dense vector."""
    from pyspark.ml.feature import VectorAssembler

    assembler = VectorAssembler(inputCols=feature_columns(movies), outputCol=FEATURES, handleInvalid="error")
    return assembler.transform(movies).select("movie_id", *(keep or []), FEATURES)
