"""The ranking models, chosen by NDCG@top_n of their top-N lists on the validation part, never by
RMSE: their scores rank movies, they do not predict ratings.

- implicit_als: ALS on implicit feedback (Hu, Koren, Volinsky 2008), as pyspark.ml fits it with
  implicitPrefs: every rating is a sign of interest with confidence 1 + alpha x rating; every
  rank x regParam x alpha of the vars implicit_*.
- reranked_bias_als: bias-aware ALS's predicted rating plus popularity_weight x ln(1 + the movie's
  train ratings), for each weight of the var rerank_popularity_weights. A predicted rating alone
  favours movies rated by a handful of fans; the support term is what a user will have heard of.

Both are fitted on the fit part of als_ratings_train and scored against its validation part; the
lists of every config are built on the driver from the collected factors (top_n.local_top_unseen),
not by Spark jobs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from ml.progress import Progress
from ml.recommenders.baselines import BiasModel
from ml.recommenders.evaluation import ranking_metrics
from ml.recommenders.factors import Factors, Fitted, estimator, factor_arrays
from ml.recommenders.rating_models import (
    TuningPoint,
    best_rating_config,
    rating_estimator,
    residuals,
    with_bias,
)
from ml.recommenders.sampling import SearchParts, describe
from ml.recommenders.search import most_fits, search
from ml.recommenders.top_n import SeenPairs, lists_frame, local_top_unseen
from ml.settings import RankingSettings
from ml.warehouse import artifacts

if TYPE_CHECKING:
    from pyspark.ml.recommendation import ALSModel
    from pyspark.sql import DataFrame

IMPLICIT = "implicit_als"
RERANKED = "reranked_bias_als"
MODELS = (IMPLICIT, RERANKED)


@dataclass
class RankingPoint:
    """A config's NDCG@k on the validation part, fitted on `fit_ratings` ratings. For
    reranked_bias_als, rank and reg_param are bias-aware ALS's chosen config and alpha is None;
    for implicit_als, popularity_weight is None."""

    model: str
    rank: int
    reg_param: float
    alpha: float | None
    popularity_weight: float | None
    validation_ndcg: float
    fit_seconds: float
    fit_ratings: int = 0


def implicit_estimator(rank: int, reg_param: float, alpha: float, settings: RankingSettings, blocks: int):
    return estimator(
        rank,
        reg_param,
        settings.max_iter,
        settings.seed,
        blocks,
        nonnegative=False,
        implicit=True,
        alpha=alpha,
    )


def support(ratings: DataFrame) -> DataFrame:
    """movie_id, support: ln(1 + the movie's ratings in `ratings`)."""
    from pyspark.sql import functions as F

    return ratings.groupBy("movie_id").agg(F.log1p(F.count(F.lit(1))).alias("support"))


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


def best_ranking_config(points: list[RankingPoint], model: str | None = None) -> RankingPoint:
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


def ndcg_scorer(parts: SearchParts, settings: RankingSettings) -> Callable:
    """A function of (user factors, movie factors) giving the validation NDCG@top_n of the lists
    they make: each validation user's top-N unseen movies, what they rated in the fit part left
    out (local_top_unseen)."""
    from pyspark.sql import functions as F

    fit_part, validation_part = parts.fit, parts.validation
    spark = fit_part.sparkSession
    validation_users = validation_part.select("user_id").distinct()
    # the lists are needed for the validation users only; their fit ratings mark what they saw
    seen = SeenPairs(fit_part.join(F.broadcast(validation_users), "user_id"))

    def ndcg(users: Factors, movies: Factors) -> float:
        lists = lists_frame(spark, local_top_unseen(users, movies, seen, settings.lists.top_n))
        return ranking_metrics(lists, validation_part, settings.lists.top_n, settings.lists.relevant_rating)[
            "ndcg_at_k"
        ]

    return ndcg


def search_implicit_configs(
    parts: SearchParts, ndcg: Callable, settings: RankingSettings, blocks: int, progress: Progress | None
) -> list[RankingPoint]:
    """The implicit ALS configs settings.search picks (search.py), fitted on the fit part of
    `parts`, scored by `ndcg`; in the order fitted."""
    points = []

    def evaluate(config: tuple[int, float, float]) -> float:
        rank, reg_param, alpha = config
        started = time.monotonic()
        model = implicit_estimator(rank, reg_param, alpha, settings, blocks).fit(parts.fit)
        fit_seconds = time.monotonic() - started
        score = ndcg(*factor_arrays(model))
        seconds = round(fit_seconds, 3)
        points.append(RankingPoint(IMPLICIT, rank, reg_param, alpha, None, score, seconds, parts.fit_ratings))
        if progress:
            progress.step(
                f"implicit ALS rank {rank}, regParam {reg_param}, alpha {alpha:g}: validation "
                f"NDCG@{settings.lists.top_n} {score:.4f}, fit {fit_seconds:.1f} s"
            )
        return -score

    search(settings.search.kind, settings.implicit_grid(), evaluate)
    return points


def search_popularity_weights(
    parts: SearchParts,
    ndcg: Callable,
    base: tuple[ALSModel, tuple[int, float]],
    settings: RankingSettings,
    progress: Progress | None,
) -> list[RankingPoint]:
    """Every popularity weight on top of `base` (bias-aware ALS fitted on the fit part of `parts`,
    with its biases: with_bias; its rank and regParam), scored by `ndcg` on the collected factors."""
    base_model, (rank, reg_param) = base
    users, (movie_ids, movie_matrix) = factor_arrays(base_model)
    fit_support = support(parts.fit).toPandas().set_index("movie_id")["support"]
    movie_support = fit_support.reindex(movie_ids).fillna(0.0).to_numpy()
    points = []
    for weight in settings.popularity_weights:
        # the movie offset is the last column (with_offsets): add the weighted support to it
        weighted = movie_matrix.copy()
        weighted[:, -1] += weight * movie_support
        score = ndcg(users, (movie_ids, weighted))
        points.append(RankingPoint(RERANKED, rank, reg_param, None, weight, score, 0.0, parts.fit_ratings))
        if progress:
            progress.step(
                f"reranked bias-aware ALS, popularity weight {weight:g}: validation "
                f"NDCG@{settings.lists.top_n} {score:.4f}"
            )
    return points


def fit_ranking_models(
    train: DataFrame,
    parts: SearchParts,
    settings: RankingSettings,
    bias_als: Fitted,
    biases: tuple[BiasModel, BiasModel],
    blocks: int,
    refit: bool,
) -> dict[str, Fitted]:
    """Both ranking models, searched together on `parts` by NDCG@top_n, each one's best refitted on
    all of train: implicit ALS fitted again, reranked_bias_als as `bias_als` (fitted on train) with
    its best weight. Reused while their inputs are unchanged."""
    from pyspark.ml.recommendation import ALSModel

    # bias_als's fingerprint holds train's hash, the blocks, the ALS grid, the biases' settings and
    # the content of their marts
    current = {"bias_als": bias_als.fingerprint, "settings": asdict(settings)}
    reused = [artifacts.reuse(step, current, ALSModel, step, refit) for step in MODELS]
    if all(reused):
        (implicit, meta), (reranked, _) = reused
        points = [RankingPoint(**point) for point in meta["tuning"]]
    else:
        points, seconds = _search(parts, settings, bias_als, biases[1], blocks)
        started = time.monotonic()
        implicit, reranked = _refit(train, points, settings, bias_als, biases[0], blocks)
        results = {
            "tuning": [asdict(p) for p in points],
            "tuning_seconds": seconds,
            "refit_seconds": time.monotonic() - started,
        }
        for step, model in ((IMPLICIT, implicit), (RERANKED, reranked)):
            artifacts.save(step, model, current, results)
        print(f"ranking models: search took {seconds:.1f} s; models saved in {artifacts.artifacts_dir()}")
    return {
        IMPLICIT: Fitted(implicit, implicit, points, current),
        RERANKED: Fitted(bias_als.model, reranked, points, current),
    }


def _search(
    parts: SearchParts,
    settings: RankingSettings,
    bias_als: Fitted,
    fit_bias: BiasModel,
    blocks: int,
) -> tuple[list[RankingPoint], float]:
    """Both models' configs on the fit part, scored on the validation part; and the seconds taken."""
    base = best_rating_config(bias_als.points)
    grid = settings.implicit_grid()
    fits = most_fits(settings.search.kind, grid)
    print(
        f"ranking models: {len(grid)} implicit ALS configs (ranks {list(settings.ranks)} x regParams "
        f"{list(settings.reg_params)} x alphas {list(settings.alphas)}, search {settings.search.kind}: at "
        f"most {fits} fits) and bias-aware ALS (rank {base.rank}, regParam {base.reg_param}) reranked with "
        f"popularity weights {list(settings.popularity_weights)}, NDCG@{settings.lists.top_n} on the "
        f"validation part, {describe(parts)}"
    )
    started = time.monotonic()
    progress = Progress("ranking models", fits + len(settings.popularity_weights))
    ndcg = ndcg_scorer(parts, settings)
    points = search_implicit_configs(parts, ndcg, settings, blocks, progress)
    base_model = bias_als.search_model or _bias_als_on(parts, base, fit_bias, settings, blocks)
    base_config = (base.rank, base.reg_param)
    points += search_popularity_weights(parts, ndcg, (base_model, base_config), settings, progress)
    return points, time.monotonic() - started


def _bias_als_on(
    parts: SearchParts, base: TuningPoint, fit_bias: BiasModel, settings: RankingSettings, blocks: int
) -> ALSModel:
    """Bias-aware ALS's chosen config fitted on the search's fit part (when its model was saved
    and reused, so that its search's fit is not at hand)."""
    als = rating_estimator((base.rank, base.reg_param), settings, blocks, bias_aware=True)
    return with_bias(als.fit(residuals(parts.fit, fit_bias)), fit_bias)


def _refit(
    train: DataFrame,
    points: list[RankingPoint],
    settings: RankingSettings,
    bias_als: Fitted,
    train_bias: BiasModel,
    blocks: int,
) -> tuple[ALSModel, ALSModel]:
    """implicit ALS's best config refitted on train; bias-aware ALS with its best popularity weight."""
    best = best_ranking_config(points, IMPLICIT)
    implicit = implicit_estimator(best.rank, best.reg_param, best.alpha, settings, blocks).fit(train)
    weight = best_ranking_config(points, RERANKED).popularity_weight
    reranked = with_bias(bias_als.model, train_bias, reranked_offsets(train_bias, train, weight))
    print(
        f"ranking models: implicit ALS rank {best.rank}, regParam {best.reg_param}, alpha {best.alpha:g} "
        f"refitted on all of train; reranked bias-aware ALS: popularity weight {weight:g}"
    )
    return implicit, reranked
