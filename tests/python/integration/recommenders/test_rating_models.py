"""The rating models' search (successive halving on real ratings) and their residuals."""

import pytest

from ml.recommenders.rating_models import best_rating_config, search_rating_configs
from ml.settings import AlsSettings


def test_halving_fits_every_config_and_finishes_the_best_quarter(table):
    train = table("als_ratings_train").select("user_id", "movie_id", "rating").where("user_id <= 80").cache()
    fit_part, validation_part = train.randomSplit([0.8, 0.2], seed=1)
    settings = AlsSettings(
        ranks=(2, 4), reg_params=(0.05, 0.1, 0.2, 0.4, 0.8), max_iter=4, seed=0
    )  # 10 configs: rungs [1, 4], the best 3 finish
    points = search_rating_configs(
        fit_part.cache(), validation_part.cache(), settings, blocks=2, progress=None
    )
    assert len(points) == 10 and sum(point.iterations == 4 for point in points) == 3
    assert all(point.iterations in (1, 4) and point.validation_rmse > 0 for point in points)
    finished = [point for point in points if point.iterations == 4]
    assert best_rating_config(points) == min(finished, key=lambda point: point.validation_rmse)


def test_residuals_are_what_the_biases_leave(spark):
    from ml.recommenders.baselines import BiasModel
    from ml.recommenders.rating_models import residuals

    bias = BiasModel(
        3.0,
        spark.createDataFrame([(10, 0.5)], "movie_id int, movie_bias double"),
        spark.createDataFrame([(1, -0.25)], "user_id int, user_bias double"),
    )
    ratings = spark.createDataFrame([(1, 10, 4.0), (2, 11, 2.0)], "user_id int, movie_id int, rating double")
    left = {(r.user_id, r.movie_id): r.rating for r in residuals(ratings, bias).collect()}
    assert left == {(1, 10): pytest.approx(0.75), (2, 11): pytest.approx(-1.0)}
