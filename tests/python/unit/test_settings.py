"""The vars ml reads, each checked once (ml.settings): the study's grids, and a wrong value a
UserError naming the var."""

import pytest

from ml import UserError
from ml.settings import AlsSettings, KMeansSettings, RankingSettings
from ml.warehouse.project import project_vars


def test_the_default_grid_is_the_studys_16_configs():
    grid = AlsSettings.from_vars(project_vars()).grid()
    assert len(grid) == 16
    assert grid[0] == (50, 0.1) and grid[-1] == (125, 0.4)


@pytest.mark.parametrize("ranks", [[], [0, 10], [10.5], "ten", [True]])
def test_a_bad_rank_list_is_a_user_error(ranks):
    with pytest.raises(UserError, match="als_ranks"):
        AlsSettings.from_vars(project_vars({"als_ranks": ranks}))


@pytest.mark.parametrize("weights", [[], [-1, 1], "one", [True]])
def test_popularity_weights_may_be_zero_but_not_negative(weights):
    assert RankingSettings.from_vars(
        project_vars({"rerank_popularity_weights": [1, 0]})
    ).popularity_weights == (0, 1)
    with pytest.raises(UserError, match="rerank_popularity_weights must be a list of numbers of at least 0"):
        RankingSettings.from_vars(project_vars({"rerank_popularity_weights": weights}))


def test_als_search_must_be_known():
    with pytest.raises(UserError, match="als_search"):
        AlsSettings.from_vars(project_vars({"als_search": "random"}))


def k_grid(k_min, k_max, k_step):
    overrides = {"kmeans_k_min": k_min, "kmeans_k_max": k_max, "kmeans_k_step": k_step}
    return KMeansSettings.from_vars(project_vars(overrides)).grid()


def test_the_default_grid_is_the_studys_150_values():
    grid = KMeansSettings.from_vars(project_vars()).grid()
    assert grid[:3] == [10, 20, 30] and grid[-1] == 1500 and len(grid) == 150


def test_a_grid_includes_its_end_when_the_step_lands_on_it():
    assert k_grid(2, 10, 4) == [2, 6, 10]
    assert k_grid(2, 9, 4) == [2, 6]
    assert k_grid(5, 5, 1) == [5]


@pytest.mark.parametrize(
    ("k_min", "k_max", "k_step", "message"),
    [
        (1, 10, 1, "at least 2"),
        (10, 5, 1, "below kmeans_k_min"),
        (2, 10, 0, "kmeans_k_step"),
        (2.5, 10, 1, "whole"),
    ],
)
def test_a_grid_that_is_no_grid_is_a_user_error(k_min, k_max, k_step, message):
    with pytest.raises(UserError, match=message):
        k_grid(k_min, k_max, k_step)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"top_n": 0}, "var top_n must be a whole number of at least 1"),
        ({"top_n": 2.5}, "var top_n"),
        ({"relevant_rating": 6}, "var relevant_rating must be a rating from 0.5 to 5"),
        ({"similar_movies": 0}, "var similar_movies"),
        ({"recommendation_model": "svd"}, "var recommendation_model must be one of ranking, als, bias_als"),
        ({"bias_user_damping": -1}, "var bias_user_damping must be a number of at least 0"),
        ({"als_max_iter": 0}, "var als_max_iter"),
        ({"split_seed": "zero"}, "var split_seed"),
    ],
)
def test_every_setting_of_the_als_step_is_checked_before_spark_starts(overrides, message):
    from ml.settings import AlsStepSettings

    with pytest.raises(UserError, match=message):
        AlsStepSettings.from_vars(project_vars(overrides))


def test_the_default_settings_are_the_studys():
    from ml.settings import AlsStepSettings

    settings = AlsStepSettings.from_vars(project_vars())
    assert settings.recommender == "ranking" and settings.lists.top_n == 10
    assert settings.ranking.implicit_grid()[0] == (50, 0.1, 1.0)
    assert (settings.biases.movie_damping, settings.biases.user_damping) == (10, 5)
