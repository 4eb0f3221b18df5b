"""`python -m ml summary`: where the tables are and the headline figures, read from the tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ml.io import qualified, read_table

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ML_TABLES = (
    "kmeans_sweep",
    "movie_clusters",
    "cluster_profiles",
    "als_tuning",
    "model_metrics",
    "user_recommendations",
    "movie_audiences",
)
ML_HINT = "run `python -m ml kmeans` and `python -m ml als` (or `make run`) first"


MART_TABLES = "movies, ratings, kmeans_movies_train/_test, als_ratings_train/_test, row_accounting, eda_*"
METRIC_COLUMNS = {
    "rmse": "RMSE",
    "mae": "MAE",
    "precision_at_k": "P@k",
    "recall_at_k": "R@k",
    "ndcg_at_k": "NDCG@k",
    "map_at_k": "MAP@k",
}


def print_summary(spark: SparkSession) -> None:
    from pyspark.sql import functions as F

    warehouse = spark.conf.get("spark.sql.warehouse.dir").removeprefix("file:")
    print(f"tables: Spark database {qualified('')[:-1]}, Parquet under {warehouse}")
    print(f"  dbt marts: {MART_TABLES}")
    counts = ", ".join(f"{name} ({read_table(spark, name, ML_HINT).count():,})" for name in ML_TABLES)
    print(f"  ml results: {counts}")

    sweep = read_table(spark, "kmeans_sweep")
    chosen = sweep.where("is_selected").first()
    fitted = sweep.where("status = 'fitted'").count()
    print(
        f"k-means: k = {chosen['k']}, the best of {fitted} values fitted; silhouette "
        f"{chosen['validation_silhouette']:.4f} (validation), {chosen['test_silhouette']:.4f} (test)"
    )
    tuned = read_table(spark, "als_tuning").where("is_selected").first()
    print(
        f"ALS: rank {tuned['rank']}, regParam {tuned['reg_param']} "
        f"(validation RMSE {tuned['validation_rmse']:.4f})"
    )
    metrics = read_table(spark, "model_metrics").orderBy(F.col("rmse").isNull(), "model").collect()
    header = "".join(f"{label:>8}" for label in METRIC_COLUMNS.values())
    print(f"  {'model':<14}{header}{'cover':>8}  (test split, k = {metrics[0]['k']})")
    for row in metrics:
        figures = "".join(
            f"{row[name]:>8.4f}" if row[name] is not None else f"{'-':>8}" for name in METRIC_COLUMNS
        )
        print(f"  {row['model']:<14}{figures}{row['coverage']:>8.1%}")
