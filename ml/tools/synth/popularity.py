"""Which movies each user rates: ml-25m's popularity curve, the draw of a user's distinct movies
(by popularity, tilted by their taste segment's), and the sampling weights under which those
draws give the curve back."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ml.tools.synth.shape import POPULARITY_KNOTS, SynthSpec
from ml.tools.synth.taste import TILTED_UP_TO, Tastes

USERS_PER_CHUNK = 4_000
# users above this many ratings draw their movies exactly (one pass over all movies each);
# lighter users draw with replacement and keep the first distinct ones (the same distribution)
EXACT_DRAW_FROM = 1_000
# the weight calibration may thin the tail by at most this factor per round (see calibrate_weights)
TAIL_THINNING = 0.8


@dataclass(frozen=True)
class Choosers:
    """Users as the draw sees them: how many movies each rates, their taste segment, and the
    segments' choice multipliers per movie (taste.Tastes.tilt)."""

    counts: np.ndarray
    segment: np.ndarray
    tilt: np.ndarray

    @classmethod
    def of(cls, counts: np.ndarray, tastes: Tastes) -> Choosers:
        return cls(counts, tastes.segment, tastes.tilt)

    def part(self, users: slice | np.ndarray) -> Choosers:
        return Choosers(self.counts[users], self.segment[users], self.tilt)


def expected_ratings_by_rank(movies: int) -> np.ndarray:
    """Expected ratings of each of `movies` movies, most popular first, on ml-25m's curve."""
    fractions = np.arange(1, movies + 1) / movies
    knots = np.array(POPULARITY_KNOTS)
    return np.exp(np.interp(np.log(fractions), np.log(knots[:, 0]), np.log(knots[:, 1])))


def sampling_weights(expected: np.ndarray, choosers: Choosers, spec: SynthSpec) -> np.ndarray:
    """The weights users draw movies with: calibrated so that movies get about `expected`
    ratings each, and zero for as many movies as ml-25m has unrated (streams of their own, so the
    main stream of draws does not depend on them)."""
    weight = calibrate_weights(expected, choosers, spec.seed)
    simulated = draw_counts(np.random.default_rng([spec.seed, 2]), choosers, weight)
    make_unrated(weight, simulated, spec)
    return weight


def make_unrated(weight: np.ndarray, simulated: np.ndarray, spec: SynthSpec) -> None:
    """Zero the weights of the least rated movies of a simulated draw, so that with the movies
    that draw no rating by chance about ml-25m's share of movies has no rating."""
    target = spec.movies - spec.rated_movies
    by_chance = int((simulated[weight > 0] == 0).sum())
    rated = np.flatnonzero((weight > 0) & (simulated > 0))
    least = rated[np.argsort(simulated[rated], kind="stable")[: max(0, target - by_chance)]]
    weight[least] = 0.0


def calibrate_weights(
    target: np.ndarray, choosers: Choosers, seed: int, rounds: int = 4, bands: int = 100
) -> np.ndarray:
    """Sampling weights under which movies get about `target` ratings each.

    A user takes each movie at most once, so heavy users, having taken the popular movies, spill
    into the tail: weights equal to the targets would give the tail far more ratings than ml-25m's
    (0.5%). The draws of every tenth user are simulated and the weights corrected per band of
    popularity ranks, a few times over."""
    rng = np.random.default_rng([seed, 1])
    sample = choosers.part(slice(None, None, 10))
    factor = choosers.counts.sum() / sample.counts.sum()
    target = target / target.sum() * choosers.counts.sum()
    ranked = np.flatnonzero(target > 0)[np.argsort(-target[target > 0], kind="stable")]
    band = np.minimum(
        (np.log(np.arange(1, len(ranked) + 1)) / math.log(max(len(ranked), 2)) * bands).astype(int),
        bands - 1,
    )
    band_target = np.bincount(band, weights=target[ranked], minlength=bands)
    band_movies = np.bincount(band, minlength=bands)
    tail_bands = band_target < 10 * np.maximum(band_movies, 1)

    def simulate(weight: np.ndarray) -> np.ndarray:
        """Ratings per band of popularity ranks when every tenth user draws, scaled to all users."""
        simulated = draw_counts(rng, sample, weight)
        return np.bincount(band, weights=simulated[ranked] * factor, minlength=bands)

    weight = target.copy()
    for _ in range(rounds):
        adjust = np.clip(band_target / np.maximum(simulate(weight), 1e-9), 0.25, 4.0) ** 0.8
        # thin the tail gently: movies expected to get a handful of ratings would get none
        adjust[tail_bands] = np.maximum(adjust[tail_bands], TAIL_THINNING)
        weight[ranked] *= adjust[band]
    return weight


