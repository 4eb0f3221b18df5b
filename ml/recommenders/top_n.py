"""Top-N lists that leave out what a user rated in train: from an ALSModel's factors (every user's
movies, every movie's users), scored on the driver with numpy when they fit there and in Spark
when they do not; from a fixed score per movie (the baselines); and each movie's most similar
movies."""

from __future__ import annotations

from functools import reduce
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from ml.recommenders.factors import Factors

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.ml.recommendation import ALSModel
    from pyspark.sql import Column, DataFrame

SIDES = {"user": ("user_id", "movie_id"), "movie": ("movie_id", "user_id")}
# top_unseen's first request per id: n + its train ratings rounded up to a power of two, at most
# n + FIRST_EXTRA; an id left with fewer than n unseen asks again for TOP_K_GROWTH times as many
FIRST_EXTRA = 64
TOP_K_GROWTH = 4
# best_columns' chunks: their peaks bound each row's n-th highest score
PEAK_CHUNK = 256
# the similarity of every movie with every other, this many rows at a time
BLOCK_ROWS = 2048
# the scores of every user for every movie (or the other way round) on the driver, this many at a
# time (8 bytes each), and the most the factors and train's pairs may take there: beyond, in Spark
SCORE_BLOCK_CELLS = 2**24
DRIVER_SCORING_BYTES = 4 * 2**30


def _union(frames: list[DataFrame]) -> DataFrame:
    return reduce(lambda left, right: left.unionByName(right), frames)


def top_unseen(
    model: ALSModel, train: DataFrame, n: int, side: str, first_extra: int = FIRST_EXTRA
) -> DataFrame:
    """For side 'user': user_id, rank, movie_id, score — every train user's n best-scored movies
    that the user did not rate in train. For side 'movie': movie_id, rank, user_id, score — every
    train movie's n best-scored users among those who did not rate it.

    ALS's own top-k cannot skip the rated pairs. Each id first asks for n + its train ratings
    (rounded up to a power of two, at most n + first_extra: rated pairs rarely fill a top list,
    and a movie with 50,000 ratings must not ask for 50,000 users); ids whose list then holds
    fewer than n unseen, or whose n-th unseen ties the list's last score, ask again for
    TOP_K_GROWTH times as many, until that is settled or the list holds every candidate. Ids
    asking for the same k are asked together."""
    from pyspark.sql import functions as F

    key, other = SIDES[side]
    candidates = train.select(other).distinct().count()
    first_k = F.least(
        F.lit(n) + F.pow(F.lit(2), F.ceil(F.log2(F.count(F.lit(1))))), F.lit(n + first_extra)
    ).cast("int")
    # each round's ids come from the last round's: checkpoints cut that lineage, or the plans (and
    # their strings, which adaptive execution builds at every stage) would grow round by round
    pending = train.groupBy(key).agg(first_k.alias("need")).localCheckpoint()
    done = []
    while pending.take(1):
        returned = _ask(model, pending, side).cache()
        unseen = _unseen_ranked(returned, train.select(key, other), side, n).cache()
        complete = _complete(pending, returned, unseen, side, n, candidates)
        done.append(unseen.join(complete, key).select(key, "rank", other, "score"))
        pending = (
            pending.join(complete, key, "left_anti")
            .withColumn("need", F.least(F.col("need") * TOP_K_GROWTH, F.lit(candidates)).cast("int"))
            .localCheckpoint()
        )
    return _union(done)


def _ask(model: ALSModel, pending: DataFrame, side: str) -> DataFrame:
    """key, other, score, asked: each pending id's `need` best-scored others, as ALS ranks them."""
    from pyspark.sql import functions as F

    key, other = SIDES[side]
    recommend = model.recommendForUserSubset if side == "user" else model.recommendForItemSubset
    parts = []
    for (size,) in pending.select("need").distinct().orderBy("need").collect():
        recommended = recommend(pending.where(F.col("need") == size).select(key), size)
        parts.append(
            recommended.select(key, F.explode("recommendations").alias("item")).select(
                key,
                F.col(f"item.{other}").alias(other),
                F.col("item.rating").alias("score"),
                F.lit(size).alias("asked"),
            )
        )
    return _union(parts)


def _rank(side: str) -> Column:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    key, other = SIDES[side]
    return F.row_number().over(Window.partitionBy(key).orderBy(F.desc("score"), F.asc(other)))


def _unseen_ranked(returned: DataFrame, seen: DataFrame, side: str, n: int) -> DataFrame:
    from pyspark.sql import functions as F

    key, other = SIDES[side]
    ranked = returned.join(seen, [key, other], "left_anti").withColumn("rank", _rank(side))
    return ranked.where(F.col("rank") <= n)


def _complete(
    pending: DataFrame, returned: DataFrame, unseen: DataFrame, side: str, n: int, candidates: int
) -> DataFrame:
    """The pending ids whose list is settled: the n-th unseen scores above the list's last score,
    so nothing outside the list can reach it (ties included), or the list held every candidate."""
    from pyspark.sql import functions as F

    key = SIDES[side][0]
    floor = returned.groupBy(key).agg(F.min("score").alias("floor"))
    nth = unseen.where(F.col("rank") == n).select(key, F.col("score").alias("nth"))
    return (
        pending.join(floor, key, "left")
        .join(nth, key, "left")
        .where((F.col("nth") > F.col("floor")) | (F.col("need") >= candidates))
        .select(key)
    )


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


