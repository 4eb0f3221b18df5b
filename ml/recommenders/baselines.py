"""The baselines ALS must beat, fitted on the same train ratings.

- Bias baseline (rating error): global mean + movie bias + user bias, each bias a damped mean of
  the residuals, r ≈ mu + b_movie + b_user (Koren, "Factor in the neighbors", 2010, eq. 2-3).
  dbt computes them (marts als_movie_biases and als_user_biases, on all of train and on its fit
  part); bias-aware ALS fits its factors to what they leave. A user or movie absent from train
  gets bias 0.
- Most popular (ranking): every user gets the movies with most train ratings, minus those they
  rated in train (top_n.top_unseen_by_score).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ml.recommenders.evaluation import clip_rating

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


@dataclass
class BiasModel:
    global_mean: float
    movie_bias: DataFrame  # movie_id, movie_bias
    user_bias: DataFrame  # user_id, user_bias

    def offsets(self, pairs: DataFrame, name: str = "offset") -> DataFrame:
        """`pairs` with `name` = mu + b_movie + b_user (not clipped)."""
        from pyspark.sql import functions as F

        return (
            pairs.join(self.movie_bias, "movie_id", "left")
            .join(self.user_bias, "user_id", "left")
            .withColumn(
                name,
                F.lit(self.global_mean)
                + F.coalesce(F.col("movie_bias"), F.lit(0.0))
                + F.coalesce(F.col("user_bias"), F.lit(0.0)),
            )
            .drop("movie_bias", "user_bias")
        )

    def user_offsets(self, users: DataFrame) -> DataFrame:
        """user_id, offset = mu + b_user, for each user of `users` (user_id)."""
        from pyspark.sql import functions as F

        return users.join(self.user_bias, "user_id", "left").select(
            "user_id", (F.lit(self.global_mean) + F.coalesce(F.col("user_bias"), F.lit(0.0))).alias("offset")
        )

    def movie_offsets(self) -> DataFrame:
        """movie_id, offset = b_movie."""
        return self.movie_bias.withColumnRenamed("movie_bias", "offset")

    def predict(self, pairs: DataFrame) -> DataFrame:
        """`pairs` with `prediction` = mu + b_movie + b_user, clipped to the rating scale."""
        return self.offsets(pairs, "prediction").withColumn("prediction", clip_rating("prediction"))


def bias_model(movie_biases: DataFrame, user_biases: DataFrame, fitted_on: str = "train") -> BiasModel:
    """The biases dbt fitted (marts als_movie_biases, als_user_biases) on all of train ('train') or
    on its fit part ('fit part')."""
    from pyspark.sql import functions as F

    movies = movie_biases.where(F.col("fitted_on") == fitted_on)
    global_mean = movies.select(F.first("global_mean")).first()[0]
    if global_mean is None:
        raise ValueError(f"als_movie_biases holds no biases fitted on {fitted_on!r}")
    users = user_biases.where(F.col("fitted_on") == fitted_on)
    return BiasModel(
        float(global_mean),
        movies.select("movie_id", "movie_bias").cache(),
        users.select("user_id", "user_bias").cache(),
    )


def popularity(train: DataFrame) -> DataFrame:
    """movie_id, score: the number of train ratings."""
    from pyspark.sql import functions as F

    return train.groupBy("movie_id").agg(F.count(F.lit(1)).cast("double").alias("score"))
