"""`python -m ml summary`: where the tables are and the headline figures, read from the tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ml.warehouse.catalog import ML_HINT, RESULT_TABLES, check_results
from ml.warehouse.tables import qualified, read_table

if TYPE_CHECKING:
    from pyspark.sql import Row, SparkSession

MART_TABLES = "movies, ratings, kmeans_movies_train/_test, als_ratings_train/_test, row_accounting, eda_*"
METRIC_COLUMNS = {
    "rmse": "RMSE",
    "mae": "MAE",
    "precision_at_k": "P@k",
    "recall_at_k": "R@k",
    "ndcg_at_k": "NDCG@k",
    "map_at_k": "MAP@k",
}


def recommending_model(spark: SparkSession, values: dict[str, Any]) -> str:
    """The model behind user_recommendations: var recommendation_model, or for `ranking` (the
    default) the ranking model `python -m ml als` selected."""
    if values["recommendation_model"] != "ranking":
        return values["recommendation_model"]
    return read_table(spark, "ranking_tuning", ML_HINT).where("is_selected").first()["model"]


def print_summary(spark: SparkSession) -> None:
    check_results(spark)  # the result tables of one run per step, or a one-line refusal
    warehouse = spark.conf.get("spark.sql.warehouse.dir").removeprefix("file:")
    print(f"tables: Spark database {qualified('')[:-1]}, Parquet under {warehouse}")
    print(f"  dbt marts: {MART_TABLES}")
    counts = ", ".join(f"{name} ({read_table(spark, name, ML_HINT).count():,})" for name in RESULT_TABLES)
    print(f"  ml results: {counts}")
    _print_kmeans(spark)
    _print_tuning(spark)
    _print_metrics(spark)


def _print_kmeans(spark: SparkSession) -> None:
    sweep = read_table(spark, "kmeans_sweep")
    chosen = sweep.where("is_selected").first()
    fitted = sweep.where("status = 'fitted'").count()
    print(
        f"k-means: k = {chosen['k']}, the best of {fitted} values fitted; silhouette "
        f"{chosen['validation_silhouette']:.4f} (validation), {chosen['test_silhouette']:.4f} (test)"
    )


def _print_tuning(spark: SparkSession) -> None:
    """The configs selected: each rating model's (RMSE) and each ranking model's best (NDCG)."""
    for tuned in read_table(spark, "als_tuning").where("is_selected").orderBy("model").collect():
        print(
            f"{tuned['model']}: rank {tuned['rank']}, regParam {tuned['reg_param']} "
            f"(validation RMSE {tuned['validation_rmse']:.4f})"
        )
    for ranked in read_table(spark, "ranking_tuning").where("is_best_of_model").orderBy("model").collect():
        print(_ranking_line(ranked))


def _ranking_line(ranked: Row) -> str:
    setting = (
        f"alpha {ranked['alpha']:g}"
        if ranked["alpha"] is not None
        else f"popularity weight {ranked['popularity_weight']:g}"
    )
    selected = ", the ranking model" if ranked["is_selected"] else ""
    return (
        f"{ranked['model']}: rank {ranked['rank']}, regParam {ranked['reg_param']}, {setting} "
        f"(validation NDCG {ranked['validation_ndcg']:.4f}{selected})"
    )


def _print_metrics(spark: SparkSession) -> None:
    from pyspark.sql import functions as F

    metrics = read_table(spark, "model_metrics").orderBy(F.col("rmse").isNull(), "model").collect()
    header = "".join(f"{label:>8}" for label in METRIC_COLUMNS.values())
    width = max(len(row["model"]) for row in metrics) + 2
    print(f"  {'model':<{width}}{header}{'cover':>8}{'pop.':>8}  (test split, k = {metrics[0]['k']})")
    for row in metrics:
        figures = "".join(
            f"{row[name]:>8.4f}" if row[name] is not None else f"{'-':>8}" for name in METRIC_COLUMNS
        )
        print(f"  {row['model']:<{width}}{figures}{row['coverage']:>8.1%}{row['mean_popularity']:>8.0f}")
