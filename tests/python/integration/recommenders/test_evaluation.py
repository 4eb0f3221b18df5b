"""Metrics against hand-computed cases, and against Spark's own RankingMetrics."""

import math
import random

import pytest
from pyspark.mllib.evaluation import RankingMetrics

from ml.recommenders.evaluation import (
    coverage,
    mean_popularity,
    ranking_metrics,
    rating_errors,
    scorable_pairs,
)


def test_rating_errors_clip_predictions_to_the_scale(spark):
    predictions = spark.createDataFrame(
        [(4.0, 6.0), (1.0, 0.0), (3.0, 3.5)], "rating double, prediction double"
    )
    # clipped errors: 1.0, 0.5, 0.5
    errors = rating_errors(predictions)
    assert errors["rmse"] == pytest.approx(math.sqrt((1 + 0.25 + 0.25) / 3))
    assert errors["mae"] == pytest.approx(2 / 3)
    assert errors["rated_pairs"] == 3


def test_a_missing_prediction_is_an_error_not_a_smaller_average(spark):
    predictions = spark.createDataFrame([(4.0, None), (1.0, 1.0)], "rating double, prediction double")
    with pytest.raises(ValueError, match="1 of 2"):
        rating_errors(predictions)


def test_a_models_rating_errors_are_the_same_on_the_driver_and_in_spark(spark, monkeypatch):
    from ml.recommenders.evaluation import model_rating_errors
    from ml.recommenders.factors import CollectedFactors, CollectedPairs, estimator

    train = spark.createDataFrame(
        [(user, movie, float(1 + (user * movie) % 5)) for user in range(1, 9) for movie in range(1, 7)],
        "user_id int, movie_id int, rating double",
    )
    test = spark.createDataFrame(  # user 99 is unknown to the model
        [(1, 2, 4.0), (2, 3, 0.5), (3, 4, 5.0), (99, 1, 3.0)], "user_id int, movie_id int, rating double"
    )
    model = estimator(rank=2, reg_param=0.1, max_iter=5, seed=0, blocks=1).fit(train)
    factors, pairs = CollectedFactors(model), CollectedPairs(test)
    on_driver = model_rating_errors(factors, pairs)
    monkeypatch.setattr("ml.recommenders.factors.DRIVER_SCORING_BYTES", 0)
    in_spark = model_rating_errors(factors, pairs)  # the counts kept, the limit read again
    assert on_driver["rated_pairs"] == in_spark["rated_pairs"] == 3
    assert on_driver["rmse"] == pytest.approx(in_spark["rmse"], abs=1e-6)
    assert on_driver["mae"] == pytest.approx(in_spark["mae"], abs=1e-6)


def test_scorable_pairs_are_those_whose_user_and_movie_were_both_rated(spark):
    ratings = spark.createDataFrame([(1, 10, 4.0), (2, 20, 3.0)], "user_id int, movie_id int, rating double")
    pairs = spark.createDataFrame(
        [(1, 20, 5.0), (2, 10, 1.0), (1, 30, 2.0), (3, 10, 2.5)], "user_id int, movie_id int, rating double"
    )  # user 3 and movie 30 have no ratings
    scorable = scorable_pairs(pairs, ratings).select("user_id", "movie_id", "rating")
    assert sorted(scorable.collect()) == [(1, 20, 5.0), (2, 10, 1.0)]


@pytest.fixture(scope="module")
def hand_case(spark):
    recommendations = spark.createDataFrame(
        [
            (1, 1, 10), (1, 2, 11), (1, 3, 12),
            (2, 1, 20), (2, 2, 21), (2, 3, 22),
            (3, 1, 30), (3, 2, 31), (3, 3, 32),
        ],
        "user_id int, rank int, movie_id int",
    )  # fmt: skip
    test = spark.createDataFrame(
        [
            (1, 10, 5.0), (1, 12, 4.5), (1, 13, 4.0),  # user 1: relevant 10, 12, 13; hits at ranks 1, 3
            (2, 21, 4.0), (2, 22, 3.5),  # user 2: relevant 21 (4.0 counts); hit at rank 2
            (3, 30, 2.0),  # user 3: nothing relevant, not averaged
        ],
        "user_id int, movie_id int, rating double",
    )  # fmt: skip
    return recommendations, test


