"""`python -m ml als`: the ALS step. It reads its tables (warehouse.catalog.ALS), fits the rating
models (rating_models: the study's ALS, bias-aware ALS) and the ranking models (ranking_models),
or reuses saved ones fitted on the same inputs, scores all of them and the baselines on
als_ratings_test, and writes als_tuning, ranking_tuning, model_metrics, user_recommendations,
movie_audiences and similar_movies."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from ml.holdout import VALIDATION_COLUMN, validation_parts
from ml.recommenders.baselines import BiasModel, bias_model, popularity
from ml.recommenders.evaluation import (
    METRICS_SCHEMA,
    clip_rating,
    model_metrics_row,
    model_rating_errors,
    rating_errors,
    scorable_pairs,
)
from ml.recommenders.factors import (
    RATING_COLUMNS,
    CollectedFactors,
    CollectedPairs,
    Factors,
    Fitted,
    movie_factors,
    predict_ratings,
)
from ml.recommenders.ranking_models import IMPLICIT, best_ranking_config, fit_ranking_models
from ml.recommenders.rating_models import best_rating_config, fit_rating_model
from ml.recommenders.sampling import SearchParts, search_parts
from ml.recommenders.top_n import SeenPairs, kept, most_similar, top_unseen_by_score, top_unseen_lists
from ml.settings import RANKING, RATING_MODELS, AlsSettings, AlsStepSettings, ListSettings
from ml.warehouse import catalog
from ml.warehouse.tables import content_hash, frame_from_rows

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

TUNING_SCHEMA = (
    "model string, rank int, reg_param double, validation_rmse double, fit_seconds double, "
    "iterations int, fit_ratings bigint, is_selected boolean"
)
RANKING_TUNING_SCHEMA = (
    "model string, rank int, reg_param double, alpha double, popularity_weight double, "
    "validation_ndcg double, fit_seconds double, fit_ratings bigint, is_best_of_model boolean, "
    "is_selected boolean"
)
SIMILAR_SCHEMA = "movie_id int, rank int, similar_movie_id int, similarity double"


@dataclass
class Inputs:
    """The step's data: train (its ratings, cached; `train_hash`: its content with the hold-out;
    `seen`: its pairs, which the lists leave out), the searches' fit and validation ratings
    (sampling.search_parts), test, the movies, and the biases fitted on train and on the fit part
    (`biases_hash`: the content of their marts)."""

    train: DataFrame
    seen: SeenPairs
    train_hash: str
    biases_hash: dict[str, str]  # the content of dbt's bias marts, in bias-aware models' fingerprints
    parts: SearchParts
    test: DataFrame
    movies: DataFrame
    biases: tuple[BiasModel, BiasModel]


def training_ratings(train_mart: DataFrame, blocks: int) -> tuple[DataFrame, tuple[DataFrame, DataFrame]]:
    """The ratings of als_ratings_train in `blocks` partitions (one per ALS block), and its fit and
    validation parts, all cached."""
    marked = train_mart.select(*RATING_COLUMNS, VALIDATION_COLUMN).repartition(blocks).cache()
    fit_part, validation_part = validation_parts(marked)
    return marked.drop(VALIDATION_COLUMN), (fit_part.cache(), validation_part.cache())


def prepare(tables: dict[str, DataFrame], settings: AlsSettings, blocks: int) -> Inputs:
    train, parts = training_ratings(tables["als_ratings_train"], blocks)
    movie_biases, user_biases = tables["als_movie_biases"], tables["als_user_biases"]
    return Inputs(
        train=train,
        seen=SeenPairs(train),
        # one hash of train for every model's fingerprint: each costs a pass over train
        train_hash=content_hash(tables["als_ratings_train"].select(*RATING_COLUMNS, VALIDATION_COLUMN)),
        biases_hash={name: content_hash(tables[name]) for name in ("als_movie_biases", "als_user_biases")},
        parts=search_parts(parts, settings.search.sample_limit(), settings.seed),
        test=tables["als_ratings_test"].select(*RATING_COLUMNS).cache(),
        movies=tables["movies"].select("movie_id", "title", "genres"),
        biases=(
            bias_model(movie_biases, user_biases, "train"),
            bias_model(movie_biases, user_biases, "fit part"),
        ),
    )


def fit_models(data: Inputs, settings: AlsStepSettings, blocks: int, refit: bool) -> dict[str, Fitted]:
    """The two rating models, then the two ranking models (one of which reranks bias-aware ALS)."""
    common = (data.train, data.train_hash, data.parts, settings.rating, blocks, refit)
    fitted = {
        "als": fit_rating_model("als", *common),
        "bias_als": fit_rating_model(
            "bias_als",
            *common,
            data.biases,
            {"biases": asdict(settings.biases), "bias_marts": data.biases_hash},
        ),
    }
    fitted |= fit_ranking_models(
        data.train, data.parts, settings.ranking, fitted["bias_als"], data.biases, blocks, refit
    )
    return fitted


def choose(fitted: dict[str, Fitted], settings: AlsStepSettings) -> tuple[str, str]:
    """(rating model, recommender): the rating model of lower validation RMSE predicts the ratings
    shown beside the lists; var recommendation_model makes them (`ranking`: the ranking model of
    higher validation NDCG)."""
    rating_model = min(
        RATING_MODELS, key=lambda name: best_rating_config(fitted[name].points).validation_rmse
    )
    recommender = settings.recommender
    if recommender == RANKING:
        recommender = best_ranking_config(fitted[IMPLICIT].points).model
    return rating_model, recommender


def top_lists(scorers: dict[str, CollectedFactors], data: Inputs, top_n: int) -> dict[str, DataFrame]:
    """Every model's (`scorers`: their scoring factors) and baseline's top-N unseen movies for every
    train user, kept (top_n.kept): the metrics and the recommendation tables read each list
    several times."""
    lists = {
        name: top_unseen_lists(scorer, data.train, top_n, "user", data.seen)
        for name, scorer in scorers.items()
    }
    bias = data.biases[0]
    lists["bias_baseline"] = top_unseen_by_score(
        bias.movie_bias.withColumnRenamed("movie_bias", "score"), data.train, top_n, data.seen
    )
    lists["most_popular"] = top_unseen_by_score(popularity(data.train), data.train, top_n, data.seen)
    return {name: kept(frame) for name, frame in lists.items()}


def metrics_rows(
    lists: dict[str, DataFrame], scorers: dict[str, CollectedFactors], data: Inputs, settings: ListSettings
) -> list[dict[str, Any]]:
    """model_metrics: every model on the same test pairs, those whose user and movie are in train
    (ALS has no factors for the others and drops them; coldStartStrategy="drop")."""
    train_ratings = popularity(data.train).cache()  # the catalogue, and what popularity means
    scorable = scorable_pairs(data.test, data.train).cache()
    pairs = CollectedPairs(scorable.select(*RATING_COLUMNS))
    errors = {name: model_rating_errors(scorers[name], pairs) for name in RATING_MODELS}
    errors["bias_baseline"] = rating_errors(data.biases[0].predict(scorable))
    rows = [
        model_metrics_row(
            name,
            train_ratings,
            data.test,
            recommended,
            settings.top_n,
            settings.relevant_rating,
            errors.get(name),
        )
        for name, recommended in lists.items()
    ]
    for frame in (train_ratings, scorable):
        frame.unpersist()
    return rows


def tuning_tables(spark: SparkSession, fitted: dict[str, Fitted]) -> dict[str, DataFrame]:
    """als_tuning and ranking_tuning: every config searched, the chosen ones marked."""
    tuning_rows = [
        {"model": name, **asdict(point), "is_selected": point == best_rating_config(fitted[name].points)}
        for name in RATING_MODELS
        for point in fitted[name].points
    ]
    ranking_points = fitted[IMPLICIT].points
    ranking_rows = [
        {
            **asdict(point),
            "is_best_of_model": point == best_ranking_config(ranking_points, point.model),
            "is_selected": point == best_ranking_config(ranking_points),
        }
        for point in ranking_points
    ]
    return {
        "als_tuning": frame_from_rows(spark, tuning_rows, TUNING_SCHEMA),
        "ranking_tuning": frame_from_rows(spark, ranking_rows, RANKING_TUNING_SCHEMA),
    }


def recommendation_tables(
    fitted: dict[str, Fitted],
    scorers: dict[str, CollectedFactors],
    data: Inputs,
    user_lists: DataFrame,
    models: tuple[str, str],
    settings: AlsStepSettings,
) -> dict[str, DataFrame]:
    """user_recommendations, movie_audiences and similar_movies from the recommender of
    `models` (rating model, recommender), with the rating model's predicted rating beside each."""
    rating_model, recommender = models

    def with_predicted_rating(pairs: DataFrame) -> DataFrame:
        predicted = predict_ratings(fitted[rating_model].scorer, pairs)
        return predicted.withColumn("predicted_rating", clip_rating("prediction")).drop("prediction")

    scorer = scorers[recommender]
    audiences = top_unseen_lists(scorer, data.train, settings.lists.top_n, "movie", data.seen)
    similar = most_similar(own_movie_factors(fitted[recommender], scorer), settings.similar_movies)
    return {
        "user_recommendations": with_predicted_rating(user_lists)
        .join(data.movies, "movie_id")
        .select("user_id", "rank", "movie_id", "title", "genres", "score", "predicted_rating"),
        "movie_audiences": with_predicted_rating(audiences).select(
            "movie_id", "rank", "user_id", "score", "predicted_rating"
        ),
        "similar_movies": data.train.sparkSession.createDataFrame(similar, SIMILAR_SCHEMA),
    }