def draw_counts(rng: np.random.Generator, choosers: Choosers, weight: np.ndarray) -> np.ndarray:
    """Ratings per movie when these users draw their movies, chunk by chunk."""
    simulated = np.zeros(len(weight), dtype=np.int64)
    for low in range(0, len(choosers.counts), USERS_PER_CHUNK):
        _, movies = draw_movies(rng, choosers.part(slice(low, low + USERS_PER_CHUNK)), weight)
        simulated += np.bincount(movies, minlength=len(weight))
    return simulated


def draw_movies(
    rng: np.random.Generator, choosers: Choosers, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(user index among `choosers`, movie index) pairs, segment by segment: each user's movies
    drawn by `weight` times their segment's choice multipliers (by `weight` alone for users of
    more than TILTED_UP_TO ratings)."""
    users_parts, movies_parts = [], []
    segment = np.where(choosers.counts > TILTED_UP_TO, -1, choosers.segment)  # -1: popularity alone
    for group in np.unique(segment):
        members = np.flatnonzero(segment == group)
        tilted = weight if group < 0 else weight * choosers.tilt[group]
        users, movies = draw_distinct(rng, choosers.counts[members], tilted)
        users_parts.append(members[users])
        movies_parts.append(movies)
    return np.concatenate(users_parts), np.concatenate(movies_parts)


def draw_distinct(
    rng: np.random.Generator, counts: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(user index, movie index) pairs: counts[u] distinct movies per user, each drawn with
    probability proportional to its weight among those the user has not drawn yet."""
    cumulative = np.cumsum(weight)
    users_parts, movies_parts = [], []
    pending = np.flatnonzero(counts <= EXACT_DRAW_FROM)
    need = counts.copy()
    for factor in (2, 4, 8):
        if not len(pending):
            break
        users = np.repeat(pending, factor * need[pending] + 8)
        movies = np.searchsorted(cumulative, rng.random(len(users)) * cumulative[-1], side="right")
        movies = np.minimum(movies, len(weight) - 1)
        _, first = np.unique(users * len(weight) + movies, return_index=True)
        first.sort()  # draw order: the first distinct draws are a sample without replacement
        users, movies = users[first], movies[first]
        distinct = np.bincount(users, minlength=len(counts))
        starts = np.cumsum(distinct) - distinct
        keep = (np.arange(len(users)) - starts[users]) < need[users]
        complete = distinct[pending] >= need[pending]
        done = np.isin(users, pending[complete])
        users_parts.append(users[keep & done])
        movies_parts.append(movies[keep & done])
        pending = pending[~complete]
    # heavy users, and the few whose draws kept repeating: Efraimidis-Spirakis, the n smallest
    # Exp(1) / weight over all movies
    positive = np.flatnonzero(weight > 0)
    for user in np.concatenate([np.flatnonzero(counts > EXACT_DRAW_FROM), pending]):
        keys = rng.exponential(size=len(positive)) / weight[positive]
        chosen = positive[np.argpartition(keys, counts[user] - 1)[: counts[user]]]
        users_parts.append(np.full(len(chosen), user))
        movies_parts.append(chosen)
    return np.concatenate(users_parts), np.concatenate(movies_parts)
