"""The ratings, user chunk by user chunk: score = mean + user bias + movie bias + taste (low
rank) + noise, rounded to the stars MovieLens offered at the rating's time; written to
ratings.csv sorted by user, then movie, as ml-25m is."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ml.tools.synth.output import Tally, write_csv
from ml.tools.synth.popularity import USERS_PER_CHUNK, Choosers, draw_movies
from ml.tools.synth.shape import HALF_STARS_FROM, SynthSpec
from ml.tools.synth.taste import Tastes
from ml.tools.synth.users import Users

RATING_MEAN = 3.44
USER_BIAS_SD, NOISE_SD = 0.45, 0.62
RATINGS_HEADER = "userId,movieId,rating,timestamp\n"


@dataclass(frozen=True)
class RatedMovies:
    """What the draw needs of the movies (by movie index): ids, sampling weights, biases, and
    the tastes of movies and users."""

    ids: np.ndarray
    weight: np.ndarray
    bias: np.ndarray
    tastes: Tastes


def to_stars(score: np.ndarray, half_stars: np.ndarray) -> np.ndarray:
    """Scores to ratings: half stars 0.5..5.0 where allowed, else whole stars 1..5."""
    half = np.clip(np.round(score * 2) / 2, 0.5, 5.0)
    whole = np.clip(np.round(score), 1.0, 5.0)
    return np.where(half_stars, half, whole)


def rate_chunk(
    rng: np.random.Generator, users: Users, low: int, high: int, movies: RatedMovies
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The ratings of users low..high-1 as rows of ratings.csv, with their movie indexes and stars."""
    choosers = Choosers.of(users.counts, movies.tastes).part(slice(low, high))
    user, movie = draw_movies(rng, choosers, movies.weight)
    user_bias = USER_BIAS_SD * rng.standard_normal(high - low)
    user_taste = movies.tastes.of_users(rng, low, high)
    taste = np.einsum("ij,ij->i", user_taste[user], movies.tastes.movies[movie])
    score = (
        RATING_MEAN
        + user_bias[user]
        + movies.bias[movie]
        # users choose what their taste rates highly: centred, so that the mean rating stays ml-25m's
        + (taste - taste.mean())
        + NOISE_SD * rng.standard_normal(len(user))
    )
    rater = user + low
    timestamps = users.first_seen[rater] + np.floor(rng.random(len(user)) * users.span[rater])
    timestamps = timestamps.astype(np.int64)
    half_stars = (timestamps >= HALF_STARS_FROM) & (rng.random(len(user)) < users.half_star_share[rater])
    stars = to_stars(score, half_stars)
    order = np.lexsort((movie, user))
    frame = pd.DataFrame(
        {
            "userId": rater[order] + 1,
            "movieId": movies.ids[movie[order]],
            "rating": stars[order],
            "timestamp": timestamps[order],
        }
    )
    return frame, movie, stars


def write_ratings(
    rng: np.random.Generator,
    spec: SynthSpec,
    path: Path,
    users: Users,
    movies: RatedMovies,
    progress: Callable[[str], None],
    started: float,
) -> Tally:
    """ratings.csv, a chunk of users at a time, with progress lines timed from `started`; what the
    ratings written add up to."""
    path.write_text(RATINGS_HEADER)
    tally = Tally(np.zeros(len(movies.ids), dtype=np.int64))
    chunks = math.ceil(spec.users / USERS_PER_CHUNK)
    for chunk in range(chunks):
        low, high = chunk * USERS_PER_CHUNK, min(spec.users, (chunk + 1) * USERS_PER_CHUNK)
        frame, movie, stars = rate_chunk(rng, users, low, high, movies)
        write_csv(frame, path, header=False)
        tally.add(movie, stars)
        if chunk % 10 == 9 or chunk == chunks - 1:
            progress(
                f"  synth: ratings of {high:,}/{spec.users:,} users written "
                f"({time.monotonic() - started:.0f} s)"
            )
    return tally
