"""Rating predictions from collected factors, and their errors, against plain Python."""

import math

import numpy as np
import pytest

from ml.recommenders import factors
from ml.recommenders.evaluation import local_rating_errors
from ml.recommenders.factors import id_positions, local_predictions


def test_each_known_pair_gets_the_dot_product_of_its_factors_and_cold_pairs_are_marked(monkeypatch):
    monkeypatch.setattr(factors, "PREDICTION_CHUNK", 2)  # chunks of pairs, one cut mid-way
    rng = np.random.default_rng(0)
    users = (np.array([3, 5, 9]), rng.normal(size=(3, 4)).astype(np.float32))
    movies = (np.array([1, 2, 7, 8]), rng.normal(size=(4, 4)).astype(np.float32))
    user_ids = np.array([9, 3, 4, 5, 5, 9, 3])  # user 4 has no factors
    movie_ids = np.array([7, 1, 1, 6, 2, 8, 8])  # nor movie 6
    known, predictions = local_predictions(users, movies, user_ids, movie_ids)
    assert known.tolist() == [True, True, False, False, True, True, True]
    expected = [
        sum(
            float(a) * float(b)
            for a, b in zip(
                users[1][list(users[0]).index(u)], movies[1][list(movies[0]).index(m)], strict=True
            )
        )
        for u, m in zip(user_ids[known], movie_ids[known], strict=True)
    ]
    assert predictions.dtype == np.float64
    assert predictions == pytest.approx(expected, abs=1e-6)  # summed in float


def test_no_pairs_give_no_predictions():
    users = (np.array([1]), np.ones((1, 2), np.float32))
    known, predictions = local_predictions(users, users, np.array([], int), np.array([], int))
    assert len(known) == len(predictions) == 0


@pytest.mark.parametrize("largest", [8, 10**9])  # ids dense (a table) and sparse (a binary search)
def test_id_positions_mark_missing_ids(largest):
    ids = np.array([-5, 1, largest + 1, 4, largest, 2, -1])
    expected = [-1, -1, -1, 1, 2, 0, -1]
    assert id_positions(np.array([2, 4, largest]), ids).tolist() == expected
    assert id_positions(np.array([], int), np.array([1, 2])).tolist() == [-1, -1]


def test_local_rating_errors_clip_predictions_to_the_scale():
    # clipped errors 1.0, 0.5, 0.5: rating_errors' case in Spark (integration/test_evaluation)
    errors = local_rating_errors(np.array([4.0, 1.0, 3.0]), np.array([6.0, 0.0, 3.5]))
    assert errors == {
        "rmse": pytest.approx(math.sqrt(1.5 / 3)),
        "mae": pytest.approx(2 / 3),
        "rated_pairs": 3,
    }


def test_a_missing_local_prediction_is_an_error_and_no_pairs_have_no_error():
    with pytest.raises(ValueError, match="1 of 2"):
        local_rating_errors(np.array([4.0, 1.0]), np.array([np.nan, 1.0]))
    assert local_rating_errors(np.array([]), np.array([])) == {"rmse": None, "mae": None, "rated_pairs": 0}
