"""The search's order of fits (staged and grid), its bound on fits, and the choice of the best
rating and ranking configs."""

import itertools
import random

import pytest

from ml.recommenders.rating_models import TuningPoint, best_rating_config
from ml.recommenders.search import (
    BASELINE_TOLERANCE,
    most_fits,
    neighbours,
    search,
    staged_search,
    uses_baseline,
)

RANKS, REGS = (50, 75, 100, 125), (0.1, 0.2, 0.3, 0.4)
GRID = list(itertools.product(RANKS, REGS))


def recording(losses: dict) -> tuple[list, callable]:
    """An evaluate that looks the loss up and records the order of the calls."""
    calls = []

    def evaluate(config):
        calls.append(config)
        return losses[config]

    return calls, evaluate


def bowl(best_rank: int, best_reg: float) -> dict:
    """Losses falling towards (best_rank, best_reg) along both axes."""
    return {
        (rank, reg): abs(RANKS.index(rank) - RANKS.index(best_rank))
        + abs(REGS.index(reg) - REGS.index(best_reg))
        for rank, reg in GRID
    }


def test_the_staged_search_fits_regularisation_first_then_ranks_then_the_neighbours():
    calls, evaluate = recording(bowl(100, 0.3))
    losses = staged_search(GRID, evaluate)
    assert calls == [
        (50, 0.1),
        (50, 0.2),
        (50, 0.3),
        (50, 0.4),  # regParam at the smallest rank
        (75, 0.3),
        (100, 0.3),
        (125, 0.3),  # ranks until two in a row do no better; 125 does worse, and is the last
        (100, 0.2),
        (100, 0.4),  # the neighbouring regParams at the chosen rank
    ]
    assert list(losses) == calls
    assert min(losses, key=losses.get) == (100, 0.3)


def test_the_staged_search_stops_after_two_larger_ranks_that_do_no_better():
    calls, evaluate = recording(bowl(50, 0.1))
    staged_search(GRID, evaluate)
    assert calls == [(50, 0.1), (50, 0.2), (50, 0.3), (50, 0.4), (75, 0.1), (100, 0.1)]


def test_the_staged_search_goes_on_over_a_plateau_of_one_rank():
    losses = bowl(50, 0.1)
    losses |= {(75, 0.1): -0.5, (100, 0.1): -0.5, (125, 0.1): -1.0}  # level from 75 to 100, then lower
    _, evaluate = recording(losses)
    found = staged_search(GRID, evaluate)
    assert min(found, key=found.get) == (125, 0.1)


def test_the_staged_search_finds_a_stronger_regularisation_at_a_larger_rank():
    losses = bowl(125, 0.2)
    losses[(125, 0.3)] = -1.0  # at rank 125 more regularisation does better
    _, evaluate = recording(losses)
    found = staged_search(GRID, evaluate)
    assert min(found, key=found.get) == (125, 0.3)


def test_the_staged_search_fits_no_larger_rank_when_the_factors_score_as_the_baseline():
    losses = bowl(100, 0.3)
    smallest_rank_best = losses[(50, 0.3)]
    for near in (BASELINE_TOLERANCE / 2, -BASELINE_TOLERANCE / 2):
        calls, evaluate = recording(losses)
        staged_search(GRID, evaluate, baseline=smallest_rank_best + near)
        assert calls == [(50, reg) for reg in REGS]
    # a gain, or factors fitting noise: the ranks as ever
    for far in (2 * BASELINE_TOLERANCE, -2 * BASELINE_TOLERANCE):
        calls, evaluate = recording(losses)
        staged_search(GRID, evaluate, baseline=smallest_rank_best + far)
        assert calls[4:7] == [(75, 0.3), (100, 0.3), (125, 0.3)]
    assert search("grid", GRID, evaluate, baseline=2.0).keys() == set(GRID)  # the grid fits all
    assert uses_baseline("staged") and not uses_baseline("grid")  # so only the staged one asks for it


def test_the_grid_fits_every_config_in_order():
    calls, evaluate = recording(bowl(75, 0.2))
    assert list(search("grid", GRID, evaluate)) == GRID == calls
    with pytest.raises(ValueError, match="unknown search"):
        search("halving", GRID, evaluate)


@pytest.mark.parametrize("seed", range(20))
def test_the_staged_search_fits_each_config_once_and_within_its_bound(seed):
    rng = random.Random(seed)
    grid = list(itertools.product((10, 20, 40), (0.05, 0.1), (1.0, 10.0, 40.0)))
    calls, evaluate = recording({config: rng.random() for config in grid})
    staged_search(grid, evaluate)
    assert len(calls) == len(set(calls)) <= most_fits("staged", grid)
    assert most_fits("grid", grid) == len(grid)


def test_neighbours_step_along_every_axis_but_the_rank():
    values = [[50, 100], [0.1, 0.2, 0.3], [1.0, 10.0]]
    assert neighbours((100, 0.2, 1.0), values) == [(100, 0.1, 1.0), (100, 0.3, 1.0), (100, 0.2, 10.0)]
    assert neighbours((100, 0.1), [[50, 100], [0.1]]) == []


def test_most_fits_counts_the_stages():
    # 4 regParams, 3 more ranks, 2 neighbours
    assert most_fits("staged", GRID) == 9
    assert most_fits("staged", [(50, 0.1), (50, 0.2)]) == 2  # one rank: the regParams only


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
