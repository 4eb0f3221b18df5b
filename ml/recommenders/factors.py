"""What every factor model here shares: pyspark.ml's ALS on (user_id, movie_id, rating), models
whose factors carry offsets (biases) so that they rank and save as one ALSModel, rating
predictions (on the driver from the collected factors when they fit there, else in SQL), and
the factors collected for scoring on the driver."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.ml.recommendation import ALSModel
    from pyspark.sql import DataFrame

RATING_COLUMNS = ["user_id", "movie_id", "rating"]
Factors = tuple[np.ndarray, np.ndarray]  # ids, and their factors as the rows of a matrix
# the most the driver may hold of collected factors, pairs and their scores (8 bytes a value):
# beyond, the lists and predictions are made in Spark
DRIVER_SCORING_BYTES = 4 * 2**30
# id_positions' table indexed by id, for ids up to this many times as many as there are ids
DENSE_IDS = 16
# pairs predicted at a time on the driver: their two factor rows gathered (rank 125: 128 MiB a side)
PREDICTION_CHUNK = 2**18


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


class CollectedFactors:
    """`model`'s factors for scoring on the driver, counted (factor_values) and collected
    (factor_arrays) once, on first use: a model's user lists, audiences, test predictions and
    similar movies all read them (2-5 s a collection at scale 1.0 with rating_cap null)."""

    def __init__(self, model: ALSModel):
        self.model = model

    @cached_property
    def values(self) -> int:
        return factor_values(self.model)

    @cached_property
    def arrays(self) -> tuple[Factors, Factors]:
        return factor_arrays(self.model)


class CollectedPairs:
    """`frame` (user_id, movie_id, ...) counted and collected once, on first use: the test pairs
    that both rating models predict, train's pairs that every top-N list leaves out (SeenPairs)."""

    def __init__(self, frame: DataFrame):
        self.frame = frame

    @cached_property
    def rows(self) -> int:
        return self.frame.count()

    @cached_property
    def values(self) -> int:
        """How many numbers the pairs take collected, with a prediction each."""
        return self.rows * (len(self.frame.columns) + 1)

    @cached_property
    def pandas(self) -> pd.DataFrame:
        return self.frame.toPandas()


def collected_predictions(factors: CollectedFactors, pairs: CollectedPairs) -> pd.DataFrame | None:
    """The pairs collected with `prediction`, as predict_ratings gives them (the pairs of an
    unknown user or movie left out), from the collected factors (local_predictions); None when
    the factors and the pairs do not fit in DRIVER_SCORING_BYTES. At scale 1.0 with rating_cap
    null, the 7.4M test pairs at rank 125 took 8-12 s this way and 36 s by predict_ratings."""
    if not fits_on_driver(factors.values + pairs.values):
        return None
    users, movies = factors.arrays
    frame = pairs.pandas
    known, predictions = local_predictions(
        users, movies, frame["user_id"].to_numpy(), frame["movie_id"].to_numpy()
    )
    return frame[known].assign(prediction=predictions).reset_index(drop=True)


def local_predictions(
    users: Factors, movies: Factors, user_ids: np.ndarray, movie_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(known, predictions): whether each pair's user and movie have factors, and for those pairs
    the dot product of their factors (summed in float, as Spark sums them; returned in double)."""
    rows, columns = id_positions(users[0], user_ids), id_positions(movies[0], movie_ids)
    known = (rows >= 0) & (columns >= 0)
    rows, columns = rows[known], columns[known]
    predictions = np.empty(len(rows))
    for start in range(0, len(rows), PREDICTION_CHUNK):
        chunk = slice(start, start + PREDICTION_CHUNK)
        predictions[chunk] = np.einsum("ij,ij->i", users[1][rows[chunk]], movies[1][columns[chunk]])
    return known, predictions


def id_positions(sorted_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The position of each of `ids` in `sorted_ids` (distinct), -1 where it is missing: looked
    up in a table indexed by id when the ids are dense (MovieLens's are: 7.4M ids placed among
    162,541 in 0.3 s against a binary search's 1.0 s), else by binary search."""
    if len(sorted_ids) == 0:
        return np.full(len(ids), -1)
    if sorted_ids[0] >= 0 and sorted_ids[-1] < DENSE_IDS * len(sorted_ids):
        table = np.full(int(sorted_ids[-1]) + 1, -1)
        table[sorted_ids] = np.arange(len(sorted_ids))
        inside = (ids >= 0) & (ids < len(table))
        return np.where(inside, table[np.where(inside, ids, 0)], -1)
    positions = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
    return np.where(sorted_ids[positions] == ids, positions, -1)


def fits_on_driver(values: int) -> bool:
    """Whether `values` numbers of 8 bytes fit in DRIVER_SCORING_BYTES."""
    return values * 8 <= DRIVER_SCORING_BYTES


def factor_values(model: ALSModel) -> int:
    """How many numbers `model`'s factors take collected: an id and `rank` values per user and
    per movie."""
    return (model.userFactors.count() + model.itemFactors.count()) * (model.rank + 1)


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
