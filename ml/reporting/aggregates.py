"""The report's aggregates: pure functions, DataFrames in and DataFrames (or small lists) out.

Spark does the work; each result is small (at most a few tens of thousands of rows, e.g. the
movie map) and only then reaches the driver, so the 25M ratings are never collected. The one
exception: ALS's predictions of the test ratings are made on the driver from the collected
factors when those and the test pairs fit there, as the ALS step's metrics are. Nothing here
reads or writes a table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ml.clustering.features import assemble_features
from ml.recommenders.evaluation import RATING_MAX, RATING_MIN, clip_rating
from ml.recommenders.factors import CollectedFactors, CollectedPairs, collected_predictions, predict_ratings

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.ml.recommendation import ALSModel
    from pyspark.sql import DataFrame

MAP_MOVIES = 20_000  # movies drawn on the cluster map at most (a deterministic sample beyond)
SAMPLE_USERS = 3
MOVIES_PER_LIST = 5
USER_ACTIVITY_BINS_PER_DECADE = 10


def user_activity_histogram(
    activity: DataFrame, bins_per_decade: int = USER_ACTIVITY_BINS_PER_DECADE
) -> DataFrame:
    """Users per log-spaced bin of their rating count: bin_start, users_raw (all ratings),
    users_on_cleaned_movies (ratings of cleaned movies; users with none leave that count)."""
    from pyspark.sql import functions as F

    def binned(column: str, name: str) -> DataFrame:
        edge = F.floor(F.log10(F.col(column)) * bins_per_decade)
        return activity.where(F.col(column) > 0).groupBy(edge.alias("bin")).agg(F.count(F.lit(1)).alias(name))

    both = binned("ratings_raw", "users_raw").join(
        binned("ratings_on_cleaned_movies", "users_on_cleaned_movies"), "bin", "full"
    )
    return both.select(
        F.pow(F.lit(10.0), F.col("bin") / bins_per_decade).alias("bin_start"),
        F.coalesce("users_raw", F.lit(0)).alias("users_raw"),
        F.coalesce("users_on_cleaned_movies", F.lit(0)).alias("users_on_cleaned_movies"),
    ).orderBy("bin_start")


def cluster_rating_spread(clusters: DataFrame, chosen: list[int]) -> DataFrame:
    """min, quartiles and max of the movies' average ratings in each of the `chosen` clusters."""
    from pyspark.sql import functions as F

    quartiles = F.percentile_approx("avg_rating", [0.25, 0.5, 0.75], 10_000)
    return (
        clusters.where(F.col("cluster").isin(chosen))
        .groupBy("cluster")
        .agg(F.min("avg_rating").alias("min"), quartiles.alias("q"), F.max("avg_rating").alias("max"))
        .select(
            "cluster",
            "min",
            F.col("q")[0].alias("q1"),
            F.col("q")[1].alias("median"),
            F.col("q")[2].alias("q3"),
            "max",
        )
    )


def genre_shares(profiles: pd.DataFrame, genre_names: dict[str, str]) -> pd.DataFrame:
    """The share_<genre> columns of cluster profiles, indexed by cluster and named by genre
    (`genre_names`: column name -> genre, as the seed movielens_genres has them)."""
    shares = profiles.set_index("cluster")[[name for name in profiles.columns if name.startswith("share_")]]
    shares.columns = [genre_names.get(name.removeprefix("share_"), name) for name in shares.columns]
    return shares


def movie_map(movies: DataFrame, clusters: DataFrame, most: int = MAP_MOVIES, seed: int = 0) -> DataFrame:
    """movie_id, cluster, pc1, pc2: the movies' k-means features scaled to unit length (cosine
    distance compares directions) projected on their first two principal components; at most
    `most` movies, a hash-seeded sample beyond."""
    from pyspark.ml.feature import PCA, Normalizer
    from pyspark.ml.functions import vector_to_array
    from pyspark.sql import functions as F

    features = Normalizer(inputCol="features", outputCol="unit", p=2.0).transform(assemble_features(movies))
    total = features.count()
    if total > most:
        keep = F.abs(F.xxhash64("movie_id", F.lit(seed))) % total < most
        features = features.where(keep)
    projected = PCA(k=2, inputCol="unit", outputCol="pcs").fit(features).transform(features)
    pcs = vector_to_array("pcs")
    return projected.select("movie_id", pcs[0].alias("pc1"), pcs[1].alias("pc2")).join(
        clusters.select("movie_id", "cluster"), "movie_id"
    )


