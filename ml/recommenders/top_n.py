"""Top-N lists that leave out what a user rated in train: from an ALSModel's factors (every user's
movies, every movie's users), scored on the driver with numpy when they fit there and in Spark
when they do not; from a fixed score per movie (the baselines); and each movie's most similar
movies."""

from __future__ import annotations

from functools import reduce
from typing import TYPE_CHECKING

import numpy as np

from ml.recommenders.factors import CollectedFactors, CollectedPairs, Factors, fits_on_driver, id_positions

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.ml.recommendation import ALSModel
    from pyspark.sql import Column, DataFrame, SparkSession

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
# time (8 bytes each)
SCORE_BLOCK_CELLS = 2**24


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


def top_unseen_by_score(
    scores: DataFrame, train: DataFrame, n: int, seen: SeenPairs | None = None
) -> DataFrame:
    """user_id, rank, movie_id, score: for every user of `train`, the `n` best-scored movies of
    `scores` (movie_id, score) that the user did not rate in train (ties to the smaller id).

    On the driver, when `scores` and train's pairs (`seen`: SeenPairs of train) fit there: the
    lists of a factor model of rank 1, every user's factor 1 and every movie's its score (in
    double, so ties are those of the scores). In Spark otherwise: a user who rated s movies finds
    their n unseen ones among the n + s best, so each user is joined to that many positions only,
    n + s rows per user, linear in the size of train."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    seen = seen or SeenPairs(train)
    # users are at most as many as the pairs: an id and a factor each, like the movies
    if _fits_with_seen(2 * (scores.count() + seen.rows), seen.rows):
        movies = scores.orderBy("movie_id").toPandas()
        users = np.unique(seen.collected()["user_id"].to_numpy())
        lists = local_top_unseen(
            (users, np.ones((len(users), 1))),
            (movies["movie_id"].to_numpy(), movies[["score"]].to_numpy()),
            seen,
            n,
        )
        return lists_frame(train.sparkSession, lists)

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


def best_cells(scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, columns, ranks): for each row of `scores`, the columns of its n highest finite scores
    and their ranks from 1, highest first, ties to the smaller column; by row, then rank.

    No partition of whole rows: the peaks of PEAK_CHUNK-column chunks give a bound (n chunks
    each hold a score of at least their peak, so a row's n-th highest is at least its n-th
    highest peak); the few cells reaching it are sorted. At scale 1.0 a row has ~20,000 columns
    and ~11 cells reach the bound."""
    width = scores.shape[1]
    n = min(n, width)
    if n == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64)
    starts = np.arange(0, width, max(1, min(PEAK_CHUNK, width // n)))
    peaks = np.fmax.reduceat(scores, starts, axis=1)
    peaks[~np.isfinite(peaks)] = -np.inf  # a chunk peaking at no finite score bounds nothing
    bound = np.partition(peaks, len(starts) - n, axis=1)[:, len(starts) - n]
    # the flat positions, then rows and columns: 2-d nonzero took 6x longer (61 s of the lists at
    # scale 1.0 with rating_cap null)
    row, column = np.divmod(np.flatnonzero(scores >= bound[:, None]), width)
    value = scores[row, column]
    finite = np.isfinite(value)
    row, column, value = row[finite], column[finite], value[finite]
    order = np.lexsort((column, -value, row))
    row, column = row[order], column[order]
    rank = np.arange(1, len(row) + 1) - np.searchsorted(row, row)  # from each row's first cell
    best = rank <= n
    return row[best], column[best], rank[best]


def most_similar(movies: Factors, n: int) -> list[tuple[int, int, int, float]]:
    """(movie_id, rank, similar_movie_id, similarity): each movie's n movies of highest cosine
    similarity of factors (itself left out; ties to the smaller id: the ids are sorted). Blocks of
    rows keep memory at BLOCK_ROWS x movies."""
    ids, factors = movies
    factors = factors.astype(np.float64)  # collected as floats; the cosines in double
    norms = np.linalg.norm(factors, axis=1)
    unit = factors / np.where(norms > 0, norms, 1.0)[:, None]
    rows = []
    for start in range(0, len(ids), BLOCK_ROWS):
        similarity = unit[start : start + BLOCK_ROWS] @ unit.T
        block = np.arange(similarity.shape[0])
        similarity[block, start + block] = -np.inf  # not similar to itself
        row, column, rank = best_cells(similarity, n)
        rows.extend(
            zip(
                ids[start + row].tolist(),
                rank.tolist(),
                ids[column].tolist(),
                similarity[row, column].tolist(),
                strict=True,
            )
        )
    return rows


class _LocalPairs:
    """Pairs already in a pandas frame, read as CollectedPairs reads a Spark one."""

    def __init__(self, frame: pd.DataFrame):
        self.pandas, self.rows = frame, len(frame)


class SeenPairs:
    """The (user_id, movie_id) pairs that lists leave out (`pairs`: a pandas frame, or a Spark one
    collected on first use), and their rows and columns among a model's factor ids, kept per side
    for the ids last asked: every model fitted on the same ratings has the same ids, so the lists
    of all of them collect and place the pairs once (at scale 1.0 with rating_cap null, 17.4M
    pairs collected, placed and sorted again for each of five lists took about 70 s)."""

    def __init__(self, pairs: pd.DataFrame | DataFrame):
        import pandas as pd

        local = isinstance(pairs, pd.DataFrame)
        self._pairs = _LocalPairs(pairs) if local else CollectedPairs(pairs.select(*SIDES["user"]))
        self._positions: dict[str, tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]] = {}

    @property
    def rows(self) -> int:
        """How many pairs: counted once, without collecting them."""
        return self._pairs.rows

    def collected(self) -> pd.DataFrame:
        return self._pairs.pandas

    def positions(
        self, source_ids: np.ndarray, target_ids: np.ndarray, side: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """(rows, columns): each pair's position in `source_ids` (ids of side's key) and in
        `target_ids`, sorted by row; pairs of an id without factors left out."""
        kept = self._positions.get(side)
        if kept is None or not (np.array_equal(kept[0], source_ids) and np.array_equal(kept[1], target_ids)):
            key, other = SIDES[side]
            pairs = self.collected()
            rows = id_positions(source_ids, pairs[key].to_numpy())
            columns = id_positions(target_ids, pairs[other].to_numpy())
            known = (rows >= 0) & (columns >= 0)
            order = np.argsort(rows[known], kind="stable")
            sorted_pairs = (rows[known][order].astype(np.int32), columns[known][order].astype(np.int32))
            kept = self._positions[side] = (source_ids, target_ids, sorted_pairs)
        return kept[2]


def local_top_unseen(
    sources: Factors, targets: Factors, seen: SeenPairs, k: int, side: str = "user"
) -> pd.DataFrame:
    """key, rank, other, score for side 'user' (key user_id: `sources` are the users, `targets`
    the movies) or 'movie' (the other way round): for each key id of `seen` (what was rated) that
    has factors, the k best-scored others it is not paired with in `seen`, ties to the smaller
    id. top_unseen's lists, from collected factors scored with numpy in blocks of rows: matrix
    products instead of Spark jobs."""
    import pandas as pd

    key, other = SIDES[side]
    (source_ids, source_matrix), (target_ids, target_matrix) = sources, targets
    rows, columns = seen.positions(source_ids, target_ids, side)
    ranked = np.unique(rows)
    block_rows = max(1, SCORE_BLOCK_CELLS // max(len(target_ids), 1))
    parts = [(np.empty(0, np.int64),) * 4]  # key, rank, other, score of every block
    for start in range(0, len(ranked), block_rows):
        block = ranked[start : start + block_rows]
        scores = source_matrix[block] @ target_matrix.T
        # the block's seen pairs: `ranked` is sorted and holds every seen row, so they are contiguous
        first, last = np.searchsorted(rows, block[0], "left"), np.searchsorted(rows, block[-1], "right")
        scores[np.searchsorted(block, rows[first:last]), columns[first:last]] = -np.inf
        row, column, rank = best_cells(scores, k)
        parts.append((source_ids[block[row]], rank, target_ids[column], scores[row, column]))
    names = (key, "rank", other, "score")
    frame = pd.DataFrame(
        {name: np.concatenate(values) for name, values in zip(names, zip(*parts, strict=True), strict=True)}
    )
    return frame.astype({key: "int32", "rank": "int32", other: "int32", "score": "float32"})


def top_unseen_lists(
    factors: CollectedFactors, train: DataFrame, n: int, side: str, seen: SeenPairs | None = None
) -> DataFrame:
    """top_unseen's lists of a model (its `factors`; key, rank, other, score as float), on the
    driver from the collected factors when they and train's pairs (`seen`: SeenPairs of train,
    shared by the lists of several models) fit in factors.DRIVER_SCORING_BYTES, else in Spark."""
    seen = seen or SeenPairs(train)
    if not _fits_with_seen(factors.values, seen.rows):
        return top_unseen(factors.model, train, n, side)
    users, movies = factors.arrays
    sources, targets = (users, movies) if side == "user" else (movies, users)
    lists = local_top_unseen(sources, targets, seen, n, side)
    return lists_frame(train.sparkSession, lists)


def _fits_with_seen(values: int, pairs: int) -> bool:
    """Whether `values` numbers (the factors and their ids) and `pairs` seen pairs (collected, and
    their positions on either side) fit on the driver."""
    return fits_on_driver(values + 3 * pairs)


def lists_frame(spark: SparkSession, lists: pd.DataFrame) -> DataFrame:
    """local_top_unseen's `lists` as a Spark frame (key, rank, other as int, score as float)."""
    key, rank, other, score = lists.columns
    return spark.createDataFrame(lists, f"{key} int, {rank} int, {other} int, {score} float")


def kept(lists: DataFrame) -> DataFrame:
    """`lists` materialized for reading several times: checkpointed on disk, then cached (compact,
    columnar). A frame made on the driver keeps its rows in its lineage, and every task that reads
    it, even from a cache, carries them (45 MiB a task for a list of every user at scale 1.0, in
    every job that reads it); the checkpoint cuts that lineage."""
    from pyspark import StorageLevel

    return lists.localCheckpoint(storageLevel=StorageLevel.DISK_ONLY).cache()
