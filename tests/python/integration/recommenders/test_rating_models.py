"""The rating models' search on real ratings, the search's share of users, and the residuals."""

import pytest

from ml.recommenders.rating_models import best_rating_config, search_rating_configs
from ml.recommenders.sampling import search_parts
from ml.recommenders.search import staged_search
from ml.settings import AlsSettings, SearchSettings


@pytest.fixture(scope="module")
def small_parts(table):
    train = table("als_ratings_train").select("user_id", "movie_id", "rating").where("user_id <= 80").cache()
    fit_part, validation_part = train.randomSplit([0.8, 0.2], seed=1)
    return fit_part.cache(), validation_part.cache()


def test_the_staged_search_fits_what_it_picks_and_keeps_the_best_model(small_parts):
    settings = AlsSettings(ranks=(2, 4, 8), reg_params=(0.05, 0.2, 0.8), max_iter=3, seed=0)
    parts = search_parts(small_parts, None, seed=0)
    points, model = search_rating_configs(parts, settings, blocks=2, progress=None)
    losses = {(point.rank, point.reg_param): point.validation_rmse for point in points}
    # replayed on the RMSEs it measured, the search asks for the same configs in the same order
    assert list(staged_search(settings.grid(), losses.__getitem__)) == list(losses)
    assert all(point.iterations == 3 and point.fit_ratings == parts.fit_ratings for point in points)
    assert model.rank == best_rating_config(points).rank


def test_the_search_sample_holds_a_share_of_the_users_with_all_their_ratings(small_parts):
    fit, validation = small_parts
    total = fit.count()
    parts = search_parts((fit.cache(), validation.cache()), total // 2, seed=3)
    users = {row.user_id for row in parts.fit.select("user_id").distinct().collect()}
    assert 0 < len(users) < fit.select("user_id").distinct().count()
    assert parts.user_share == pytest.approx(0.5, abs=0.01)
    # every rating of a sampled user, in both parts, and no other user's
    assert parts.fit.count() == fit.where(fit.user_id.isin(list(users))).count() == parts.fit_ratings
    assert {row.user_id for row in parts.validation.select("user_id").distinct().collect()} <= users
    again = search_parts((fit.cache(), validation.cache()), total // 2, seed=3)
    assert again.fit.exceptAll(parts.fit).count() == 0  # the same users for the same seed
    assert search_parts((fit.cache(), validation.cache()), total, seed=3).user_share == 1.0


def test_the_grid_fits_on_all_ratings_whatever_the_sample():
    assert SearchSettings("grid", 1000).sample_limit() is None
    assert SearchSettings("staged", 1000).sample_limit() == 1000


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
