"""The n best cells of each row of a score block, against a sort of every row."""

import numpy as np
import pytest

from ml.recommenders.top_n import best_cells


def best_columns(scores, n):
    """best_cells as each row's columns in rank order, checking the ranks count from 1."""
    by_row = [[] for _ in scores]
    for row, column, rank in zip(*best_cells(scores, n), strict=True):
        assert rank == len(by_row[row]) + 1
        by_row[row].append(int(column))
    return by_row


def sorted_best(scores, n):
    return [
        sorted((c for c in range(len(row)) if np.isfinite(row[c])), key=lambda c, row=row: (-row[c], c))[:n]
        for row in scores
    ]


@pytest.mark.parametrize("width", [1, 3, 10, 11, 700])
@pytest.mark.parametrize("n", [1, 3, 10, 20])
def test_best_columns_are_the_highest_finite_scores_with_ties_to_the_smaller_column(width, n):
    rng = np.random.default_rng(width * 100 + n)
    scores = rng.normal(size=(9, width)).round(1)  # rounded: ties everywhere
    scores[0] = 1.0  # one tie across the whole row
    scores[1, ::2] = -np.inf  # seen cells
    scores[2] = -np.inf
    scores[3, 0] = np.nan
    scores[4, -n:] = 9.0  # the best at the row's end, in the last chunk
    assert best_columns(scores, n) == sorted_best(scores, n)


def test_a_row_with_fewer_finite_scores_than_n_lists_what_it_has():
    scores = np.array([[-np.inf, 2.0, -np.inf, 1.0], [np.inf, 0.0, 0.0, 0.0]])
    assert best_columns(scores, 3) == [[1, 3], [1, 2, 3]]  # +inf is not finite either


def test_a_chunk_peaking_at_infinity_still_gives_its_finite_scores():
    scores = np.array([[np.inf, 0.0, 1.0, 2.0]])
    assert best_columns(scores, 1) == [[3]]
