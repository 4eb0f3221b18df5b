"""What every factor model here shares: pyspark.ml's ALS on (user_id, movie_id, rating), models
whose factors carry offsets (biases) so that they rank and save as one ALSModel, rating
predictions in SQL, and the factors collected for scoring on the driver."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.ml.recommendation import ALSModel
    from pyspark.sql import DataFrame

RATING_COLUMNS = ["user_id", "movie_id", "rating"]
Factors = tuple[np.ndarray, np.ndarray]  # ids, and their factors as the rows of a matrix


@dataclass
class Fitted:
    """A fitted model of the ALS step: `model` holds its own factors (similar movies come from
    them), `scorer` scores (user, movie) pairs and ranks (for bias-aware models: the factors with
    the offsets, with_offsets), `points` are what chose it, `fingerprint` what it was fitted on;
    `search_model`, the chosen config's scorer as the search fitted it on the search's fit part
    (when this run searched: bias-aware ALS's is the reranked model's base)."""

    model: ALSModel
    scorer: ALSModel
    points: list[Any]
    fingerprint: dict[str, Any]
    search_model: ALSModel | None = None


def estimator(
    rank: int,
    reg_param: float,
    max_iter: int,
    seed: int,
    blocks: int,
    nonnegative: bool = True,
    implicit: bool = False,
    alpha: float = 1.0,
):
    """pyspark.ml's ALS on (user_id, movie_id, rating): the study's (explicit, non-negative) by
    default; bias-aware ALS fits residuals, which are negative as often as not; the implicit
    ranking model takes `implicit` and `alpha`."""
    from pyspark.ml.recommendation import ALS

    return ALS(
        rank=rank,
        regParam=reg_param,
        maxIter=max_iter,
        seed=seed,
        numUserBlocks=blocks,
        numItemBlocks=blocks,
        nonnegative=nonnegative,
        implicitPrefs=implicit,
        alpha=alpha,
        coldStartStrategy="drop",
        userCol="user_id",
        itemCol="movie_id",
        ratingCol="rating",
    )


def with_offsets(model: ALSModel, user_offsets: DataFrame, movie_offsets: DataFrame) -> ALSModel:
    """`model` with each user's factors extended by (offset, 1) and each movie's by (1, offset)
    (`user_offsets`: user_id, offset; `movie_offsets`: movie_id, offset; a missing offset is 0):
    an ALSModel like any other (transform, recommendForUserSubset, save) whose scores are the
    dot product plus both offsets. So bias-aware ALS ranks and predicts with its biases."""
    from pyspark.ml.recommendation import ALSModel
    from pyspark.sql import functions as F

    one = F.lit(1.0).cast("float")

    def extend(factors: DataFrame, offsets: DataFrame, key: str, user_side: bool) -> DataFrame:
        offset = F.coalesce(F.col("offset"), F.lit(0.0)).cast("float")
        tail = F.array(offset, one) if user_side else F.array(one, offset)
        return (
            factors.join(offsets.withColumnRenamed(key, "id"), "id", "left")
            .select("id", F.concat("features", tail).alias("features"))
            .localCheckpoint()
        )

    users = extend(model.userFactors, user_offsets, "user_id", True)
    movies = extend(model.itemFactors, movie_offsets, "movie_id", False)
    # ALSModel's constructor is private[ml] in Scala, public in the bytecode; copy() carries the
    # params (user and item columns, cold-start strategy) over
    jvm = users.sparkSession.sparkContext._jvm
    java_model = jvm.org.apache.spark.ml.recommendation.ALSModel(
        model.uid, model.rank + 2, users._jdf, movies._jdf
    ).copy(model._java_obj.extractParamMap())
    return ALSModel._from_java(java_model)


def predict_ratings(model: ALSModel, pairs: DataFrame) -> DataFrame:
    """`pairs` (user_id, movie_id, ...) with `prediction`: the dot product of the user's and the
    movie's factors, as ALSModel.transform computes it with coldStartStrategy "drop" (pairs of
    an unknown user or movie leave). Done in SQL, with the movie factors broadcast: at rank 125
    it scored the 833k validation ratings of scale 1.0 in 4.3 s against transform's 17.4 s."""
    from pyspark.sql import functions as F

    users = model.userFactors.select(F.col("id").alias("user_id"), F.col("features").alias("user_factors"))
    movies = model.itemFactors.select(F.col("id").alias("movie_id"), F.col("features").alias("movie_factors"))
    products = F.zip_with("user_factors", "movie_factors", lambda user, movie: user * movie)
    dot = F.aggregate(products, F.lit(0.0).cast("float"), lambda total, product: total + product)
    return (
        pairs.join(F.broadcast(movies), "movie_id")
        .join(users, "user_id")
        .withColumn("prediction", dot)
        .drop("user_factors", "movie_factors")
    )


def factor_arrays(model: ALSModel) -> tuple[Factors, Factors]:
    """(user ids, user factors), (movie ids, movie factors) of `model`, collected, ids sorted."""
    return _collect(model.userFactors), movie_factors(model)


def movie_factors(model: ALSModel) -> Factors:
    """(movie ids, movie factors) of `model`, collected, ids sorted."""
    return _collect(model.itemFactors)


def _collect(factors: DataFrame) -> Factors:
    """Factors as Spark holds them, in float: products of them in float take half the time of
    doubles (the top-N lists on the driver score as Spark's recommendForAll does)."""
    frame: pd.DataFrame = factors.orderBy("id").toPandas()
    return frame["id"].to_numpy(), np.array(frame["features"].tolist(), dtype=np.float32).reshape(
        len(frame), -1
    )
