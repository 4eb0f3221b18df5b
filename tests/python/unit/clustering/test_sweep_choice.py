"""Which values of k the sweep fits, and which k it chooses."""

import pytest

from ml import UserError
from ml.clustering.sweep import SweepPoint, best_k, plan_grid


def test_ks_not_below_the_training_movies_are_skipped():
    assert plan_grid([10, 20, 30, 40], training_movies=30) == ([10, 20], [30, 40])


def point(k, validation):
    return SweepPoint(k, k, 3, 0.1, validation, 0.5)


def test_the_best_k_has_the_highest_validation_silhouette_smaller_k_on_a_tie():
    assert best_k([point(10, 0.3), point(20, 0.5), point(30, 0.5), point(40, None)]).k == 20
    with pytest.raises(UserError, match="no k"):
        best_k([point(10, None)])
