"""The report's aggregates, DataFrames in and out, on hand-made rows."""

from __future__ import annotations

import math

import pytest

from ml.reporting.aggregates import movie_map, prediction_cells, sample_user_ids, user_activity_histogram


def test_user_activity_histogram_bins_by_powers_of_ten(spark):
    activity = spark.createDataFrame(
        [(1, 20, 20), (2, 25, 0), (3, 100, 99), (4, 1000, 1000)],
        "user_id int, ratings_raw int, ratings_on_cleaned_movies int",
    )
    rows = user_activity_histogram(activity, bins_per_decade=1).collect()
    assert [(round(row["bin_start"]), row["users_raw"], row["users_on_cleaned_movies"]) for row in rows] == [
        (10, 2, 2),  # 20 and 25 raw; 20 and 99 of cleaned movies (the user with none leaves)
        (100, 1, 0),
        (1000, 1, 1),
    ]


def test_sample_users_are_fixed_by_seed_and_have_test_ratings(spark):
    recommendations = spark.createDataFrame(
        [(user, 1, 7) for user in range(1, 40)], "user_id int, rank int, movie_id int"
    )
    test = spark.createDataFrame(
        [(user, 9, 4.0) for user in range(20, 60)], "user_id int, movie_id int, rating double"
    )
    chosen = sample_user_ids(recommendations, test, seed=42)
    assert len(chosen) == 3 and all(20 <= user < 40 for user in chosen)
    assert sample_user_ids(recommendations, test, seed=42) == chosen
    assert sample_user_ids(recommendations, test, seed=7) != chosen


@pytest.mark.parametrize("where", ["driver", "spark"])
def test_prediction_cells_count_every_scorable_test_rating_once(spark, monkeypatch, where):
    from ml.recommenders.rating_models import estimator

    train = spark.createDataFrame(
        [(user, movie, float(1 + (user * movie) % 5)) for user in range(1, 9) for movie in range(1, 7)],
        "user_id int, movie_id int, rating double",
    )
    test = spark.createDataFrame(
        [(1, 2, 4.0), (2, 3, 0.5), (3, 4, 5.0), (4, 2, 5.0), (99, 1, 3.0)],  # user 99 is unknown to the model
        "user_id int, movie_id int, rating double",
    )
    model = estimator(rank=2, reg_param=0.1, max_iter=5, seed=0, blocks=1).fit(train)
    predicted = {(r.user_id, r.movie_id): r.prediction for r in model.transform(test).collect()}
    if where == "spark":
        monkeypatch.setattr("ml.recommenders.factors.DRIVER_SCORING_BYTES", 0)
    cells = prediction_cells(model, test)
    assert list(cells.columns) == ["rating", "predicted_bin", "ratings", "mean_prediction"]
    assert cells["ratings"].sum() == 4
    assert list(zip(cells["rating"], cells["predicted_bin"], strict=True)) == sorted(
        {
            (4.0, bin_of(predicted[1, 2])),
            (0.5, bin_of(predicted[2, 3])),
            (5.0, bin_of(predicted[3, 4])),
            (5.0, bin_of(predicted[4, 2])),
        }
    )
    mean_of_fives = (clip(predicted[3, 4]) + clip(predicted[4, 2])) / 2
    assert cells.loc[cells["rating"] == 5.0, "mean_prediction"].tolist() == pytest.approx(
        [mean_of_fives] * len(cells.loc[cells["rating"] == 5.0]), abs=1e-6
    )


def clip(prediction):
    return min(max(prediction, 0.5), 5.0)


def bin_of(prediction):
    return round(math.floor(clip(prediction) / 0.1) * 0.1, 2)


def test_the_movie_map_projects_at_most_the_asked_movies(spark):
    movies = spark.createDataFrame(
        [(movie, movie % 2, 1 - movie % 2, 2.0 + movie % 7 / 3) for movie in range(1, 201)],
        "movie_id int, genre_action int, genre_drama int, avg_rating double",
    )
    clusters = spark.createDataFrame(
        [(movie, movie % 3) for movie in range(1, 201)], "movie_id int, cluster int"
    )
    everything = movie_map(movies, clusters).toPandas()
    assert len(everything) == 200 and set(everything.columns) == {"movie_id", "cluster", "pc1", "pc2"}
    sample = movie_map(movies, clusters, most=50).toPandas()
    assert 25 <= len(sample) <= 75  # a hash sample of about a quarter
    again = movie_map(movies, clusters, most=50).toPandas()
    assert sorted(sample["movie_id"]) == sorted(again["movie_id"])  # the same movies every time
