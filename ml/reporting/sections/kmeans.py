"""Part 2 of the page, the k-means movie clusters: the sweep, the clusters' sizes and make-up,
and the map of the movies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ml.holdout import VALIDATION_COLUMN
from ml.reporting import plots
from ml.reporting.aggregates import cluster_rating_spread, genre_shares, movie_map
from ml.warehouse.catalog import ML_HINT
from ml.warehouse.tables import read_table

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from ml.reporting.page import Page

LARGEST_CLUSTERS = 12
PROFILE_COLUMNS = [
    "cluster",
    "movie_count",
    "train_movies",
    "test_movies",
    "top_genres",
    "avg_rating_mean",
    "avg_rating_std",
]


def add_kmeans_section(spark: SparkSession, page: Page, values: dict[str, Any]) -> None:
    page.heading("kmeans")
    _silhouette(spark, page)
    profiles = read_table(spark, "cluster_profiles", ML_HINT)
    clusters = read_table(spark, "movie_clusters", ML_HINT)
    page.heading("cluster-sizes")
    page.figure(
        "cluster_sizes",
        plots.cluster_sizes(profiles.select("cluster", "train_movies", "test_movies").toPandas()),
        "Movies per cluster, training movies and test movies (assigned to the nearest centre).",
    )
    _composition(spark, page, profiles, clusters)
    page.heading("cluster-map")
    train = read_table(spark, "kmeans_movies_train").drop(VALIDATION_COLUMN)
    movies = train.unionByName(read_table(spark, "kmeans_movies_test"))
    points = movie_map(movies, clusters, seed=values["split_seed"]).toPandas()
    page.figure(
        "cluster_map",
        plots.cluster_map(points),
        "Each movie's 19 features (genre flags and average rating) scaled to unit length, then projected "
        "on their first two principal components; the ten largest clusters in colour.",
    )


def _silhouette(spark: SparkSession, page: Page) -> None:
    sweep = read_table(spark, "kmeans_sweep", ML_HINT).toPandas()
    chosen = sweep[sweep["is_selected"]].iloc[0]
    page.heading("silhouette")
    page.figure(
        "silhouette",
        plots.silhouette_sweep(sweep),
        f"Silhouette (cosine) on the validation part of kmeans_movies_train; k = {chosen['k']} scores "
        f"{chosen['validation_silhouette']:.4f} there and {chosen['test_silhouette']:.4f} on "
        "kmeans_movies_test.",
    )


def _composition(spark: SparkSession, page: Page, profiles: DataFrame, clusters: DataFrame) -> None:
    from pyspark.sql import functions as F

    page.heading("cluster-composition")
    largest = profiles.orderBy(F.desc("movie_count"), "cluster").limit(LARGEST_CLUSTERS).toPandas()
    order = [int(cluster) for cluster in largest["cluster"]]
    names = {row["column_name"]: row["genre"] for row in read_table(spark, "movielens_genres").collect()}
    spread = cluster_rating_spread(clusters, order).toPandas().set_index("cluster").loc[order]
    page.figure(
        "cluster_composition",
        plots.cluster_composition(genre_shares(largest, names), spread),
        f"The {len(order)} largest clusters: share of their movies in each genre, and the spread of the "
        "movies' average ratings (box: quartiles; whiskers: min and max).",
    )
    page.table(largest[PROFILE_COLUMNS], {"avg_rating_mean": ".2f", "avg_rating_std": ".2f"})
