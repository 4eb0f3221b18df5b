"""Unseen top-N lists from factors on the driver (numpy), on hand-made factors."""

import numpy as np
import pandas as pd

from ml.recommenders.top_n import SeenPairs, local_top_unseen

USERS = (np.array([1, 2, 3]), np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
MOVIES = (np.array([10, 20, 30, 40]), np.array([[3.0, 0.0], [2.0, 1.0], [0.0, 2.0], [1.0, 1.0]]))
# user 3's scores tie: 10 and 20 score 3, 30 and 40 score 2; user 9 has no factors
SEEN = SeenPairs(pd.DataFrame({"user_id": [1, 1, 2, 3, 9], "movie_id": [10, 99, 30, 20, 10]}))


def lists(frame):
    by_id = {}
    for key, rank, other, score in frame.itertuples(index=False):
        by_id.setdefault(key, []).append((rank, other, score))
    return by_id


def test_each_user_gets_the_best_movies_it_did_not_rate(monkeypatch):
    expected = {
        1: [(1, 20, 2.0), (2, 40, 1.0)],  # 10 is rated; 99 has no factors and changes nothing
        2: [(1, 20, 1.0), (2, 40, 1.0)],  # 30 is rated; 20 and 40 tie: the smaller id first
        3: [(1, 10, 3.0), (2, 30, 2.0)],  # 20 is rated; 30 and 40 tie
    }
    assert lists(local_top_unseen(USERS, MOVIES, SEEN, 2)) == expected
    # one user per block of scores, the seen pairs found in each
    monkeypatch.setattr("ml.recommenders.top_n.SCORE_BLOCK_CELLS", 1)
    assert lists(local_top_unseen(USERS, MOVIES, SEEN, 2)) == expected


def test_each_movie_gets_the_users_who_did_not_rate_it():
    by_movie = lists(local_top_unseen(MOVIES, USERS, SEEN, 5, side="movie"))
    assert set(by_movie) == {10, 20, 30}  # the movies of SEEN that have factors
    assert by_movie[10] == [(1, 3, 3.0), (2, 2, 0.0)]  # users 1 and 9 rated it
    assert [other for _, other, _ in by_movie[20]] == [1, 2]


class CountedPairs:
    """A stand-in for a Spark frame of pairs that counts how often it is collected."""

    def __init__(self, frame):
        self.frame, self.collections = frame, 0

    def select(self, *columns):
        return self

    def toPandas(self):  # noqa: N802 (Spark's name)
        self.collections += 1
        return self.frame[["user_id", "movie_id"]]


def test_seen_pairs_are_collected_once_and_placed_again_for_other_ids():
    pairs = CountedPairs(SEEN.collected())
    seen = SeenPairs(pairs)
    first = local_top_unseen(USERS, MOVIES, seen, 2)
    assert local_top_unseen(USERS, MOVIES, seen, 2).equals(first)
    local_top_unseen(MOVIES, USERS, seen, 2, side="movie")
    assert pairs.collections == 1
    # another model's ids (users 1 and 2 only): the pairs placed among them, not the last ones
    two_users = (USERS[0][:2], USERS[1][:2])
    assert lists(local_top_unseen(two_users, MOVIES, seen, 2)) == {
        1: [(1, 20, 2.0), (2, 40, 1.0)],
        2: [(1, 20, 1.0), (2, 40, 1.0)],
    }
