"""Metrics of the recommenders, as DataFrame aggregates (nothing collected but the results), but
for the rating errors of factor models whose factors fit on the driver (computed there).

Rating error: RMSE and MAE of predictions clipped to the rating scale. Ranking, at k with binary
relevance (a test rating of at least `relevant_rating`), averaged over the users that have at
least one relevant test movie:
- precision@k = hits in the top k / k
- recall@k = hits in the top k / relevant movies
- NDCG@k = sum over hits of 1/log2(rank + 1), divided by the same sum for a perfect list
  (min(relevant, k) hits at ranks 1, 2, ...)
- AP@k = sum over hits of precision@rank, divided by min(relevant, k); MAP@k is its mean
The same definitions as Spark's RankingMetrics (precisionAt, recallAt, ndcgAt,
meanAveragePrecisionAt), which the tests check against.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ml.recommenders.factors import CollectedFactors, CollectedPairs, collected_predictions, predict_ratings

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

RATING_MIN = 0.5
RATING_MAX = 5.0


def clip_rating(column: Column | str) -> Column:
    """A predicted rating moved into the rating scale 0.5..5.0."""
    from pyspark.sql import functions as F

    column = F.col(column) if isinstance(column, str) else column
    return F.least(F.greatest(column, F.lit(RATING_MIN)), F.lit(RATING_MAX))


def scorable_pairs(pairs: DataFrame, ratings: DataFrame) -> DataFrame:
    """The rows of `pairs` whose user and movie both have ratings in `ratings`: those a factor
    model fitted on `ratings` scores (it has no factors for the others and drops them;
    coldStartStrategy="drop")."""
    users, movies = ratings.select("user_id").distinct(), ratings.select("movie_id").distinct()
    return pairs.join(users, "user_id").join(movies, "movie_id")


def rating_errors(predictions: DataFrame, label: str = "rating", prediction: str = "prediction") -> dict:
    """{'rmse', 'mae', 'rated_pairs'} of the clipped predictions; rows without a prediction are an
    error here (the caller decides which pairs a model is scored on)."""
    from pyspark.sql import functions as F

    error = clip_rating(prediction) - F.col(label)
    row = predictions.select(
        F.sqrt(F.avg(error * error)).alias("rmse"),
        F.avg(F.abs(error)).alias("mae"),
        F.count(F.lit(1)).alias("rated_pairs"),
        F.count(F.when(F.col(prediction).isNull() | F.isnan(prediction), 1)).alias("missing"),
    ).first()
    if row["missing"]:
        raise ValueError(f"{row['missing']} of {row['rated_pairs']} pairs have no prediction")
    return {"rmse": row["rmse"], "mae": row["mae"], "rated_pairs": row["rated_pairs"]}


def local_rating_errors(ratings: np.ndarray, predictions: np.ndarray) -> dict:
    """rating_errors of collected ratings and their predictions."""
    missing = int(np.isnan(predictions).sum())
    if missing:
        raise ValueError(f"{missing} of {len(predictions)} pairs have no prediction")
    if len(predictions) == 0:
        return {"rmse": None, "mae": None, "rated_pairs": 0}  # as SQL's averages of no rows
    error = np.clip(predictions, RATING_MIN, RATING_MAX) - ratings
    return {
        "rmse": float(np.sqrt(np.mean(error * error))),
        "mae": float(np.mean(np.abs(error))),
        "rated_pairs": len(predictions),
    }


def model_rating_errors(factors: CollectedFactors, pairs: CollectedPairs) -> dict:
    """rating_errors of a model (its `factors`) on `pairs` (user_id, movie_id, rating; those it
    cannot score leave): on the driver from the collected factors when they fit there, else in
    Spark."""
    predicted = collected_predictions(factors, pairs)
    if predicted is None:
        return rating_errors(predict_ratings(factors.model, pairs.frame))
    return local_rating_errors(predicted["rating"].to_numpy(), predicted["prediction"].to_numpy())


def ranking_metrics(recommendations: DataFrame, test: DataFrame, k: int, relevant_rating: float) -> dict:
    """Mean precision@k, recall@k, NDCG@k and MAP@k of `recommendations` (user_id, rank from 1,
    movie_id) against `test` (user_id, movie_id, rating), over the users with a relevant test
    movie who have recommendations; 'ranked_users' is how many those are."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    relevant = test.where(F.col("rating") >= relevant_rating).select("user_id", "movie_id")
    relevant_counts = relevant.groupBy("user_id").agg(F.count(F.lit(1)).alias("relevant"))
    top_k = recommendations.where(F.col("rank") <= k).select("user_id", "rank", "movie_id")
    users = relevant_counts.join(top_k.select("user_id").distinct(), "user_id")

    hits = top_k.join(relevant, ["user_id", "movie_id"])
    # precision at each hit's rank: hits so far / rank
    hits_so_far = F.count(F.lit(1)).over(Window.partitionBy("user_id").orderBy("rank"))
    per_user_hits = (
        hits.withColumn("precision_at_rank", hits_so_far / F.col("rank"))
        .groupBy("user_id")
        .agg(
            F.count(F.lit(1)).alias("hits"),
            F.sum(1.0 / F.log2(F.col("rank") + 1)).alias("dcg"),
            F.sum("precision_at_rank").alias("precision_sum"),
        )
    )
    ideal_hits = F.least(F.col("relevant"), F.lit(k))
    ideal_dcg = F.aggregate(
        F.sequence(F.lit(1), ideal_hits), F.lit(0.0), lambda total, rank: total + 1.0 / F.log2(rank + 1)
    )
    per_user = users.join(per_user_hits, "user_id", "left").fillna(0, ["hits", "dcg", "precision_sum"])
    row = per_user.select(
        F.avg(F.col("hits") / k).alias("precision_at_k"),
        F.avg(F.col("hits") / F.col("relevant")).alias("recall_at_k"),
        F.avg(F.col("dcg") / ideal_dcg).alias("ndcg_at_k"),
        F.avg(F.col("precision_sum") / ideal_hits).alias("map_at_k"),
        F.count(F.lit(1)).alias("ranked_users"),
    ).first()
    return row.asDict()


