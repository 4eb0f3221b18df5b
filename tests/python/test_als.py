"""The ALS grid settings and the unseen top-N lists, on a small fitted model."""

import pytest
from pyspark.sql import Window
from pyspark.sql import functions as F

from ml import UserError
from ml.als import AlsSettings, TuningPoint, best_point, estimator, top_unseen
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


@pytest.fixture(scope="module")
def small_model(table):
    train = table("als_ratings_train").select("user_id", "movie_id", "rating").where("user_id <= 60").cache()
    return estimator(rank=8, reg_param=0.1, max_iter=5, seed=0, blocks=2).fit(train), train


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
    ("side", "key", "other"), [("user", "user_id", "movie_id"), ("movie", "movie_id", "user_id")]
)
def test_top_unseen_matches_scoring_every_pair(small_model, side, key, other):
    model, train = small_model
    ours = top_unseen(model, train, 5, side)
    assert {(row[key], row["rank"], row[other]) for row in ours.collect()} == brute_force_top(
        model, train, 5, key, other
    )
    # every id of train gets its list, whatever its number of ratings
    assert ours.select(key).distinct().count() == train.select(key).distinct().count()
