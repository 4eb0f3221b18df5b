"""Feature assembly for k-means and the seeded validation hold-out."""

import pytest
from pyspark.sql import functions as F

from ml.clustering.features import assemble_features, feature_columns, hash_fraction, validation_split


def test_features_are_the_genre_flags_in_table_order_then_the_average_rating(spark):
    movies = spark.createDataFrame(
        [(1, "A", 1, 0, 3.5), (2, "B", 0, 1, 4.0)],
        "movie_id int, title string, genre_drama int, genre_action int, avg_rating double",
    )
    assert feature_columns(movies) == ["genre_drama", "genre_action", "avg_rating"]
    vectors = {row.movie_id: row.features.toArray().tolist() for row in assemble_features(movies).collect()}
    assert vectors == {1: [1.0, 0.0, 3.5], 2: [0.0, 1.0, 4.0]}
    assert assemble_features(movies, keep=["title"]).columns == ["movie_id", "title", "features"]


def test_the_cleaned_movies_give_nineteen_features(table):
    assert len(feature_columns(table("kmeans_movies_train"))) == 19


def test_a_table_without_genre_flags_is_refused(spark):
    with pytest.raises(ValueError, match="genre_"):
        feature_columns(spark.createDataFrame([(1, 3.5)], "movie_id int, avg_rating double"))


def test_a_null_feature_stops_the_assembly(spark):
    movies = spark.createDataFrame([(1, 1, None)], "movie_id int, genre_drama int, avg_rating double")
    with pytest.raises(Exception, match="null"):
        assemble_features(movies).collect()


def test_python_hash_fraction_is_the_dbt_macros(table):
    # the dbt split puts a movie in train when its hash fraction with salt split_seed (0) is < 0.8
    train = table("kmeans_movies_train").select(
        "movie_id", hash_fraction(["movie_id"], "0").alias("fraction")
    )
    test = table("kmeans_movies_test").select("movie_id", hash_fraction(["movie_id"], "0").alias("fraction"))
    assert train.where(F.col("fraction") >= 0.8).count() == 0
    assert test.where(F.col("fraction") < 0.8).count() == 0


def test_validation_split_is_disjoint_complete_seeded_and_independent_of_partitioning(table):
    ratings = table("als_ratings_train").select("user_id", "movie_id", "rating")
    fit, validation = validation_split(ratings, ["user_id", "movie_id"], 0.2, seed=0)
    fit_keys = {tuple(row) for row in fit.select("user_id", "movie_id").collect()}
    validation_keys = {tuple(row) for row in validation.select("user_id", "movie_id").collect()}
    assert not fit_keys & validation_keys
    assert len(fit_keys) + len(validation_keys) == ratings.count()
    assert abs(len(validation_keys) / ratings.count() - 0.2) < 0.02

    _, again = validation_split(ratings.repartition(7), ["user_id", "movie_id"], 0.2, seed=0)
    assert {tuple(row) for row in again.select("user_id", "movie_id").collect()} == validation_keys
    _, other_seed = validation_split(ratings, ["user_id", "movie_id"], 0.2, seed=1)
    assert {tuple(row) for row in other_seed.select("user_id", "movie_id").collect()} != validation_keys
