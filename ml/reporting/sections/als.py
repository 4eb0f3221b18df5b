"""Part 3 of the page, the ALS recommendations: tuning, predicted vs actual ratings, every
model's metrics, and three users with their recommendations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ml import UserError
from ml.reporting import plots
from ml.reporting.aggregates import (
    best_rated,
    held_out_predictions,
    prediction_cells,
    recommendation_list,
    sample_user_ids,
)
from ml.reporting.summary import recommending_model
from ml.warehouse import artifacts
from ml.warehouse.catalog import ML_HINT
from ml.warehouse.tables import read_table

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.ml.recommendation import ALSModel
    from pyspark.sql import DataFrame, SparkSession

    from ml.reporting.page import Page

TUNED_MODELS = (("als", "The study's ALS"), ("bias_als", "Bias-aware ALS"))
RANKING_FORMATS = {"alpha": "g", "popularity_weight": "g", "validation_ndcg": ".4f", "fit_seconds": ".1f"}
METRIC_FORMATS = dict.fromkeys(
    ("rmse", "mae", "precision_at_k", "recall_at_k", "ndcg_at_k", "map_at_k"), ".4f"
)
METRIC_FORMATS |= {"coverage": ".1%", "mean_popularity": ".0f"}


def add_als_section(spark: SparkSession, page: Page, values: dict[str, Any]) -> None:
    page.heading("als")
    _tuning(spark, page, values)
    model = _saved_model()
    test = read_table(spark, "als_ratings_test")
    page.heading("predicted-vs-actual")
    cells = prediction_cells(model, test)
    page.figure(
        "predicted_vs_actual",
        plots.predicted_vs_actual(cells),
        f"{int(cells['ratings'].sum()):,} test ratings whose user and movie ALS knows; each column adds "
        "up to 100%.",
    )
    _metrics(spark, page, values)
    _sample_users(spark, page, values, model, test)


def _saved_model() -> ALSModel:
    """The ALS model `python -m ml als` saved."""
    from pyspark.ml.recommendation import ALSModel

    model_dir = artifacts.artifacts_dir() / "als" / artifacts.MODEL_DIR
    if not model_dir.is_dir():
        raise UserError(f"no saved ALS model in {model_dir}; {ML_HINT}")
    return ALSModel.load(str(model_dir))


def _fit_ratings(tuning: pd.DataFrame, model: str) -> int:
    """How many fit ratings `model`'s search fitted on (all of the fit part, or a share of its users)."""
    return int(tuning.loc[tuning["model"] == model, "fit_ratings"].max())


def _tuning(spark: SparkSession, page: Page, values: dict[str, Any]) -> None:
    from pyspark.sql import functions as F

    page.heading("tuning")
    tuning = read_table(spark, "als_tuning", ML_HINT).toPandas()
    for model, label in TUNED_MODELS:
        page.figure(
            f"tuning_{model}",
            plots.tuning_heatmap(tuning[tuning["model"] == model]),
            f"{label}: validation RMSE per config (search: {values['als_search']}; the "
            f"{_fit_ratings(tuning, model):,} fit ratings of the search).",
        )
    ranking = read_table(spark, "ranking_tuning", ML_HINT).orderBy(F.desc("validation_ndcg")).toPandas()
    page.text(
        f"The ranking models (implicit ALS; bias-aware ALS reranked by popularity): validation "
        f"NDCG@{values['top_n']} per config, best first; the selected one makes the recommendations."
    )
    page.table(ranking, RANKING_FORMATS)


def _metrics(spark: SparkSession, page: Page, values: dict[str, Any]) -> None:
    from pyspark.sql import functions as F

    page.heading("metrics")
    metrics = read_table(spark, "model_metrics").orderBy(F.col("rmse").isNull(), "model").toPandas()
    page.text(
        f"All models on the same test split; ranking metrics at k = {values['top_n']} with test ratings of "
        f"{values['relevant_rating']} or more as relevant; coverage: share of the train catalogue "
        "recommended; mean popularity: mean train ratings of the recommended movies."
    )
    page.table(metrics.drop(columns=["split"], errors="ignore"), METRIC_FORMATS)


def _sample_users(
    spark: SparkSession, page: Page, values: dict[str, Any], model: ALSModel, test: DataFrame
) -> None:
    from pyspark.sql import functions as F

    page.heading("sample-users")
    recommendations = read_table(spark, "user_recommendations", ML_HINT)
    users = sample_user_ids(recommendations, test, values["split_seed"])
    titles = read_table(spark, "movies").select("movie_id", "title")
    train = read_table(spark, "als_ratings_train")
    recommender = recommending_model(spark, values)
    page.text(f"Users chosen by a hash of split_seed ({values['split_seed']}) among those with test ratings.")
    for user in users:
        page.subheading(f"User {user}")
        page.text(f"Highest-rated train movies (of {train.where(F.col('user_id') == user).count():,}):")
        page.table(best_rated(train, titles, user).toPandas(), {"rating": ".1f"})
        page.text("Test movies (held out), with the ALS prediction:")
        page.table(
            held_out_predictions(model, test, titles, user).toPandas(), {"rating": ".1f", "predicted": ".2f"}
        )
        page.text(f"Recommended by {recommender} (not rated in train), with predicted ratings:")
        page.table(recommendation_list(recommendations, user).toPandas(), {"predicted_rating": ".2f"})