def coverage(recommendations: DataFrame, catalogue: DataFrame, k: int) -> float:
    """Share of the catalogue (distinct movie_id) found in anyone's top k."""
    from pyspark.sql import functions as F

    recommended = recommendations.where(F.col("rank") <= k).select("movie_id").distinct().count()
    return recommended / catalogue.select("movie_id").distinct().count()


def mean_popularity(recommendations: DataFrame, train_ratings: DataFrame, k: int) -> float:
    """Mean number of train ratings (`train_ratings`: movie_id, score, as baselines.popularity) of
    the movies in the top k lists: low for a recommender of obscure movies, high for one that
    recommends what everyone rated."""
    from pyspark.sql import functions as F

    counts = train_ratings.select("movie_id", F.col("score").alias("train_ratings"))
    recommended = (
        recommendations.where(F.col("rank") <= k).select("movie_id").join(counts, "movie_id", "left")
    )
    return recommended.select(F.avg(F.coalesce(F.col("train_ratings"), F.lit(0)))).first()[0] or 0.0


METRICS_SCHEMA = (
    "model string, split string, rmse double, mae double, rated_pairs long, k int, precision_at_k double, "
    "recall_at_k double, ndcg_at_k double, map_at_k double, coverage double, mean_popularity double, "
    "ranked_users long"
)


def model_metrics_row(
    name: str,
    train_ratings: DataFrame,
    test: DataFrame,
    recommendations: DataFrame,
    k: int,
    relevant_rating: float,
    errors: dict | None = None,
) -> dict:
    """One row of model_metrics (METRICS_SCHEMA): rating errors (`errors`, rating_errors' figures,
    if the model predicts ratings), ranking metrics of its top-k lists, their coverage of the
    train catalogue and their mean popularity (`train_ratings`: every train movie's ratings, as
    baselines.popularity)."""
    row: dict = {"model": name, "split": "test", "rmse": None, "mae": None, "rated_pairs": None}
    row.update(errors or {})
    row.update(ranking_metrics(recommendations, test, k, relevant_rating))
    row["k"] = k
    row["coverage"] = coverage(recommendations, train_ratings, k)
    row["mean_popularity"] = mean_popularity(recommendations, train_ratings, k)
    return row