def best_columns(scores: np.ndarray, n: int) -> list[list[int]]:
    """For each row of `scores`, the columns of its n highest finite scores, highest first, ties
    to the smaller column.

    No partition of whole rows: the peaks of PEAK_CHUNK-column chunks give a bound (n chunks
    each hold a score of at least their peak, so a row's n-th highest is at least its n-th
    highest peak); the few cells reaching it are sorted. At scale 1.0 a row has ~20,000 columns
    and ~11 cells reach the bound."""
    rows, width = scores.shape
    n = min(n, width)
    if n == 0:
        return [[] for _ in range(rows)]
    starts = np.arange(0, width, max(1, min(PEAK_CHUNK, width // n)))
    peaks = np.fmax.reduceat(scores, starts, axis=1)
    peaks[~np.isfinite(peaks)] = -np.inf  # a chunk peaking at no finite score bounds nothing
    bound = np.partition(peaks, len(starts) - n, axis=1)[:, len(starts) - n]
    row, column = np.nonzero(scores >= bound[:, None])
    value = scores[row, column]
    finite = np.isfinite(value)
    row, column, value = row[finite], column[finite], value[finite]
    order = np.lexsort((column, -value, row))
    row, column = row[order], column[order]
    first = np.searchsorted(row, np.arange(rows + 1))
    return [column[start : min(end, start + n)].tolist() for start, end in pairwise(first)]


def most_similar(movies: Factors, n: int) -> list[tuple[int, int, int, float]]:
    """(movie_id, rank, similar_movie_id, similarity): each movie's n movies of highest cosine
    similarity of factors (itself left out; ties to the smaller id: the ids are sorted). Blocks of
    rows keep memory at BLOCK_ROWS x movies."""
    ids, factors = movies
    norms = np.linalg.norm(factors, axis=1)
    unit = factors / np.where(norms > 0, norms, 1.0)[:, None]
    rows = []
    for start in range(0, len(ids), BLOCK_ROWS):
        similarity = unit[start : start + BLOCK_ROWS] @ unit.T
        block = np.arange(similarity.shape[0])
        similarity[block, start + block] = -np.inf  # not similar to itself
        for row, best in enumerate(best_columns(similarity, n)):
            for position, column in enumerate(best, start=1):
                rows.append(
                    (int(ids[start + row]), position, int(ids[column]), float(similarity[row, column]))
                )
    return rows


def local_top_unseen(
    sources: Factors, targets: Factors, seen: pd.DataFrame, k: int, side: str = "user"
) -> list[tuple[int, int, int, float]]:
    """(key, rank, other, score) for side 'user' (key user_id: `sources` are the users, `targets`
    the movies) or 'movie' (the other way round): for each key id of `seen` (user_id, movie_id:
    what was rated) that has factors, the k best-scored others it is not paired with in `seen`,
    ties to the smaller id. top_unseen's lists, from collected factors scored with numpy in blocks
    of rows: matrix products instead of Spark jobs."""
    key, other = SIDES[side]
    source_ids, source_matrix = sources
    target_ids, target_matrix = targets
    rows, columns = (
        _positions(source_ids, seen[key].to_numpy()),
        _positions(target_ids, seen[other].to_numpy()),
    )
    known = (rows >= 0) & (columns >= 0)
    order = np.argsort(rows[known], kind="stable")
    rows, columns = rows[known][order], columns[known][order]
    ranked = np.unique(rows)
    block_rows = max(1, SCORE_BLOCK_CELLS // max(len(target_ids), 1))
    lists = []
    for start in range(0, len(ranked), block_rows):
        block = ranked[start : start + block_rows]
        scores = source_matrix[block] @ target_matrix.T
        # the block's seen pairs: `ranked` is sorted and holds every seen row, so they are contiguous
        first, last = np.searchsorted(rows, block[0], "left"), np.searchsorted(rows, block[-1], "right")
        scores[np.searchsorted(block, rows[first:last]), columns[first:last]] = -np.inf
        for row, best in enumerate(best_columns(scores, k)):
            source = int(source_ids[block[row]])
            lists.extend(
                (source, rank, int(target_ids[column]), float(scores[row, column]))
                for rank, column in enumerate(best, start=1)
            )
    return lists


def _positions(sorted_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The position of each of `ids` in `sorted_ids`, -1 where it is missing."""
    if len(sorted_ids) == 0:
        return np.full(len(ids), -1)
    positions = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
    return np.where(sorted_ids[positions] == ids, positions, -1)


def top_unseen_lists(model: ALSModel, train: DataFrame, n: int, side: str) -> DataFrame:
    """top_unseen's lists (key, rank, other, score as float), on the driver from the collected
    factors when they and train's pairs fit in DRIVER_SCORING_BYTES, else in Spark."""
    import pandas as pd

    from ml.recommenders.factors import factor_arrays

    key, other = SIDES[side]
    pairs = train.count()
    cells = model.userFactors.count() + model.itemFactors.count()
    if (cells * (model.rank + 1) + 2 * pairs) * 8 > DRIVER_SCORING_BYTES:
        return top_unseen(model, train, n, side)
    users, movies = factor_arrays(model)
    sources, targets = (users, movies) if side == "user" else (movies, users)
    lists = local_top_unseen(sources, targets, train.select(key, other).toPandas(), n, side)
    frame = pd.DataFrame(lists, columns=[key, "rank", other, "score"]).astype(
        {key: "int32", "rank": "int32", other: "int32", "score": "float32"}
    )
    return train.sparkSession.createDataFrame(frame, f"{key} int, rank int, {other} int, score float")


def kept(lists: DataFrame) -> DataFrame:
    """`lists` materialized for reading several times: checkpointed on disk, then cached (compact,
    columnar). A frame made on the driver keeps its rows in its lineage, and every task that reads
    it, even from a cache, carries them (45 MiB a task for a list of every user at scale 1.0, in
    every job that reads it); the checkpoint cuts that lineage."""
    from pyspark import StorageLevel

    return lists.localCheckpoint(storageLevel=StorageLevel.DISK_ONLY).cache()
