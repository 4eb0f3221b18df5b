"""Successive halving's rungs and fits, and the choice of the best rating and ranking configs."""

import pytest

from ml.recommenders.rating_models import TuningPoint, best_rating_config
from ml.recommenders.search import halving_rungs, tuning_fits
from ml.settings import AlsSettings


def test_the_ranking_model_has_the_highest_validation_ndcg_of_both_models():
    from ml.recommenders.ranking_models import IMPLICIT, RERANKED, RankingPoint, best_ranking_config

    points = [
        RankingPoint(IMPLICIT, 50, 0.1, 1.0, None, 0.20, 1.0),
        RankingPoint(IMPLICIT, 100, 0.1, 10.0, None, 0.20, 1.0),
        RankingPoint(RERANKED, 50, 0.1, None, 0.5, 0.25, 0.0),
        RankingPoint(RERANKED, 50, 0.1, None, 1.0, 0.25, 0.0),
    ]
    # ties go to the smaller rank, the smaller alpha or weight
    assert best_ranking_config(points) == points[2]
    assert best_ranking_config(points, IMPLICIT) == points[0]


def test_the_best_config_has_the_lowest_validation_rmse():
    points = [
        TuningPoint(50, 0.1, 0.95, 1.0),
        TuningPoint(75, 0.2, 0.90, 1.0),
        TuningPoint(100, 0.1, 0.90, 1.0),
    ]
    assert (best_rating_config(points).rank, best_rating_config(points).reg_param) == (75, 0.2)


def test_only_configs_of_the_last_rung_can_be_chosen():
    points = [
        TuningPoint(50, 0.1, 0.80, 1.0, iterations=3),  # lower, but after 3 iterations only
        TuningPoint(75, 0.2, 0.90, 1.0, iterations=10),
        TuningPoint(100, 0.1, 0.85, 1.0, iterations=10),
    ]
    assert (best_rating_config(points).rank, best_rating_config(points).iterations) == (100, 10)


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
        seed=0,
    )
    assert tuning_fits(settings) == fits
    assert tuning_fits(AlsSettings(**{**settings.__dict__, "search": "grid"})) == configs
