"""The baselines ALS must beat, fitted on the same train ratings.

- Bias baseline (rating error): global mean + movie bias + user bias, each bias a damped mean of
  the residuals, r ≈ mu + b_movie + b_user (Koren, "Factor in the neighbors", 2010, eq. 2-3).
  A user or movie absent from train gets bias 0.
- Most popular (ranking): every user gets the movies with most train ratings, minus those they
  rated in train.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ml.evaluate import clip_rating

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

# Damping: a bias moves away from 0 only as ratings accumulate (Koren's values for Netflix data)
MOVIE_DAMPING = 25.0
USER_DAMPING = 10.0


@dataclass
class BiasModel:
    global_mean: float
    movie_bias: DataFrame  # movie_id, movie_bias
    user_bias: DataFrame  # user_id, user_bias

    def predict(self, pairs: DataFrame) -> DataFrame:
        """`pairs` with `prediction` = mu + b_movie + b_user, clipped to the rating scale."""
        from pyspark.sql import functions as F

        return (
            pairs.join(self.movie_bias, "movie_id", "left")
            .join(self.user_bias, "user_id", "left")
            .withColumn(
                "prediction",
                clip_rating(
                    F.lit(self.global_mean)
                    + F.coalesce(F.col("movie_bias"), F.lit(0.0))
                    + F.coalesce(F.col("user_bias"), F.lit(0.0))
                ),
            )
            .drop("movie_bias", "user_bias")
        )


def fit_bias_model(
    train: DataFrame, movie_damping: float = MOVIE_DAMPING, user_damping: float = USER_DAMPING
) -> BiasModel:
    """Biases from train (user_id, movie_id, rating): movie biases first, user biases on what the
    movie biases leave."""
    from pyspark.sql import functions as F

    global_mean = train.select(F.avg("rating")).first()[0]
    movie_bias = (
        train.groupBy("movie_id")
        .agg((F.sum(F.col("rating") - global_mean) / (F.count(F.lit(1)) + movie_damping)).alias("movie_bias"))
        .cache()
    )
    user_bias = (
        train.join(movie_bias, "movie_id")
        .groupBy("user_id")
        .agg(
            (
                F.sum(F.col("rating") - global_mean - F.col("movie_bias"))
                / (F.count(F.lit(1)) + user_damping)
            ).alias("user_bias")
        )
        .cache()
    )
    return BiasModel(global_mean, movie_bias, user_bias)


def popularity(train: DataFrame) -> DataFrame:
    """movie_id, score: the number of train ratings."""
    from pyspark.sql import functions as F

    return train.groupBy("movie_id").agg(F.count(F.lit(1)).cast("double").alias("score"))


def top_unseen_by_score(scores: DataFrame, train: DataFrame, n: int) -> DataFrame:
    """user_id, rank, movie_id, score: for every user of `train`, the `n` best-scored movies of
    `scores` (movie_id, score) that the user did not rate in train.

    A user who rated s movies finds their n unseen ones among the n + s best, so each user is
    joined to that many positions only: n + s rows per user, linear in the size of train."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    positioned = scores.withColumn(
        "position", F.row_number().over(Window.orderBy(F.desc("score"), F.asc("movie_id")))
    )
    candidates = (
        train.groupBy("user_id")
        .agg(F.count(F.lit(1)).alias("seen"))
        .select("user_id", F.explode(F.sequence(F.lit(1), F.col("seen") + n)).alias("position"))
        .join(positioned, "position")
        .join(train.select("user_id", "movie_id"), ["user_id", "movie_id"], "left_anti")
    )
    rank = F.row_number().over(Window.partitionBy("user_id").orderBy("position"))
    return (
        candidates.withColumn("rank", rank)
        .where(F.col("rank") <= n)
        .select("user_id", "rank", "movie_id", "score")
    )
