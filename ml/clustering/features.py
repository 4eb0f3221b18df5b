"""Model inputs from the marts: the k-means feature vector and the seeded validation hold-out."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

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


def hash_fraction(key_columns: list[str], salt: str) -> Column:
    """A number in [0, 1) from the md5 of `salt` and the key, the same formula as the dbt macro
    hash_fraction: a row's side depends on its key and the salt only, never on partitioning."""
    from pyspark.sql import functions as F

    digest = F.md5(F.concat_ws(":", F.lit(salt), *(F.col(name).cast("string") for name in key_columns)))
    return F.conv(F.substring(digest, 1, 8), 16, 10).cast("bigint") / 4294967296.0


def validation_split(
    frame: DataFrame, key_columns: list[str], validation_fraction: float, seed: int
) -> tuple[DataFrame, DataFrame]:
    """(fit part, validation part) of a train table. The salt differs from the train/test split's
    (plain seed), so the validation rows are an unbiased sample of train."""
    fraction = hash_fraction(key_columns, f"{seed}:validation")
    return frame.where(fraction >= validation_fraction), frame.where(fraction < validation_fraction)
