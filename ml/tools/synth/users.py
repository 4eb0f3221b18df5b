"""The users: how many ratings each gives (at least 20, heavy-tailed, summing to the spec's
ratings exactly), when they rate, and how often they give half stars."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ml.tools.synth.shape import (
    FIRST_TIMESTAMP,
    LAST_TIMESTAMP,
    MAX_USER_RATINGS,
    MIN_USER_RATINGS,
    SynthSpec,
)
from ml.warehouse.project import project_var

# no user rates more than this share of the movies (ml-25m's heaviest: 32,202 of 59,047 rated)
MAX_USER_SHARE = 0.6
# ratings per user: 15% of users stop just past the 20 that MovieLens asked for, the others have
# 20 + log-normal; mean ~154 per user, and the users at or below the study's cap hold ~6.0M, as in
# ml-25m
QUICK_LEAVERS_SHARE, QUICK_LEAVERS_EXTRA = 0.15, 3.0
USER_LOG_MEAN, USER_LOG_SD = 4.1, 1.35


@dataclass(frozen=True)
class Users:
    """Per user (index = userId - 1): ratings, first rating's time, the span of their ratings
    in seconds, and the share of their ratings (from 2003 on) given in half stars."""

    counts: np.ndarray
    first_seen: np.ndarray
    span: np.ndarray
    half_star_share: np.ndarray


def make_users(rng: np.random.Generator, spec: SynthSpec) -> Users:
    counts = ratings_per_user(rng, spec)
    first_seen = rng.integers(FIRST_TIMESTAMP, LAST_TIMESTAMP, size=spec.users)
    # about half the users rate in one sitting, the others over months or years
    span = np.where(
        rng.random(spec.users) < 0.5,
        rng.exponential(3_600.0, size=spec.users),
        rng.exponential(400 * 86_400.0, size=spec.users),
    )
    span = np.minimum(span, LAST_TIMESTAMP - first_seen)
    return Users(counts, first_seen, span, rng.beta(4.0, 1.0, size=spec.users))


def ratings_per_user(rng: np.random.Generator, spec: SynthSpec) -> np.ndarray:
    """Ratings of each user, capped (at small scale, by the movies there are), then adjusted so
    that the total is exactly spec.ratings. The users above the study's cap (the default of dbt var
    rating_cap) take the adjustment, so the capped share keeps ml-25m's size; where they cannot
    (small scale), the rest is spread over all users in proportion to their ratings above 20."""
    cap = min(MAX_USER_RATINGS, max(MIN_USER_RATINGS, int(spec.rated_movies * MAX_USER_SHARE)))
    quick = rng.random(spec.users) < QUICK_LEAVERS_SHARE
    counts = np.where(
        quick,
        MIN_USER_RATINGS + rng.geometric(1 / (1 + QUICK_LEAVERS_EXTRA), spec.users) - 1,
        MIN_USER_RATINGS + np.floor(np.exp(USER_LOG_MEAN + USER_LOG_SD * rng.standard_normal(spec.users))),
    )
    counts = np.minimum(counts, cap).astype(np.int64)
    counts[np.argmax(counts)] = cap  # ml-25m's heaviest user, at its 32,202 ratings
    target = max(spec.ratings, MIN_USER_RATINGS * spec.users)
    study_cap = project_var("rating_cap")
    for everyone in (False, False, False, True, True, True):
        gap = target - int(counts.sum())
        if gap == 0:
            break
        floor = MIN_USER_RATINGS if everyone else study_cap
        movable = (counts > floor) & (counts > MIN_USER_RATINGS if gap < 0 else counts < cap)
        room = (counts - floor) * (1.0 if gap < 0 else (1 - counts / cap))
        room = np.where(movable, room, 0.0)
        if room.sum() <= 0:
            continue
        step = np.floor(room / room.sum() * gap).astype(np.int64)
        counts = np.clip(counts + step, MIN_USER_RATINGS, cap)
    return _spread_leftover(counts, target, cap)


def _spread_leftover(counts: np.ndarray, target: int, cap: int) -> np.ndarray:
    """What the rounding left: one rating more (or less) each for the heaviest users."""
    while leftover := target - int(counts.sum()):
        movable = np.flatnonzero(counts < cap if leftover > 0 else counts > MIN_USER_RATINGS)
        if not len(movable):
            break
        heaviest = movable[np.argsort(-counts[movable], kind="stable")][: abs(leftover)]
        counts[heaviest] += 1 if leftover > 0 else -1
    return counts
