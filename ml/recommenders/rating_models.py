"""ALS recommendations. The study's ALS (explicit ratings, non-negative factors, the rank x
regParam grid tuned by RMSE on a validation part of `als_ratings_train`, the best config refitted
on all of train) and bias-aware ALS (the same search on what dbt's biases leave), then the
ranking models (ml.ranking); all scored on `als_ratings_test` next to two baselines.

Writes `als_tuning`, `ranking_tuning`, `model_metrics`, `user_recommendations`,
`movie_audiences` and `similar_movies`; each final model is saved and reused while
`als_ratings_train` and the settings are unchanged.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import asdict, dataclass
from functools import reduce
from typing import TYPE_CHECKING, Any

from ml import UserError
from ml.clustering.features import validation_split
from ml.progress import Progress
from ml.recommenders.baselines import BiasModel, popularity, read_bias_model, top_unseen_by_score
from ml.recommenders.evaluation import clip_rating, coverage, mean_popularity, ranking_metrics, rating_errors
from ml.warehouse import artifacts
from ml.warehouse.tables import content_hash, frame_from_rows, qualified, read_table, write_table

if TYPE_CHECKING:
    from pyspark.ml.recommendation import ALSModel
    from pyspark.sql import DataFrame, SparkSession

STEP = "als"
RATING_COLUMNS = ["user_id", "movie_id", "rating"]
SEARCHES = ("halving", "grid")
# successive halving keeps the best 1/HALVING_ETA of the configs at each rung
HALVING_ETA = 4
SIDES = {"user": ("user_id", "movie_id"), "movie": ("movie_id", "user_id")}


@dataclass(frozen=True)
class AlsSettings:
    """The study's ALS knobs (dbt vars als_*, validation_fraction, split_seed)."""

    ranks: tuple[int, ...]
    reg_params: tuple[float, ...]
    max_iter: int
    validation_fraction: float
    seed: int
    search: str = "halving"

    @classmethod
    def from_vars(cls, values: dict[str, Any]) -> AlsSettings:
        return cls(
            ranks=tuple(number_list(values, "als_ranks", int)),
            reg_params=tuple(number_list(values, "als_reg_params", float)),
            max_iter=values["als_max_iter"],
            validation_fraction=values["validation_fraction"],
            seed=values["split_seed"],
            search=_search(values),
        )

    def grid(self) -> list[tuple[int, float]]:
        """Every (rank, regParam) pair, ranks outer."""
        return list(itertools.product(self.ranks, self.reg_params))


def _search(values: dict[str, Any]) -> str:
    search = values.get("als_search", "halving")
    if search not in SEARCHES:
        raise UserError(f"var als_search must be one of {', '.join(SEARCHES)}, not {search!r}")
    return search


def halving_rungs(configs: int, max_iter: int) -> list[int]:
    """maxIter of each rung of successive halving: enough rungs that the last one holds one
    quarter's worth of survivors, the last at max_iter and each before it 1/HALVING_ETA of the
    next. 16 configs, max_iter 10: [3, 10] (16 configs at 3 iterations, the best 4 at 10)."""
    rungs = max(1, math.ceil(math.log(max(configs, 1), HALVING_ETA) - 1e-9))
    return [max(1, math.ceil(max_iter / HALVING_ETA ** (rungs - 1 - rung))) for rung in range(rungs)]


def number_list(values: dict[str, Any], name: str, kind: type, zero_allowed: bool = False) -> list:
    """var `name` (a number or a list of them) as a sorted list of distinct `kind`s, each above 0
    (or at least 0)."""
    value = values[name]
    items = value if isinstance(value, list) else [value]
    if not items or any(
        isinstance(item, bool)
        or not isinstance(item, int | float)
        or item < 0
        or (item == 0 and not zero_allowed)
        for item in items
    ):
        least = "numbers of at least 0" if zero_allowed else "positive numbers"
        raise UserError(f"var {name} must be a list of {least}, like [50, 75], not {value!r}")
    if kind is int and any(item != int(item) for item in items):
        raise UserError(f"var {name} must hold whole numbers, not {value!r}")
    return sorted({kind(item) for item in items})


