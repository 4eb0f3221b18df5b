"""The ranking models, chosen by NDCG@top_n of their top-N lists on the validation part, never by
RMSE: their scores rank movies, they do not predict ratings.

- implicit_als: ALS on implicit feedback (Hu, Koren, Volinsky 2008), as pyspark.ml fits it with
  implicitPrefs: every rating is a sign of interest with confidence 1 + alpha x rating; every
  rank x regParam x alpha of the vars implicit_*.
- reranked_bias_als: bias-aware ALS's predicted rating plus popularity_weight x ln(1 + the movie's
  train ratings), for each weight of the var rerank_popularity_weights. A predicted rating alone
  favours movies rated by a handful of fans; the support term is what a user will have heard of.

Both are fitted on the fit part of als_ratings_train and scored against its validation part; the
lists of every config are built on the driver from the collected factors (numpy), not by Spark
jobs. Also the similar movies of a model: the cosine similarity of its item factors.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ml.progress import Progress
from ml.recommenders.baselines import BiasModel
from ml.recommenders.evaluation import ranking_metrics
from ml.recommenders.rating_models import (
    Fitted,
    estimator,
    number_list,
    residuals,
    with_bias,
)
from ml.recommenders.rating_models import best_point as best_rating_point
from ml.warehouse import artifacts

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.ml.recommendation import ALSModel
    from pyspark.sql import DataFrame

IMPLICIT = "implicit_als"
RERANKED = "reranked_bias_als"
MODELS = (IMPLICIT, RERANKED)
# the similarity of every movie with every other (or the scores of every user for every movie),
# this many rows at a time
BLOCK_ROWS = 2048

Factors = tuple[np.ndarray, np.ndarray]  # ids, and their factors as the rows of a matrix


@dataclass(frozen=True)
class RankingSettings:
    ranks: tuple[int, ...]
    reg_params: tuple[float, ...]
    alphas: tuple[float, ...]
    popularity_weights: tuple[float, ...]
    max_iter: int
    seed: int

    @classmethod
    def from_vars(cls, values: dict[str, Any]) -> RankingSettings:
        return cls(
            ranks=tuple(number_list(values, "implicit_ranks", int)),
            reg_params=tuple(number_list(values, "implicit_reg_params", float)),
            alphas=tuple(number_list(values, "implicit_alphas", float)),
            popularity_weights=tuple(
                number_list(values, "rerank_popularity_weights", float, zero_allowed=True)
            ),
            max_iter=values["als_max_iter"],
            seed=values["split_seed"],
        )

    def implicit_grid(self) -> list[tuple[int, float, float]]:
        return list(itertools.product(self.ranks, self.reg_params, self.alphas))


@dataclass
class RankingPoint:
    """A config's NDCG@k on the validation part. For reranked_bias_als, rank and reg_param are
    bias-aware ALS's chosen config and alpha is None; for implicit_als, popularity_weight is None."""

    model: str
    rank: int
    reg_param: float
    alpha: float | None
    popularity_weight: float | None
    validation_ndcg: float
    fit_seconds: float


def implicit_estimator(rank: int, reg_param: float, alpha: float, max_iter: int, seed: int, blocks: int):
    return estimator(rank, reg_param, max_iter, seed, blocks, nonnegative=False, implicit=True, alpha=alpha)


def support(ratings: DataFrame) -> DataFrame:
    """movie_id, support: ln(1 + the movie's ratings in `ratings`)."""
    from pyspark.sql import functions as F

    return ratings.groupBy("movie_id").agg(F.log1p(F.count(F.lit(1))).alias("support"))


