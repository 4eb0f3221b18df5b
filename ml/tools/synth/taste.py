"""Taste: the low-rank part of a rating, and what steers a user's choice of the movies they rate.

Every user belongs to one of TASTE_SEGMENTS segments. A user's taste vector is their segment's
plus a part of their own; their ratings follow the whole vector, their choices (up to
TILTED_UP_TO ratings) their segment's: among movies of about the same popularity, a segment's
users favour those its taste rates highly (people rate what they expect to like). Popularity
still decides how many of a user's movies come from the head and how many from the tail: each
segment keeps every popularity band's share of its choices, so the popularity curve stays
ml-25m's. Choice by segment keeps a draw to a few weight vectors per chunk, not one per user over
all movies."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

TASTE_RANK = 12
TASTE_SD = 0.55  # standard deviation of the taste term of a rating
TASTE_SEGMENTS = 64
SEGMENT_SHARE = 0.7  # the share of a user's taste (its variance) that their segment gives
# how strongly taste steers choice: a segment weighs a movie by exp(CHOICE_TILT * z), z its
# standardised taste score for the movie, balanced (balanced_tilt); calibrated so that implicit
# ALS beats most-popular by about as much as on ml-latest-small (docs/testing.md)
CHOICE_TILT = 4.0
# users with more ratings than this choose by popularity alone: tilted, a heavy user takes every
# movie their segment favours, the tail's too, and at scale 1.0 twice ml-25m's ~24,000 movies
# would have 10 ratings (47,996 at 1,000; 23,253 at 250)
TILTED_UP_TO = 250
# popularity bands whose share of each segment's choices the tilt keeps: movies ordered by
# popularity, each band holding 1/POPULARITY_BANDS of the expected ratings
POPULARITY_BANDS = 20
BALANCING_ROUNDS = 4


@dataclass(frozen=True)
class Tastes:
    """Taste vectors of the movies (movies x TASTE_RANK) and of the segments, each user's segment,
    and each segment's choice multipliers per movie (segments x movies, balanced_tilt)."""

    movies: np.ndarray
    segments: np.ndarray
    segment: np.ndarray
    tilt: np.ndarray

    def of_users(self, rng: np.random.Generator, low: int, high: int) -> np.ndarray:
        """Taste vectors of users low..high-1: their segment's, plus their own part."""
        own = draw_taste(rng, high - low)
        return (
            math.sqrt(SEGMENT_SHARE) * self.segments[self.segment[low:high]]
            + math.sqrt(1 - SEGMENT_SHARE) * own
        )


def draw_taste(rng: np.random.Generator, rows: int) -> np.ndarray:
    """Taste vectors whose dot products (user x movie) have standard deviation TASTE_SD."""
    return rng.standard_normal((rows, TASTE_RANK)) * math.sqrt(TASTE_SD / math.sqrt(TASTE_RANK))


def draw_tastes(rng: np.random.Generator, expected: np.ndarray, rating_counts: np.ndarray) -> Tastes:
    """The tastes of the movies (`expected`: their expected ratings) and of the segments, a segment
    for each user (`rating_counts`: their ratings), and the segments' choice multipliers."""
    movie_taste = draw_taste(rng, len(expected))
    segments = draw_taste(rng, TASTE_SEGMENTS)
    segment = rng.integers(TASTE_SEGMENTS, size=len(rating_counts))
    ratings_share = np.bincount(segment, weights=rating_counts, minlength=TASTE_SEGMENTS)
    score = segments @ movie_taste.T / TASTE_SD  # about standard normal
    tilt = balanced_tilt(np.exp(CHOICE_TILT * score), ratings_share / ratings_share.sum(), expected)
    return Tastes(movie_taste, segments, segment, tilt)


def popularity_bands(expected: np.ndarray, bands: int = POPULARITY_BANDS) -> np.ndarray:
    """Each movie's band: movies by expected ratings, most first, cut into `bands` bands of equal
    expected ratings (the head's band holds a few movies, the tail's thousands)."""
    order = np.argsort(-expected, kind="stable")
    before = np.cumsum(expected[order]) - expected[order]
    band = np.empty(len(expected), dtype=np.int64)
    band[order] = np.minimum((before / max(expected.sum(), 1e-300) * bands).astype(np.int64), bands - 1)
    return band


def balanced_tilt(tilt: np.ndarray, share: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Choice multipliers (segments x movies) scaled, a few rounds in turn, so that a movie's
    average over the segments (weighted by their `share` of the ratings) is 1, and so that each
    segment gives each popularity band the share of its choices the band has of `expected`: a
    segment that likes few of the head's movies still rates the head as often, not the tail
    instead."""
    band = popularity_bands(expected)
    in_band = np.eye(POPULARITY_BANDS)[band] * expected[:, None]  # movies x bands
    band_total = in_band.sum(axis=0)
    for _ in range(BALANCING_ROUNDS):
        tilt = tilt / (share @ tilt)
        tilted = tilt @ in_band  # segments x bands
        tilt = tilt * (band_total / np.maximum(tilted, 1e-300))[:, band]
    return tilt
