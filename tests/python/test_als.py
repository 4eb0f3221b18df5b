"""The ALS grid settings and the unseen top-N lists, on a small fitted model."""

import pytest
from pyspark.sql import Window
from pyspark.sql import functions as F

from ml import UserError
from ml.als import (
    AlsSettings,
    TuningPoint,
    best_point,
    estimator,
    halving_rungs,
    predict_ratings,
    top_unseen,
    tune,
    tuning_fits,
)
from ml.project import project_vars


def test_the_default_grid_is_the_studys_16_configs():
    grid = AlsSettings.from_vars(project_vars()).grid()
    assert len(grid) == 16
    assert grid[0] == (50, 0.1) and grid[-1] == (125, 0.4)


@pytest.mark.parametrize("ranks", [[], [0, 10], [10.5], "ten", [True]])
def test_a_bad_rank_list_is_a_user_error(ranks):
    with pytest.raises(UserError, match="als_ranks"):
        AlsSettings.from_vars(project_vars({"als_ranks": ranks}))


def test_the_best_config_has_the_lowest_validation_rmse():
    points = [
        TuningPoint(50, 0.1, 0.95, 1.0),
        TuningPoint(75, 0.2, 0.90, 1.0),
        TuningPoint(100, 0.1, 0.90, 1.0),
    ]
    assert (best_point(points).rank, best_point(points).reg_param) == (75, 0.2)


def test_only_configs_of_the_last_rung_can_be_chosen():
    points = [
        TuningPoint(50, 0.1, 0.80, 1.0, iterations=3),  # lower, but after 3 iterations only
        TuningPoint(75, 0.2, 0.90, 1.0, iterations=10),
        TuningPoint(100, 0.1, 0.85, 1.0, iterations=10),
    ]
    assert (best_point(points).rank, best_point(points).iterations) == (100, 10)


@pytest.mark.parametrize(
    "configs, max_iter, rungs, fits",
    [
        (16, 10, [3, 10], 20),
        (4, 10, [10], 4),
        (1, 10, [10], 1),
        (17, 10, [1, 3, 10], 17 + 5 + 2),
        (16, 2, [1, 2], 20),
    ],
)
def test_successive_halving_rungs(configs, max_iter, rungs, fits):
    assert halving_rungs(configs, max_iter) == rungs
    settings = AlsSettings(
        ranks=tuple(range(1, configs + 1)),
        reg_params=(0.1,),
        max_iter=max_iter,
        validation_fraction=0.2,
        seed=0,
    )
    assert tuning_fits(settings) == fits
    assert tuning_fits(AlsSettings(**{**settings.__dict__, "search": "grid"})) == configs


def test_als_search_must_be_known():
    with pytest.raises(UserError, match="als_search"):
        AlsSettings.from_vars(project_vars({"als_search": "random"}))


def test_halving_fits_every_config_and_finishes_the_best_quarter(table):
    train = table("als_ratings_train").select("user_id", "movie_id", "rating").where("user_id <= 80").cache()
    fit_part, validation_part = train.randomSplit([0.8, 0.2], seed=1)
    settings = AlsSettings(
        ranks=(2, 4), reg_params=(0.05, 0.1, 0.2, 0.4, 0.8), max_iter=4, validation_fraction=0.2, seed=0
    )  # 10 configs: rungs [1, 4], the best 3 finish
    points = tune(fit_part.cache(), validation_part.cache(), settings, blocks=2, progress=None)
    assert len(points) == 10 and sum(point.iterations == 4 for point in points) == 3
    assert all(point.iterations in (1, 4) and point.validation_rmse > 0 for point in points)
    finished = [point for point in points if point.iterations == 4]
    assert best_point(points) == min(finished, key=lambda point: point.validation_rmse)


@pytest.fixture(scope="module")
def small_model(table):
    train = table("als_ratings_train").select("user_id", "movie_id", "rating").where("user_id <= 60").cache()
    return estimator(rank=8, reg_param=0.1, max_iter=5, seed=0, blocks=2).fit(train), train


def test_predict_ratings_is_transform_with_cold_pairs_dropped(small_model, spark):
    model, train = small_model
    known = train.orderBy("user_id", "movie_id").limit(200).cache()
    cold = spark.createDataFrame(  # a user and a movie ALS never saw
        [(10**6, 1, 3.0), (1, 10**7, 3.0)], "user_id int, movie_id int, rating double"
    )
    pairs = known.unionByName(cold)
    ours = {(r.user_id, r.movie_id): r.prediction for r in predict_ratings(model, pairs).collect()}
    spark_own = {(r.user_id, r.movie_id): r.prediction for r in model.transform(pairs).collect()}
    assert set(ours) == set(spark_own) == {(r.user_id, r.movie_id) for r in known.collect()}
    assert all(abs(ours[pair] - spark_own[pair]) < 1e-5 for pair in ours)


def brute_force_top(model, train, n, key, other):
    """Score every pair, drop the train pairs, keep the n best: what top_unseen must match."""
    users = train.select("user_id").distinct()
    movies = train.select("movie_id").distinct()
    scored = model.transform(users.crossJoin(movies)).join(train, ["user_id", "movie_id"], "left_anti")
    rank = F.row_number().over(Window.partitionBy(key).orderBy(F.desc("prediction"), F.asc(other)))
    return {
        (row[key], row["rank"], row[other])
        for row in scored.withColumn("rank", rank).where(F.col("rank") <= n).collect()
    }


@pytest.mark.parametrize(
    ("side", "key", "other", "first_extra"),
    [
        ("user", "user_id", "movie_id", 64),
        ("movie", "movie_id", "user_id", 64),
        # first requests too short for most ids: they must ask again, up to every candidate
        ("user", "user_id", "movie_id", 0),
        ("movie", "movie_id", "user_id", 0),
    ],
)
def test_top_unseen_matches_scoring_every_pair(small_model, side, key, other, first_extra):
    model, train = small_model
    ours = top_unseen(model, train, 5, side, first_extra=first_extra)
    assert {(row[key], row["rank"], row[other]) for row in ours.collect()} == brute_force_top(
        model, train, 5, key, other
    )
    # every id of train gets its list, whatever its number of ratings
    assert ours.select(key).distinct().count() == train.select(key).distinct().count()