def prediction_cells(model: ALSModel, test: DataFrame, bin_width: float = 0.1) -> pd.DataFrame:
    """rating, predicted_bin, ratings, mean_prediction: test ratings counted per (actual rating,
    predicted bin), with the mean prediction of each actual rating; predictions clipped to the
    rating scale, bins `bin_width` wide; pairs ALS cannot score (cold users or movies) leave. On
    the driver when the factors and the test pairs fit there, else in Spark."""
    pairs = test.select("user_id", "movie_id", "rating")
    predicted = collected_predictions(CollectedFactors(model), CollectedPairs(pairs))
    if predicted is None:
        return _spark_prediction_cells(predict_ratings(model, pairs), bin_width).toPandas()
    clipped = predicted["prediction"].clip(RATING_MIN, RATING_MAX)
    cells = (
        predicted.assign(
            predicted_bin=np.round(np.floor(clipped / bin_width) * bin_width, 2), clipped=clipped
        )
        .groupby(["rating", "predicted_bin"], as_index=False)
        .agg(ratings=("clipped", "size"), total=("clipped", "sum"))
    )
    per_rating = cells.groupby("rating")
    mean = per_rating["total"].transform("sum") / per_rating["ratings"].transform("sum")
    return cells.assign(mean_prediction=mean).drop(columns="total")


def _spark_prediction_cells(predicted: DataFrame, bin_width: float) -> DataFrame:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    clipped = predicted.select("rating", clip_rating("prediction").alias("clipped"))
    bin_start = F.round(F.floor(F.col("clipped") / bin_width) * bin_width, 2)
    cells = clipped.groupBy("rating", bin_start.alias("predicted_bin")).agg(
        F.count(F.lit(1)).alias("ratings"), F.sum("clipped").alias("total")
    )
    # the mean per actual rating from the cells: one pass over the predictions
    per_rating = Window.partitionBy("rating")
    mean = F.sum("total").over(per_rating) / F.sum("ratings").over(per_rating)
    return cells.withColumn("mean_prediction", mean).drop("total").orderBy("rating", "predicted_bin")


def sample_user_ids(
    recommendations: DataFrame, test: DataFrame, seed: int, count: int = SAMPLE_USERS
) -> list[int]:
    """`count` users with recommendations and test ratings, the same for the same seed and tables."""
    from pyspark.sql import functions as F

    candidates = (
        recommendations.select("user_id").distinct().join(test.select("user_id").distinct(), "user_id")
    )
    chosen = candidates.orderBy(F.xxhash64("user_id", F.lit(seed)), "user_id").limit(count)
    return [row["user_id"] for row in chosen.collect()]


def best_rated(train: DataFrame, titles: DataFrame, user_id: int, limit: int = MOVIES_PER_LIST) -> DataFrame:
    """title, rating: the user's highest-rated train movies, the latest first among equal ratings."""
    from pyspark.sql import functions as F

    return (
        train.where(F.col("user_id") == user_id)
        .join(titles, "movie_id")
        .orderBy(F.desc("rating"), F.desc("rated_at"), "movie_id")
        .select("title", "rating")
        .limit(limit)
    )


def held_out_predictions(
    model: ALSModel, test: DataFrame, titles: DataFrame, user_id: int, limit: int = MOVIES_PER_LIST
) -> DataFrame:
    """title, rating, predicted: the user's best-rated test movies with the clipped ALS prediction
    (null where ALS cannot score the movie)."""
    from pyspark.sql import functions as F

    held_out = test.where(F.col("user_id") == user_id).select("user_id", "movie_id", "rating")
    predicted = predict_ratings(model, held_out).select("movie_id", "prediction")
    return (
        held_out.join(predicted, "movie_id", "left")
        .join(titles, "movie_id")
        .orderBy(F.desc("rating"), "movie_id")
        .select(
            "title",
            "rating",
            F.when(F.col("prediction").isNotNull(), clip_rating("prediction")).alias("predicted"),
        )
        .limit(limit)
    )


def recommendation_list(recommendations: DataFrame, user_id: int) -> DataFrame:
    """rank, title, genres, predicted_rating: the user's recommendations in rank order."""
    from pyspark.sql import functions as F

    return (
        recommendations.where(F.col("user_id") == user_id)
        .orderBy("rank")
        .select("rank", "title", "genres", "predicted_rating")
    )