def own_movie_factors(fit: Fitted, scorer: CollectedFactors) -> Factors:
    """A model's own movie factors, collected (similar movies come from them): its scorer's, unless
    the scorer extends them with offsets (bias-aware models: factors.with_offsets)."""
    return scorer.arrays[1] if fit.scorer is fit.model else movie_factors(fit.model)


def run(
    spark: SparkSession, values: dict[str, Any], refit: bool = False, blocks: int | None = None
) -> dict[str, Any]:
    """The ALS step end to end; returns the headline figures it printed."""
    settings = AlsStepSettings.from_vars(values)
    # ALS shuffles between its user and item blocks every iteration; a block per core keeps every
    # core busy without paying for more shuffle partitions than there is work
    blocks = blocks or spark.sparkContext.defaultParallelism
    data = prepare(catalog.read_inputs(spark, catalog.ALS), settings.rating, blocks)
    fitted = fit_models(data, settings, blocks, refit)
    for part in (data.parts.fit, data.parts.validation):
        part.unpersist()
    models = choose(fitted, settings)
    # each model's factors collected once, for its lists, metrics, audiences and similar movies
    scorers = {name: CollectedFactors(fit.scorer) for name, fit in fitted.items()}
    lists = top_lists(scorers, data, settings.lists.top_n)
    metrics = metrics_rows(lists, scorers, data, settings.lists)
    frames = {
        **tuning_tables(spark, fitted),
        "model_metrics": frame_from_rows(spark, metrics, METRICS_SCHEMA),
        **recommendation_tables(fitted, scorers, data, lists[models[1]], models, settings),
    }
    catalog.write_outputs(catalog.ALS, frames, label="ALS")
    _print_results(models, metrics, settings)
    for frame in (data.train, data.test, *lists.values()):
        frame.unpersist()
    best = best_rating_config(fitted["als"].points)
    return {"rank": best.rank, "reg_param": best.reg_param, "metrics": metrics}


def _print_results(models: tuple[str, str], metrics: list[dict[str, Any]], settings: AlsStepSettings) -> None:
    rating_model, recommender = models
    top_n = settings.lists.top_n
    chosen_by = (
        f"the ranking model, of higher validation NDCG@{top_n}"
        if settings.recommender == RANKING
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
