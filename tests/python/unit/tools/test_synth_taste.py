"""The generator's taste model: users choose the movies their segment's taste rates highly among
movies of about the same popularity; the tilt keeps each movie's popularity and each segment's
share of every popularity band."""

from __future__ import annotations

import numpy as np
import pytest

from ml.tools.synth.popularity import Choosers, draw_movies
from ml.tools.synth.taste import POPULARITY_BANDS, TASTE_SD, TASTE_SEGMENTS, draw_tastes, popularity_bands

MOVIES, USERS = 600, 3_000


@pytest.fixture(scope="module")
def drawn():
    rng = np.random.default_rng(5)
    counts = rng.integers(20, 120, size=USERS)
    popularity = 1.0 / np.arange(1, MOVIES + 1)  # a steep head, as ml-25m's
    tastes = draw_tastes(rng, popularity, counts)
    return rng, counts, tastes, popularity


def standardised_scores(tastes, users, movies) -> np.ndarray:
    """z of each chosen (user, movie): the user's segment's taste score for the movie."""
    segments = tastes.segments[tastes.segment[users]]
    return np.einsum("ij,ij->i", segments, tastes.movies[movies]) / TASTE_SD


def test_the_tilt_keeps_each_movies_popularity_and_each_segments_bands(drawn):
    _, counts, tastes, popularity = drawn
    share = np.bincount(tastes.segment, weights=counts, minlength=TASTE_SEGMENTS) / counts.sum()
    # a movie's multipliers average about 1 over the ratings
    assert np.median(np.abs(share @ tastes.tilt - 1)) < 0.05
    # every segment gives each popularity band the band's share of the expected ratings
    bands = np.eye(POPULARITY_BANDS)[popularity_bands(popularity)] * popularity[:, None]
    filled = bands.sum(axis=0) > 0
    assert np.allclose((tastes.tilt @ bands)[:, filled], bands.sum(axis=0)[filled])


def test_users_choose_what_their_segments_taste_rates_highly(drawn):
    rng, counts, tastes, popularity = drawn
    users, movies = draw_movies(rng, Choosers(counts, tastes.segment, tastes.tilt), popularity)
    untilted = Choosers(counts, tastes.segment, np.ones_like(tastes.tilt))
    users_by_popularity, movies_by_popularity = draw_movies(rng, untilted, popularity)
    assert standardised_scores(tastes, users, movies).mean() > 0.5
    assert abs(standardised_scores(tastes, users_by_popularity, movies_by_popularity).mean()) < 0.1
    # each user still gets their count of distinct movies
    assert np.array_equal(np.bincount(users, minlength=USERS), counts)
    assert len(np.unique(users * MOVIES + movies)) == counts.sum()


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("ij,ij->i", a, b) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


def test_a_users_taste_is_mostly_their_segments(drawn):
    rng, _, tastes, _ = drawn
    users = tastes.of_users(rng, 0, USERS)
    other = (tastes.segment + 1) % TASTE_SEGMENTS
    assert cosine(users, tastes.segments[tastes.segment]).mean() > 0.75  # sqrt(SEGMENT_SHARE) ~ 0.84
    assert abs(cosine(users, tastes.segments[other]).mean()) < 0.05