def test_ranking_metrics_by_hand(hand_case):
    recommendations, test = hand_case
    metrics = ranking_metrics(recommendations, test, k=3, relevant_rating=4.0)
    log2 = math.log2
    ndcg_1 = (1 / log2(2) + 1 / log2(4)) / (1 / log2(2) + 1 / log2(3) + 1 / log2(4))
    ndcg_2 = (1 / log2(3)) / 1
    assert metrics["ranked_users"] == 2
    assert metrics["precision_at_k"] == pytest.approx((2 / 3 + 1 / 3) / 2)
    assert metrics["recall_at_k"] == pytest.approx((2 / 3 + 1) / 2)
    assert metrics["ndcg_at_k"] == pytest.approx((ndcg_1 + ndcg_2) / 2)
    assert metrics["map_at_k"] == pytest.approx(((1 + 2 / 3) / 3 + (1 / 2) / 1) / 2)


def test_ranking_metrics_at_a_shorter_k(hand_case):
    recommendations, test = hand_case
    metrics = ranking_metrics(recommendations, test, k=1, relevant_rating=4.0)
    # user 1 hits at rank 1, user 2 misses
    assert metrics["precision_at_k"] == pytest.approx(0.5)
    assert metrics["recall_at_k"] == pytest.approx((1 / 3 + 0) / 2)
    assert metrics["ndcg_at_k"] == pytest.approx(0.5)
    assert metrics["map_at_k"] == pytest.approx(0.5)


# RankingMetrics builds a SQLContext, which pyspark deprecates
@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_ranking_metrics_agree_with_sparks_ranking_metrics(spark):
    generator = random.Random(7)
    recommendation_rows, test_rows, pairs = [], [], []
    for user in range(40):
        ranked = generator.sample(range(60), 10)
        relevant = set(generator.sample(range(60), generator.randint(1, 15)))
        recommendation_rows += [(user, rank, movie) for rank, movie in enumerate(ranked, start=1)]
        test_rows += [(user, movie, 4.5) for movie in relevant]
        pairs.append((ranked, sorted(relevant)))
    ours = ranking_metrics(
        spark.createDataFrame(recommendation_rows, "user_id int, rank int, movie_id int"),
        spark.createDataFrame(test_rows, "user_id int, movie_id int, rating double"),
        k=10,
        relevant_rating=4.0,
    )
    theirs = RankingMetrics(spark.sparkContext.parallelize(pairs))
    assert ours["precision_at_k"] == pytest.approx(theirs.precisionAt(10))
    assert ours["recall_at_k"] == pytest.approx(theirs.recallAt(10))
    assert ours["ndcg_at_k"] == pytest.approx(theirs.ndcgAt(10))
    assert ours["map_at_k"] == pytest.approx(theirs.meanAveragePrecisionAt(10))


def test_coverage_is_the_share_of_the_catalogue_in_some_top_k(hand_case, spark):
    recommendations, _ = hand_case
    catalogue = spark.range(18).withColumnRenamed("id", "movie_id")
    assert coverage(recommendations, catalogue, k=3) == pytest.approx(9 / 18)
    assert coverage(recommendations, catalogue, k=1) == pytest.approx(3 / 18)


def test_mean_popularity_averages_the_train_ratings_of_what_is_recommended(spark):
    recommendations = spark.createDataFrame(
        [(1, 1, 10, 0.9), (1, 2, 20, 0.8), (2, 1, 10, 0.7), (2, 2, 30, 0.6)],
        "user_id int, rank int, movie_id int, score double",  # a list's own scores change nothing
    )
    train_ratings = spark.createDataFrame([(10, 6.0), (20, 3.0)], "movie_id int, score double")
    # movie 30 has no train ratings: it counts as 0
    assert mean_popularity(recommendations, train_ratings, k=2) == pytest.approx((6 + 3 + 6 + 0) / 4)
    assert mean_popularity(recommendations, train_ratings, k=1) == pytest.approx(6.0)