def tune(
    fit_part: DataFrame,
    validation_part: DataFrame,
    settings: RankingSettings,
    reranked_base: tuple[ALSModel, tuple[int, float]],
    blocks: int,
    k: int,
    relevant_rating: float,
    progress: Progress | None = None,
) -> list[RankingPoint]:
    """Every implicit ALS config fitted on `fit_part`, and every popularity weight on top of
    `reranked_base` (bias-aware ALS fitted on `fit_part`, with its biases: with_bias; its rank and
    regParam): its top-k unseen movies for the users of `validation_part` (local_top_unseen)
    scored by NDCG@k against their validation ratings."""
    from pyspark.sql import functions as F

    spark = fit_part.sparkSession
    validation_users = validation_part.select("user_id").distinct()
    # the lists are needed for the validation users only; their fit ratings mark what they saw
    seen_pairs = (
        fit_part.join(F.broadcast(validation_users), "user_id").select("user_id", "movie_id").toPandas()
    )

    def ndcg(users: Factors, movies: Factors) -> float:
        lists = spark.createDataFrame(
            local_top_unseen(users, movies, seen_pairs, k),
            "user_id int, rank int, movie_id int, score double",
        )
        return ranking_metrics(lists, validation_part, k, relevant_rating)["ndcg_at_k"]

    points = []
    for rank, reg_param, alpha in settings.implicit_grid():
        started = time.monotonic()
        model = implicit_estimator(rank, reg_param, alpha, settings.max_iter, settings.seed, blocks).fit(
            fit_part
        )
        fit_seconds = time.monotonic() - started
        score = ndcg(*factor_arrays(model))
        points.append(RankingPoint(IMPLICIT, rank, reg_param, alpha, None, score, round(fit_seconds, 3)))
        if progress:
            progress.step(
                f"implicit ALS rank {rank}, regParam {reg_param}, alpha {alpha:g}: validation NDCG@{k} "
                f"{score:.4f}, fit {fit_seconds:.1f} s"
            )
    base_model, (rank, reg_param) = reranked_base
    users, (movie_ids, movie_matrix) = factor_arrays(base_model)
    fit_support = support(fit_part).toPandas().set_index("movie_id")["support"]
    movie_support = fit_support.reindex(movie_ids).fillna(0.0).to_numpy()
    for weight in settings.popularity_weights:
        # the movie offset is the last column (with_offsets): add the weighted support to it
        weighted = movie_matrix.copy()
        weighted[:, -1] += weight * movie_support
        score = ndcg(users, (movie_ids, weighted))
        points.append(RankingPoint(RERANKED, rank, reg_param, None, weight, score, 0.0))
        if progress:
            progress.step(
                f"reranked bias-aware ALS, popularity weight {weight:g}: validation NDCG@{k} {score:.4f}"
            )
    return points


def reranked_offsets(bias: BiasModel, ratings: DataFrame, weight: float) -> DataFrame:
    """movie_id, offset = b_movie + weight x support (ln(1 + the movie's ratings in `ratings`))."""
    from pyspark.sql import functions as F

    return (
        bias.movie_offsets()
        .join(support(ratings), "movie_id", "left")
        .select(
            "movie_id", (F.col("offset") + weight * F.coalesce(F.col("support"), F.lit(0.0))).alias("offset")
        )
    )


def fit(
    train: DataFrame,
    parts: tuple[DataFrame, DataFrame],
    values: dict[str, Any],
    bias_als: Fitted,
    biases: tuple[BiasModel, BiasModel],
    blocks: int,
    refit: bool,
) -> dict[str, Fitted]:
    """Both ranking models, searched together on `parts` by NDCG@top_n (tune), each one's best
    refitted on all of train: implicit ALS fitted again, reranked_bias_als as `bias_als` (fitted
    on train) with its best weight. Reused while their inputs are unchanged."""
    from pyspark.ml.recommendation import ALSModel

    settings = RankingSettings.from_vars(values)
    top_n, relevant_rating = values["top_n"], float(values["relevant_rating"])
    # bias_als's fingerprint holds train's hash, the blocks, the ALS grid and the dampings
    current = {
        "bias_als": bias_als.fingerprint,
        "settings": asdict(settings),
        "k": top_n,
        "relevant_rating": relevant_rating,
    }
    reused = [artifacts.reuse(step, current, ALSModel, step, refit) for step in MODELS]
    train_bias, fit_bias = biases
    if all(reused):
        (implicit, meta), (reranked, _) = reused
        points = [RankingPoint(**point) for point in meta["tuning"]]
        return {
            IMPLICIT: Fitted(implicit, implicit, points, current),
            RERANKED: Fitted(bias_als.model, reranked, points, current),
        }
    base = best_rating_point(bias_als.points)
    print(
        f"ranking models: {len(settings.implicit_grid())} implicit ALS configs (ranks "
        f"{list(settings.ranks)} x regParams {list(settings.reg_params)} x alphas {list(settings.alphas)}) "
        f"and bias-aware ALS (rank {base.rank}, regParam {base.reg_param}) reranked with popularity weights "
        f"{list(settings.popularity_weights)}, NDCG@{top_n} on the validation part"
    )
    started = time.monotonic()
    fit_part = parts[0]
    base_model = estimator(base.rank, base.reg_param, settings.max_iter, settings.seed, blocks, False).fit(
        residuals(fit_part, fit_bias)
    )
    points = tune(
        *parts,
        settings,
        (with_bias(base_model, fit_bias), (base.rank, base.reg_param)),
        blocks,
        top_n,
        relevant_rating,
        Progress("ranking models", tuning_steps(settings)),
    )
    results = {"tuning": [asdict(point) for point in points], "tuning_seconds": time.monotonic() - started}
    best = best_point(points, IMPLICIT)
    implicit = implicit_estimator(
        best.rank, best.reg_param, best.alpha, settings.max_iter, settings.seed, blocks
    ).fit(train)
    weight = best_point(points, RERANKED).popularity_weight
    reranked = with_bias(bias_als.model, train_bias, reranked_offsets(train_bias, train, weight))
    for step, model in ((IMPLICIT, implicit), (RERANKED, reranked)):
        artifacts.save(step, model, current, results)
    print(
        f"ranking models: search took {results['tuning_seconds']:.1f} s; implicit ALS rank {best.rank}, "
        f"regParam {best.reg_param}, alpha {best.alpha:g} refitted on all of train; reranked bias-aware ALS: "
        f"popularity weight {weight:g}; models saved in {artifacts.artifacts_dir()}"
    )
    return {
        IMPLICIT: Fitted(implicit, implicit, points, current),
        RERANKED: Fitted(bias_als.model, reranked, points, current),
    }