@dataclass
class TuningPoint:
    """A config's validation RMSE after its last rung (`iterations` = that rung's maxIter)."""

    rank: int
    reg_param: float
    validation_rmse: float
    fit_seconds: float
    iterations: int = 0


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
    default; bias-aware ALS fits residuals, which are negative as often as not; the ranking model
    is implicit (ml.ranking)."""
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


def read_train(spark: SparkSession, blocks: int) -> DataFrame:
    """The ratings of als_ratings_train in `blocks` partitions, one per ALS block."""
    return read_table(spark, "als_ratings_train").select(*RATING_COLUMNS).repartition(blocks)


def tuning_parts(train: DataFrame, settings: AlsSettings) -> tuple[DataFrame, DataFrame]:
    """(fit part, validation part) of als_ratings_train, cached."""
    fit_part, validation_part = validation_split(
        train, ["user_id", "movie_id"], settings.validation_fraction, settings.seed
    )
    return fit_part.cache(), validation_part.cache()


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


def residuals(ratings: DataFrame, bias: BiasModel) -> DataFrame:
    """`ratings` with `rating` replaced by what the biases leave: rating - (mu + b_movie + b_user)."""
    from pyspark.sql import functions as F

    return bias.offsets(ratings).withColumn("rating", F.col("rating") - F.col("offset")).drop("offset")


def with_bias(model: ALSModel, bias: BiasModel, movie_offsets: DataFrame | None = None) -> ALSModel:
    """Bias-aware ALS as one ALSModel: `model` (fitted on residuals) scoring mu + b_user + b_movie
    + its dot product, a predicted rating (a user or movie without a bias has bias 0, as in
    BiasModel.offsets). `movie_offsets` (movie_id, offset) replace b_movie."""
    from pyspark.sql import functions as F

    users = model.userFactors.select(F.col("id").alias("user_id"))
    return with_offsets(
        model, bias.user_offsets(users), bias.movie_offsets() if movie_offsets is None else movie_offsets
    )


def tune(
    fit_part: DataFrame,
    validation_part: DataFrame,
    settings: AlsSettings,
    blocks: int,
    progress: Progress | None,
    bias: BiasModel | None = None,
) -> list[TuningPoint]:
    """Fit configs of the grid on `fit_part`, RMSE (clipped) on `validation_part`: one point per
    config. Search "grid": every config at max_iter. Search "halving": every config at the first
    rung's maxIter, the best 1/HALVING_ETA of them at the next rung's, and so on up to max_iter;
    fit_seconds sums a config's rungs. One fit at a time: two side by side were no faster
    (BENCHMARKS.md). With `bias` (fitted on the fit part), bias-aware ALS: the factors fit the
    residuals, and a prediction is the biases plus their product."""
    if bias is not None:
        fit_part = residuals(fit_part, bias).cache()
    rungs = halving_rungs(len(settings.grid()), settings.max_iter) if settings.search == "halving" else []
    rungs = rungs or [settings.max_iter]
    points = {config: TuningPoint(*config, math.inf, 0.0) for config in settings.grid()}
    survivors = list(points)
    for rung, iterations in enumerate(rungs):
        if rung:
            ranked = sorted(survivors, key=lambda config: _ranking_key(points[config]))
            survivors = ranked[: math.ceil(len(survivors) / HALVING_ETA)]
        for rank, reg_param in survivors:
            started = time.monotonic()
            model = estimator(rank, reg_param, iterations, settings.seed, blocks, bias is None).fit(fit_part)
            fit_seconds = time.monotonic() - started
            if bias is not None:
                model = with_bias(model, bias)
            rmse = rating_errors(predict_ratings(model, validation_part))["rmse"]
            point = points[(rank, reg_param)]
            point.validation_rmse, point.iterations = rmse, iterations
            point.fit_seconds = round(point.fit_seconds + fit_seconds, 3)
            if progress:
                progress.step(
                    f"rank {rank}, regParam {reg_param}, {iterations} iterations: validation RMSE "
                    f"{rmse:.4f}, fit {fit_seconds:.1f} s"
                )
    return list(points.values())


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


def tuning_fits(settings: AlsSettings) -> int:
    """How many fits tune() makes (for progress)."""
    configs = len(settings.grid())
    if settings.search == "grid":
        return configs
    fits, survivors = 0, configs
    for rung in range(len(halving_rungs(configs, settings.max_iter))):
        if rung:
            survivors = math.ceil(survivors / HALVING_ETA)
        fits += survivors
    return fits


def _ranking_key(point: TuningPoint) -> tuple[float, int, float]:
    """Lowest validation RMSE; on a tie the smaller rank, then the stronger regularisation."""
    return (point.validation_rmse, point.rank, -point.reg_param)


def best_point(points: list[TuningPoint]) -> TuningPoint:
    """The best of the configs that reached the last rung (RMSEs after fewer iterations are not
    comparable with theirs)."""
    finalists = [point for point in points if point.iterations == max(p.iterations for p in points)]
    return min(finalists, key=_ranking_key)


# top_unseen's first request per id: n + its train ratings rounded up to a power of two, at most
# n + FIRST_EXTRA; an id left with fewer than n unseen asks again for TOP_K_GROWTH times as many
FIRST_EXTRA = 64
TOP_K_GROWTH = 4


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
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    key, other = SIDES[side]
    recommend = model.recommendForUserSubset if side == "user" else model.recommendForItemSubset
    candidates = train.select(other).distinct().count()
    seen = train.select(key, other)
    first_k = F.least(
        F.lit(n) + F.pow(F.lit(2), F.ceil(F.log2(F.count(F.lit(1))))), F.lit(n + first_extra)
    ).cast("int")
    # each round's ids come from the last round's: checkpoints cut that lineage, or the plans (and
    # their strings, which adaptive execution builds at every stage) would grow round by round
    pending = train.groupBy(key).agg(first_k.alias("need")).localCheckpoint()
    rank = F.row_number().over(Window.partitionBy(key).orderBy(F.desc("score"), F.asc(other)))
    done = []
    while pending.take(1):
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
        returned = reduce(lambda left, right: left.unionByName(right), parts).cache()
        unseen = (
            returned.join(seen, [key, other], "left_anti")
            .withColumn("rank", rank)
            .where(F.col("rank") <= n)
            .cache()
        )
        # complete: the n-th unseen scores above the list's last score, so nothing outside the list
        # can reach it (ties included), or the list already held every candidate
        floor = returned.groupBy(key).agg(F.min("score").alias("floor"))
        nth = unseen.where(F.col("rank") == n).select(key, F.col("score").alias("nth"))
        complete = (
            pending.join(floor, key, "left")
            .join(nth, key, "left")
            .where((F.col("nth") > F.col("floor")) | (F.col("need") >= candidates))
            .select(key)
        )
        done.append(unseen.join(complete, key).select(key, "rank", other, "score"))
        pending = (
            pending.join(complete, key, "left_anti")
            .withColumn("need", F.least(F.col("need") * TOP_K_GROWTH, F.lit(candidates)).cast("int"))
            .localCheckpoint()
        )
    return reduce(lambda left, right: left.unionByName(right), done)


def model_metrics_row(
    name: str,
    train: DataFrame,
    test: DataFrame,
    recommendations: DataFrame,
    k: int,
    relevant_rating: float,
    predictions: DataFrame | None = None,
) -> dict[str, Any]:
    """One row of model_metrics: rating errors (if the model predicts ratings), ranking metrics of
    its top-k lists, their catalogue coverage and mean popularity."""
    row: dict[str, Any] = {"model": name, "split": "test", "rmse": None, "mae": None, "rated_pairs": None}
    if predictions is not None:
        row.update(rating_errors(predictions))
    row.update(ranking_metrics(recommendations, test, k, relevant_rating))
    row["k"] = k
    row["coverage"] = coverage(recommendations, train, k)
    row["mean_popularity"] = mean_popularity(recommendations, train, k)
    return row


METRICS_SCHEMA = (
    "model string, split string, rmse double, mae double, rated_pairs long, k int, precision_at_k double, "
    "recall_at_k double, ndcg_at_k double, map_at_k double, coverage double, mean_popularity double, "
    "ranked_users long"
)
RATING_MODELS = ("als", "bias_als")
# var recommendation_model's default: whichever ranking model (ml.ranking) validates better
RANKING = "ranking"


def fingerprint(train_hash: str, settings: AlsSettings, blocks: int, **extra: Any) -> dict[str, Any]:
    """What a rating model is fitted on: als_ratings_train (`train_hash`: io.content_hash) and its
    settings."""
    return {"als_ratings_train": train_hash, "settings": asdict(settings), "blocks": blocks, **extra}


@dataclass
class Fitted:
    """A fitted model of run(): `model` holds its own factors (similar movies come from them),
    `scorer` scores (user, movie) pairs and ranks (for bias-aware models: the factors with the
    offsets, with_offsets), `points` are what chose it, `fingerprint` what it was fitted on."""

    model: ALSModel
    scorer: ALSModel
    points: list[Any]
    fingerprint: dict[str, Any]


def fit_rating_model(
    step: str,
    train: DataFrame,
    train_hash: str,
    parts: tuple[DataFrame, DataFrame],
    settings: AlsSettings,
    blocks: int,
    refit: bool,
    biases: tuple[BiasModel, BiasModel] | None = None,
    extra: dict[str, Any] | None = None,
) -> Fitted:
    """The study's ALS (step 'als') or, with `biases` (fitted on train, on the fit part),
    bias-aware ALS ('bias_als'): searched on `parts` (fit, validation) by RMSE, the best refitted
    on all of train; a saved model fitted on the same inputs is reused."""
    from pyspark.ml.recommendation import ALSModel

    label = "ALS" if biases is None else "bias-aware ALS"
    current = fingerprint(train_hash, settings, blocks, **(extra or {}))
    reused = artifacts.reuse(step, current, ALSModel, label, refit)
    train_bias, fit_bias = biases or (None, None)
    if reused:
        model, meta = reused
        points = [TuningPoint(**point) for point in meta["tuning"]]
    else:
        fit_part, validation_part = parts
        print(
            f"{label}: tuning {len(settings.grid())} configs (ranks {list(settings.ranks)} x regParams "
            f"{list(settings.reg_params)}, search {settings.search}: {tuning_fits(settings)} fits), RMSE on "
            f"the validation part; {blocks} blocks"
        )
        started = time.monotonic()
        points = tune(
            fit_part, validation_part, settings, blocks, Progress(label, tuning_fits(settings)), fit_bias
        )
        tuning_seconds = time.monotonic() - started
        best = best_point(points)
        final_train = train if train_bias is None else residuals(train, train_bias)
        model = estimator(
            best.rank, best.reg_param, settings.max_iter, settings.seed, blocks, biases is None
        ).fit(final_train)
        folder = artifacts.save(
            step,
            model,
            current,
            {"tuning": [asdict(point) for point in points], "tuning_seconds": tuning_seconds},
        )
        print(
            f"{label}: tuning took {tuning_seconds:.1f} s; rank {best.rank}, regParam {best.reg_param} "
            f"refitted on all {train.count():,} train ratings; model saved in {folder}"
        )
    return Fitted(model, model if train_bias is None else with_bias(model, train_bias), points, current)


def run(
    spark: SparkSession, values: dict[str, Any], refit: bool = False, blocks: int | None = None
) -> dict[str, Any]:
    """The ALS step end to end; returns the headline figures it printed."""
    from ml.recommenders import ranking_models as ranking

    settings = AlsSettings.from_vars(values)
    top_n, relevant_rating = values["top_n"], float(values["relevant_rating"])
    if not isinstance(top_n, int) or top_n < 1:
        raise UserError(f"var top_n must be a whole number of at least 1, not {top_n!r}")
    choices = (RANKING, *RATING_MODELS, *ranking.MODELS)
    recommender = values["recommendation_model"]
    if recommender not in choices:
        raise UserError(f"var recommendation_model must be one of {', '.join(choices)}, not {recommender!r}")
    # ALS shuffles between its user and item blocks every iteration; a block per core keeps every
    # core busy without paying for more shuffle partitions than there is work
    blocks = blocks or spark.sparkContext.defaultParallelism
    train = read_train(spark, blocks).cache()
    test = read_table(spark, "als_ratings_test").select(*RATING_COLUMNS).cache()
    movies = read_table(spark, "movies").select("movie_id", "title", "genres")
    biases = (read_bias_model(spark, "train"), read_bias_model(spark, "fit part"))
    parts = tuning_parts(train, settings)

    # one hash of train for every model's fingerprint: each costs a pass over train
    train_hash = content_hash(train)
    dampings = {name: values[name] for name in ("bias_movie_damping", "bias_user_damping")}
    fitted = {
        "als": fit_rating_model(STEP, train, train_hash, parts, settings, blocks, refit),
        "bias_als": fit_rating_model(
            "bias_als", train, train_hash, parts, settings, blocks, refit, biases, dampings
        ),
    }
    fitted.update(ranking.fit(train, parts, values, fitted["bias_als"], biases, blocks, refit))
    for part in parts:
        part.unpersist()
    # the rating model with the lower validation RMSE predicts the ratings shown beside the lists;
    # the ranking model with the higher validation NDCG makes them (var recommendation_model)
    rating_model = min(RATING_MODELS, key=lambda name: best_point(fitted[name].points).validation_rmse)
    ranking_points = fitted[ranking.IMPLICIT].points
    if recommender == RANKING:
        recommender = ranking.best_point(ranking_points).model

    # every model is scored on the same test pairs: those whose user and movie are in train
    # (ALS has no factors for the others and drops them; coldStartStrategy="drop")
    scorable = test.join(train.select("user_id").distinct(), "user_id").join(
        train.select("movie_id").distinct(), "movie_id"
    )
    lists = {name: top_unseen(fit.scorer, train, top_n, "user").cache() for name, fit in fitted.items()}
    bias_model = biases[0]
    lists["bias_baseline"] = top_unseen_by_score(
        bias_model.movie_bias.withColumnRenamed("movie_bias", "score"), train, top_n
    )
    lists["most_popular"] = top_unseen_by_score(popularity(train), train, top_n)
    predictions = {name: predict_ratings(fitted[name].scorer, scorable) for name in RATING_MODELS}
    predictions["bias_baseline"] = bias_model.predict(scorable)
    metrics = [
        model_metrics_row(name, train, test, recommended, top_n, relevant_rating, predictions.get(name))
        for name, recommended in lists.items()
    ]

    def with_predicted_rating(pairs: DataFrame) -> DataFrame:
        predicted = predict_ratings(fitted[rating_model].scorer, pairs)
        return predicted.withColumn("predicted_rating", clip_rating("prediction")).drop("prediction")

    user_recommendations = (
        with_predicted_rating(lists[recommender])
        .join(movies, "movie_id")
        .select("user_id", "rank", "movie_id", "title", "genres", "score", "predicted_rating")
    )
    movie_audiences = with_predicted_rating(
        top_unseen(fitted[recommender].scorer, train, top_n, "movie")
    ).select("movie_id", "rank", "user_id", "score", "predicted_rating")
    similar = ranking.most_similar(ranking.movie_factors(fitted[recommender].model), values["similar_movies"])
    tuning_rows = [
        {"model": name, **asdict(point), "is_selected": point == best_point(fitted[name].points)}
        for name in RATING_MODELS
        for point in fitted[name].points
    ]
    counts = {
        "als_tuning": write_table(
            frame_from_rows(
                spark,
                tuning_rows,
                "model string, rank int, reg_param double, validation_rmse double, fit_seconds double, "
                "iterations int, is_selected boolean",
            ),
            "als_tuning",
        ),
        "ranking_tuning": write_table(
            frame_from_rows(
                spark,
                [
                    {
                        **asdict(point),
                        "is_best_of_model": point == ranking.best_point(ranking_points, point.model),
                        "is_selected": point == ranking.best_point(ranking_points),
                    }
                    for point in ranking_points
                ],
                "model string, rank int, reg_param double, alpha double, popularity_weight double, "
                "validation_ndcg double, fit_seconds double, is_best_of_model boolean, is_selected boolean",
            ),
            "ranking_tuning",
        ),
        "model_metrics": write_table(frame_from_rows(spark, metrics, METRICS_SCHEMA), "model_metrics"),
        "user_recommendations": write_table(user_recommendations, "user_recommendations"),
        "movie_audiences": write_table(movie_audiences, "movie_audiences"),
        "similar_movies": write_table(
            spark.createDataFrame(similar, "movie_id int, rank int, similar_movie_id int, similarity double"),
            "similar_movies",
        ),
    }
    for name, count in counts.items():
        print(f"ALS: wrote {qualified(name)} ({count:,} rows)")
    chosen_by = (
        f"the ranking model, of higher validation NDCG@{top_n}"
        if values["recommendation_model"] == RANKING
        else "var recommendation_model"
    )
    print(
        f"ALS: user_recommendations and movie_audiences from {recommender} ({chosen_by}), predicted ratings "
        f"from {rating_model} (of lower validation RMSE); similar_movies from {recommender}'s movie factors"
    )
    for row in metrics:
        rating = f"RMSE {row['rmse']:.4f}, MAE {row['mae']:.4f}, " if row["rmse"] is not None else ""
        print(
            f"ALS: {row['model']:<17} test {rating}precision@{top_n} {row['precision_at_k']:.4f}, "
            f"NDCG@{top_n} {row['ndcg_at_k']:.4f}, coverage {row['coverage']:.1%}, "
            f"mean popularity {row['mean_popularity']:.0f}"
        )
    train.unpersist()
    test.unpersist()
    for recommended in lists.values():
        recommended.unpersist()
    best = best_point(fitted["als"].points)
    return {"rank": best.rank, "reg_param": best.reg_param, "metrics": metrics}
