"""Feature assembly for k-means and the validation hold-out the train marts carry."""

import pytest

from ml.clustering.features import assemble_features, feature_columns
from ml.holdout import validation_parts


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


def test_validation_parts_follow_the_marts_hold_out_flag(spark):
    marked = spark.createDataFrame(
        [(1, 10, True), (2, 20, False), (3, 30, False)], "movie_id int, value int, is_validation boolean"
    )
    fit, validation = validation_parts(marked)
    assert [tuple(row) for row in fit.orderBy("movie_id").collect()] == [(2, 20), (3, 30)]
    assert [tuple(row) for row in validation.collect()] == [(1, 10)]
    with pytest.raises(ValueError, match="is_validation"):
        validation_parts(marked.drop("is_validation"))


@pytest.mark.parametrize(
    ("mart", "key"), [("kmeans_movies_train", ["movie_id"]), ("als_ratings_train", ["user_id", "movie_id"])]
)
def test_the_hold_out_splits_each_train_mart_in_two(table, mart, key):
    # its share: dbt's test assert_validation_share_near_validation_fraction
    fit, validation = validation_parts(table(mart))
    fit_keys = {tuple(row) for row in fit.select(*key).collect()}
    validation_keys = {tuple(row) for row in validation.select(*key).collect()}
    assert not fit_keys & validation_keys
    assert len(fit_keys) + len(validation_keys) == table(mart).count()
    assert fit_keys and validation_keys