def tuning_steps(settings: RankingSettings) -> int:
    return len(settings.implicit_grid()) + len(settings.popularity_weights)


def best_point(points: list[RankingPoint], model: str | None = None) -> RankingPoint:
    """Highest NDCG (of `model`'s points, or of all); on a tie the smaller rank, the stronger
    regularisation, the smaller alpha or popularity weight."""
    return max(
        (point for point in points if model in (None, point.model)),
        key=lambda point: (
            point.validation_ndcg,
            -point.rank,
            point.reg_param,
            -(point.alpha or 0.0),
            -(point.popularity_weight or 0.0),
        ),
    )


def factor_arrays(model: ALSModel) -> tuple[Factors, Factors]:
    """(user ids, user factors), (movie ids, movie factors) of `model`, collected, ids sorted."""
    return _collect(model.userFactors), movie_factors(model)


def movie_factors(model: ALSModel) -> Factors:
    """(movie ids, movie factors) of `model`, collected, ids sorted."""
    return _collect(model.itemFactors)


def _collect(factors: DataFrame) -> Factors:
    frame: pd.DataFrame = factors.orderBy("id").toPandas()
    return frame["id"].to_numpy(), np.array(frame["features"].tolist(), dtype=np.float64).reshape(
        len(frame), -1
    )


def best_columns(scores: np.ndarray, n: int) -> list[list[int]]:
    """For each row of `scores`, the columns of its n highest finite scores, highest first. Every
    column reaching the row's n-th highest is a candidate, so a tie at the boundary goes to the
    smaller column, not to wherever np.partition put it."""
    n = min(n, scores.shape[1])
    nth = -np.partition(-scores, n - 1, axis=1)[:, n - 1]
    best = []
    for row in range(scores.shape[0]):
        candidates = np.flatnonzero((scores[row] >= nth[row]) & np.isfinite(scores[row]))
        best.append(sorted(candidates, key=lambda column, row=row: (-scores[row, column], column))[:n])
    return best


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
    users: Factors, movies: Factors, seen: pd.DataFrame, k: int
) -> list[tuple[int, int, int, float]]:
    """(user_id, rank, movie_id, score): for each user of `seen` (user_id, movie_id: what the user
    rated) who has factors, the k best-scored movies the user did not rate, ties to the smaller
    movie id. The lists of ml.als.top_unseen, from collected factors scored with numpy in blocks
    of users: for the validation users of a search, matrix products instead of Spark jobs."""
    user_ids, user_matrix = users
    movie_ids, movie_matrix = movies
    row_of = {user: row for row, user in enumerate(user_ids)}
    column_of = {movie: column for column, movie in enumerate(movie_ids)}
    seen_movies = seen.groupby("user_id")["movie_id"].agg(list)
    ranked_users = np.array(sorted(set(seen_movies.index) & set(row_of)))
    rows = []
    for start in range(0, len(ranked_users), BLOCK_ROWS):
        block = ranked_users[start : start + BLOCK_ROWS]
        scores = user_matrix[[row_of[user] for user in block]] @ movie_matrix.T
        for row, user in enumerate(block):
            scores[row, [column_of[movie] for movie in seen_movies[user] if movie in column_of]] = -np.inf
        for row, best in enumerate(best_columns(scores, k)):
            for rank, column in enumerate(best, start=1):
                rows.append((int(block[row]), rank, int(movie_ids[column]), float(scores[row, column])))
    return rows
