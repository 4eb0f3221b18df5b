"""The k-means result tables, as pure DataFrame functions: kmeans_sweep, movie_clusters and
cluster_profiles."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from ml.clustering.features import assemble_features, genre_columns
from ml.clustering.sweep import SweepPoint
from ml.warehouse.tables import frame_from_rows

if TYPE_CHECKING:
    from pyspark.ml.clustering import KMeansModel
    from pyspark.sql import DataFrame, SparkSession

SWEEP_SCHEMA = (
    "k int, status string, cluster_count int, iterations int, fit_seconds double, "
    "validation_silhouette double, train_silhouette double, test_silhouette double, "
    "training_movies int, is_selected boolean"
)


def sweep_table(
    spark: SparkSession,
    points: list[SweepPoint],
    skipped: list[int],
    selected_k: int,
    test_silhouette: float | None,
    training_movies: int,
) -> DataFrame:
    """kmeans_sweep: one row per k of the grid, fitted or skipped, the chosen one marked."""
    rows = [
        {**asdict(point), "status": "fitted", "is_selected": point.k == selected_k} for point in points
    ] + [{"k": k, "status": "skipped", "is_selected": False} for k in skipped]
    for row in rows:
        row["test_silhouette"] = test_silhouette if row["is_selected"] else None
        row["training_movies"] = training_movies
    return frame_from_rows(spark, rows, SWEEP_SCHEMA).orderBy("k")


def movie_clusters(model: KMeansModel, train: DataFrame, test: DataFrame) -> DataFrame:
    """Every cleaned movie (both splits, with the same columns) with its cluster under `model`."""
    from pyspark.sql import functions as F

    keep = ["title", "genres", "avg_rating", "split"]
    movies = train.withColumn("split", F.lit("train")).unionByName(test.withColumn("split", F.lit("test")))
    return (
        model.transform(assemble_features(movies, keep=keep))
        .select("movie_id", *keep, F.col("prediction").cast("int").alias("cluster"))
        .orderBy("movie_id")
    )


def cluster_profiles(clusters: DataFrame, movies: DataFrame, genre_names: dict[str, str]) -> DataFrame:
    """cluster_profiles: per cluster its size (all, train, test), the share of its movies in each
    genre, the three most common genres as text, and the spread of the average ratings."""
    from pyspark.sql import functions as F

    genres = genre_columns(movies)
    joined = clusters.select("movie_id", "cluster", "split").join(
        movies.select("movie_id", "avg_rating", *genres), "movie_id"
    )
    profiles = joined.groupBy("cluster").agg(
        F.count(F.lit(1)).alias("movie_count"),
        F.count(F.when(F.col("split") == "train", 1)).alias("train_movies"),
        F.count(F.when(F.col("split") == "test", 1)).alias("test_movies"),
        *(F.avg(name).alias(f"share_{name}") for name in genres),
        F.avg("avg_rating").alias("avg_rating_mean"),
        F.stddev_samp("avg_rating").alias("avg_rating_std"),
        F.min("avg_rating").alias("avg_rating_min"),
        F.max("avg_rating").alias("avg_rating_max"),
    )
    return profiles.withColumn("top_genres", _top_genres(genres, genre_names)).orderBy("cluster")


def _top_genres(genres: list[str], genre_names: dict[str, str]):
    """Up to three genres of highest share, as text: "Drama 100%, Romance 40%"."""
    from pyspark.sql import functions as F

    ranked = F.sort_array(
        F.array(
            *(
                F.struct(
                    F.col(f"share_{name}").alias("share"), F.lit(genre_names.get(name, name)).alias("genre")
                )
                for name in genres
            )
        ),
        asc=False,
    )
    top = F.filter(F.slice(ranked, 1, 3), lambda item: item["share"] > 0)
    label = F.transform(top, lambda item: F.format_string("%s %.0f%%", item["genre"], item["share"] * 100))
    return F.array_join(label, ", ")
