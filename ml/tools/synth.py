"""`python -m ml synth`: MovieLens files of ml-25m's shape, for the full-scale benchmark.

At `scale` 1.0 the four CSV files match ml-25m's published shape: users, movies and ratings
counts, ratings per user (at least 20, heavy-tailed), genre frequencies, movies without ratings
or genres, movie popularity, the rating-value mix and the span of timestamps. Ratings come from
a global mean plus user and movie biases plus a low-rank taste model plus noise, so a tuned ALS
has real structure to find. Users and movies both scale with `scale`, so ratings per user and per
movie keep their shape (only the most popular movies saturate at small scale).

Users are generated and written in chunks (numpy arrays, never one Python object per rating);
the same scale and seed give the same bytes.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ml import PROJECT_DIR, UserError
from ml.tools.datasets import REQUIRED_FILES

GENERATOR_VERSION = 1
MANIFEST = "synth.json"

# ml-25m's published shape (README of ml-25m and counts from its files)
ML_25M = {"ratings": 25_000_095, "users": 162_541, "movies": 62_423, "tags": 1_093_360}
RATED_MOVIES = 59_047
NO_GENRE_MOVIES = 5_062
# movies per genre in ml-25m's movies.csv
GENRE_MOVIES = {
    "Drama": 25_606,
    "Comedy": 16_870,
    "Thriller": 8_654,
    "Romance": 7_719,
    "Action": 7_348,
    "Horror": 5_989,
    "Documentary": 5_605,
    "Crime": 5_319,
    "Adventure": 4_145,
    "Sci-Fi": 3_595,
    "Children": 2_935,
    "Animation": 2_929,
    "Mystery": 2_925,
    "Fantasy": 2_731,
    "War": 1_874,
    "Western": 1_399,
    "Musical": 1_054,
    "Film-Noir": 353,
    "IMAX": 195,
}
NO_GENRES = "(no genres listed)"
MIN_USER_RATINGS = 20
MAX_USER_RATINGS = 32_202
# no user rates more than this share of the movies (ml-25m's heaviest: 32,202 of 59,047 rated)
MAX_USER_SHARE = 0.6
STUDY_RATING_CAP = 125  # the default of the dbt var rating_cap
# ratings per user: 15% of users stop just past the 20 that MovieLens asked for, the others have
# 20 + log-normal; mean ~154 per user, and the users of at most 125 hold ~6.0M, as in ml-25m
QUICK_LEAVERS_SHARE, QUICK_LEAVERS_EXTRA = 0.15, 3.0
USER_LOG_MEAN, USER_LOG_SD = 4.1, 1.35
# expected ratings of a movie by its popularity rank (as a fraction of all movies), from
# ml-25m's curve: the most rated ~81k, ~24,000 movies with 10 or more, the last ones 1 or 2
POPULARITY_KNOTS = (
    (1 / ML_25M["movies"], 81_000),
    (10 / ML_25M["movies"], 55_000),
    (100 / ML_25M["movies"], 27_000),
    (1_000 / ML_25M["movies"], 6_000),
    (3_000 / ML_25M["movies"], 1_800),
    (10_000 / ML_25M["movies"], 150),
    (18_000 / ML_25M["movies"], 25),
    (22_000 / ML_25M["movies"], 10),
    (40_000 / ML_25M["movies"], 6),
    (1.0, 3),
)
FIRST_TIMESTAMP = 789_652_009  # 1995-01-09, ml-25m's first rating
LAST_TIMESTAMP = 1_574_327_703  # 2019-11-21, its last
HALF_STARS_FROM = 1_044_835_200  # 2003-02-10: MovieLens offered whole stars only before
TAGS_FROM = 1_135_641_600  # 2005-12-27: tagging opened
TAGGING_USERS_SHARE = 0.09
TAG_VOCABULARY = 73_050
# the rating model: score = mean + user bias + movie bias + taste (low rank) + noise, then rounded
TASTE_RANK = 12
RATING_MEAN = 3.44
USER_BIAS_SD, MOVIE_BIAS_SD, TASTE_SD, NOISE_SD = 0.45, 0.42, 0.55, 0.62
# genres that shift a movie's bias (ml-25m's per-genre means differ by about this much)
GENRE_BIAS = {"Documentary": 0.25, "Film-Noir": 0.3, "War": 0.2, "Horror": -0.35, "Children": -0.1}
USERS_PER_CHUNK = 4_000
# users above this many ratings draw their movies exactly (one pass over all movies each);
# lighter users draw with replacement and keep the first distinct ones (the same distribution)
EXACT_DRAW_FROM = 1_000
# the weight calibration may thin the tail by at most this factor per round (see calibrate_weights)
TAIL_THINNING = 0.8

TITLE_WORDS = (  # noqa: SIM905 (a word list reads best as one string)
    "Love Night Day Man Woman City Dark Last Time Girl Boy Dead Blood House Story Life World Game "
    "King Queen Star Road River War Heart Secret Summer Winter Lost Wild Black White Red Blue "
    "Gold Silent Broken Little Big Long Final Second Empire Dream Shadow Fire Ice Sea Island Kid "
    "Ghost Stranger Journey Return Rise Fall Hunter Angel Devil Paradise Moon Sun Song Dance "
    "Thief Code"
).split()
TAG_WORDS = (  # noqa: SIM905 (a word list reads best as one string)
    "atmospheric funny dark comedy twist ending based on a book visually appealing "
    "thought-provoking quirky surreal classic sci-fi dystopia space time travel psychology "
    "philosophical cult film great soundtrack violence nudity true story mindfuck stylized satire "
    "romance animation pixar superhero zombies vampire heist revenge mafia boring predictable "
    "overrated underrated"
).split()


@dataclass(frozen=True)
class SynthSpec:
    scale: float
    seed: int

    @property
    def users(self) -> int:
        return max(1, round(ML_25M["users"] * self.scale))

    @property
    def movies(self) -> int:
        return max(1, round(ML_25M["movies"] * self.scale))

    @property
    def ratings(self) -> int:
        return round(ML_25M["ratings"] * self.scale)

    @property
    def tags(self) -> int:
        return round(ML_25M["tags"] * self.scale)


def check_spec(scale: float, seed: int) -> SynthSpec:
    if not (0.001 <= scale <= 4.0):
        raise UserError(f"--scale must be between 0.001 and 4.0 (1.0 = ml-25m's size), not {scale}")
    if seed < 0:
        raise UserError(f"--seed must be a non-negative integer, not {seed}")
    return SynthSpec(scale=float(scale), seed=int(seed))


def genre_probabilities() -> dict[str, float]:
    """Independent per-genre probabilities that, conditioned on a movie having at least one genre,
    give ml-25m's genre frequencies (movies drawn with none are drawn again)."""
    with_genres = ML_25M["movies"] - NO_GENRE_MOVIES
    target = {name: count / with_genres for name, count in GENRE_MOVIES.items()}
    probabilities = dict(target)
    for _ in range(100):  # fixed point of p = target * P(at least one genre | p)
        none = math.prod(1 - p for p in probabilities.values())
        probabilities = {name: share * (1 - none) for name, share in target.items()}
    return probabilities


def expected_ratings_by_rank(movies: int) -> np.ndarray:
    """Expected ratings of each of `movies` movies, most popular first, on ml-25m's curve."""
    fractions = np.arange(1, movies + 1) / movies
    knots = np.array(POPULARITY_KNOTS)
    return np.exp(np.interp(np.log(fractions), np.log(knots[:, 0]), np.log(knots[:, 1])))


def make_unrated(weight: np.ndarray, simulated: np.ndarray, movies: int) -> None:
    """Zero the weights of the least rated movies of a simulated draw, so that with the movies
    that draw no rating by chance about ml-25m's share of movies has no rating."""
    target = movies - round(RATED_MOVIES / ML_25M["movies"] * movies)
    by_chance = int((simulated[weight > 0] == 0).sum())
    rated = np.flatnonzero((weight > 0) & (simulated > 0))
    least = rated[np.argsort(simulated[rated], kind="stable")[: max(0, target - by_chance)]]
    weight[least] = 0.0


def calibrate_weights(
    target: np.ndarray, counts: np.ndarray, seed: int, rounds: int = 4, bands: int = 100
) -> np.ndarray:
    """Sampling weights under which movies get about `target` ratings each.

    A user takes each movie at most once, so heavy users, having taken the popular movies, spill
    into the tail: weights equal to the targets would give the tail far more ratings than ml-25m's
    (0.5%). The draws of every tenth user are simulated and the weights corrected per band of
    popularity ranks, a few times over."""
    rng = np.random.default_rng([seed, 1])
    sample = counts[::10]
    factor = counts.sum() / sample.sum()
    target = target / target.sum() * counts.sum()
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


def draw_counts(rng: np.random.Generator, counts: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Ratings per movie when users with these rating counts draw their movies, chunk by chunk."""
    cumulative = np.cumsum(weight)
    simulated = np.zeros(len(weight), dtype=np.int64)
    for low in range(0, len(counts), USERS_PER_CHUNK):
        _, movies = draw_movies(rng, counts[low : low + USERS_PER_CHUNK], cumulative, weight)
        simulated += np.bincount(movies, minlength=len(weight))
    return simulated


def simulate_ratings(weight: np.ndarray, counts: np.ndarray, seed: int) -> np.ndarray:
    """Ratings per movie if every user drew their movies with these weights (another stream)."""
    return draw_counts(np.random.default_rng([seed, 2]), counts, weight)


def ratings_per_user(rng: np.random.Generator, spec: SynthSpec, rated_movies: int) -> np.ndarray:
    """Ratings of each user, capped (at small scale, by the movies there are), then adjusted so
    that the total is exactly spec.ratings. The users above 125 ratings (the study's cap) take the
    adjustment, so the capped share keeps ml-25m's size; where they cannot (small scale), the
    rest is spread over all users in proportion to their ratings above 20."""
    cap = min(MAX_USER_RATINGS, max(MIN_USER_RATINGS, int(rated_movies * MAX_USER_SHARE)))
    quick = rng.random(spec.users) < QUICK_LEAVERS_SHARE
    counts = np.where(
        quick,
        MIN_USER_RATINGS + rng.geometric(1 / (1 + QUICK_LEAVERS_EXTRA), spec.users) - 1,
        MIN_USER_RATINGS + np.floor(np.exp(USER_LOG_MEAN + USER_LOG_SD * rng.standard_normal(spec.users))),
    )
    counts = np.minimum(counts, cap).astype(np.int64)
    counts[np.argmax(counts)] = cap  # ml-25m's heaviest user, at its 32,202 ratings
    target = max(spec.ratings, MIN_USER_RATINGS * spec.users)
    for everyone in (False, False, False, True, True, True):
        gap = target - int(counts.sum())
        if gap == 0:
            break
        floor = MIN_USER_RATINGS if everyone else STUDY_RATING_CAP
        movable = (counts > floor) & (counts > MIN_USER_RATINGS if gap < 0 else counts < cap)
        room = (counts - floor) * (1.0 if gap < 0 else (1 - counts / cap))
        room = np.where(movable, room, 0.0)
        if room.sum() <= 0:
            continue
        step = np.floor(room / room.sum() * gap).astype(np.int64)
        counts = np.clip(counts + step, MIN_USER_RATINGS, cap)
    while leftover := target - int(counts.sum()):  # what the rounding left: one more or less each
        movable = np.flatnonzero(counts < cap if leftover > 0 else counts > MIN_USER_RATINGS)
        if not len(movable):
            break
        heaviest = movable[np.argsort(-counts[movable], kind="stable")][: abs(leftover)]
        counts[heaviest] += 1 if leftover > 0 else -1
    return counts


def _title(rng: np.random.Generator, index: int) -> str:
    words = rng.choice(TITLE_WORDS, size=rng.integers(1, 4))
    return " ".join(words) + f" {index}"


def make_movies(rng: np.random.Generator, spec: SynthSpec) -> pd.DataFrame:
    """movieId, title, genres (+ the hidden columns the ratings need: weight, bias, year)."""
    n = spec.movies
    ids = np.cumsum(rng.geometric(1 / 3.35, size=n))  # ml-25m: 62,423 ids up to 209,171
    years = np.clip(np.round(2019.5 - rng.exponential(22.0, size=n)), 1874, 2019).astype(int)
    probabilities = genre_probabilities()
    names = list(probabilities)
    flags = rng.random((n, len(names))) < np.array([probabilities[name] for name in names])
    while (empty := ~flags.any(axis=1)).any():
        flags[empty] = rng.random((int(empty.sum()), len(names))) < np.array(list(probabilities.values()))
    no_genre = rng.random(n) < NO_GENRE_MOVIES / ML_25M["movies"]
    imax = names.index("IMAX")
    # a few movies have IMAX as their only genre: the cleaning counts them as having none
    imax_only = rng.choice(np.flatnonzero(~no_genre), size=max(1, round(20 * spec.scale)), replace=False)
    flags[imax_only] = False
    flags[imax_only, imax] = True
    genres = np.array(["|".join(sorted(np.array(names)[row])) for row in flags], dtype=object)
    genres[no_genre] = NO_GENRES

    titles = [_title(rng, int(movie_id)) for movie_id in ids]
    kinds = rng.random(n)
    for i in range(n):
        if kinds[i] < 0.02:  # ml-25m's "Title, The (1999)" form: a comma, so the field is quoted
            titles[i] = f"{titles[i]}, The"
        elif kinds[i] < 0.025:  # a nickname in double quotes: doubled inside the quoted field
            titles[i] = f'{titles[i]} "{TITLE_WORDS[i % len(TITLE_WORDS)]}"'
        if kinds[i] > 0.993:  # some ml-25m titles carry no year
            continue
        titles[i] = f"{titles[i]} ({years[i]})"

    weight = np.zeros(n)
    # popularity rank -> movie; movies without genres are obscure ones in ml-25m: rank them low
    order = np.argsort(-(rng.random(n) - 0.6 * no_genre), kind="stable")
    weight[order] = expected_ratings_by_rank(n)
    popularity = np.zeros(n)
    popularity[order] = np.linspace(1.0, -1.0, n)  # popular movies are rated a little higher
    bias = MOVIE_BIAS_SD * rng.standard_normal(n) + 0.15 * popularity
    for name, shift in GENRE_BIAS.items():
        bias += shift * flags[:, names.index(name)]
    return pd.DataFrame(
        {"movieId": ids, "title": titles, "genres": genres, "weight": weight, "bias": bias, "year": years}
    )


def draw_movies(
    rng: np.random.Generator, counts: np.ndarray, cumulative: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(user index within the chunk, movie index) pairs: counts[u] distinct movies per user, each
    drawn with probability proportional to its weight among those the user has not drawn yet."""
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


def to_stars(score: np.ndarray, half_stars: np.ndarray) -> np.ndarray:
    """Scores to ratings: half stars 0.5..5.0 where allowed, else whole stars 1..5."""
    half = np.clip(np.round(score * 2) / 2, 0.5, 5.0)
    whole = np.clip(np.round(score), 1.0, 5.0)
    return np.where(half_stars, half, whole)


def _write_csv(frame: pd.DataFrame, path: Path, header: bool) -> None:
    with path.open("a" if not header else "w", newline="", encoding="utf-8") as handle:
        frame.to_csv(handle, index=False, header=header, lineterminator="\n", float_format="%.1f")


def generate(
    out_dir: Path, scale: float, seed: int, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """Write movies.csv, ratings.csv, tags.csv, links.csv and synth.json into `out_dir`; return
    the shape of what was written (also in synth.json)."""
    spec = check_spec(scale, seed)
    started = time.monotonic()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MANIFEST).unlink(missing_ok=True)  # written last: its presence means complete
    rng = np.random.default_rng(spec.seed)

    movies = make_movies(rng, spec)
    _write_csv(movies[["movieId", "title", "genres"]], out_dir / "movies.csv", header=True)
    n_movies = len(movies)
    weight = movies["weight"].to_numpy()
    movie_bias = movies["bias"].to_numpy()
    taste_scale = TASTE_SD / math.sqrt(TASTE_RANK)
    movie_taste = rng.standard_normal((n_movies, TASTE_RANK)) * math.sqrt(taste_scale)
    movie_ids = movies["movieId"].to_numpy()

    counts = ratings_per_user(rng, spec, round(RATED_MOVIES / ML_25M["movies"] * n_movies))
    weight = calibrate_weights(weight, counts, spec.seed)
    make_unrated(weight, simulate_ratings(weight, counts, spec.seed), n_movies)
    cumulative = np.cumsum(weight)
    first_seen = rng.integers(FIRST_TIMESTAMP, LAST_TIMESTAMP, size=spec.users)
    # about half the users rate in one sitting, the others over months or years
    span = np.where(
        rng.random(spec.users) < 0.5,
        rng.exponential(3_600.0, size=spec.users),
        rng.exponential(400 * 86_400.0, size=spec.users),
    )
    span = np.minimum(span, LAST_TIMESTAMP - first_seen)
    half_star_share = rng.beta(4.0, 1.0, size=spec.users)

    ratings_path = out_dir / "ratings.csv"
    ratings_path.write_text("userId,movieId,rating,timestamp\n")
    movie_counts = np.zeros(n_movies, dtype=np.int64)
    star_counts: dict[float, int] = {}
    rating_sum = 0.0
    chunks = math.ceil(spec.users / USERS_PER_CHUNK)
    for chunk in range(chunks):
        low, high = chunk * USERS_PER_CHUNK, min(spec.users, (chunk + 1) * USERS_PER_CHUNK)
        users, movie_index = draw_movies(rng, counts[low:high], cumulative, weight)
        size = high - low
        user_bias = USER_BIAS_SD * rng.standard_normal(size)
        user_taste = rng.standard_normal((size, TASTE_RANK)) * math.sqrt(taste_scale)
        score = (
            RATING_MEAN
            + user_bias[users]
            + movie_bias[movie_index]
            + np.einsum("ij,ij->i", user_taste[users], movie_taste[movie_index])
            + NOISE_SD * rng.standard_normal(len(users))
        )
        global_users = users + low
        timestamps = first_seen[global_users] + np.floor(rng.random(len(users)) * span[global_users])
        timestamps = timestamps.astype(np.int64)
        half_stars = (timestamps >= HALF_STARS_FROM) & (
            rng.random(len(users)) < half_star_share[global_users]
        )
        stars = to_stars(score, half_stars)
        order = np.lexsort((movie_index, users))  # ml-25m is sorted by user, then movie
        frame = pd.DataFrame(
            {
                "userId": global_users[order] + 1,
                "movieId": movie_ids[movie_index[order]],
                "rating": stars[order],
                "timestamp": timestamps[order],
            }
        )
        _write_csv(frame, ratings_path, header=False)
        movie_counts += np.bincount(movie_index, minlength=n_movies)
        values, value_counts = np.unique(stars, return_counts=True)
        for value, count in zip(values.tolist(), value_counts.tolist(), strict=True):
            star_counts[value] = star_counts.get(value, 0) + count
        rating_sum += float(stars.sum())
        if chunk % 10 == 9 or chunk == chunks - 1:
            progress(
                f"  synth: ratings of {high:,}/{spec.users:,} users written "
                f"({time.monotonic() - started:.0f} s)"
            )

    tag_rows = write_tags(rng, spec, out_dir / "tags.csv", weight, movie_ids, first_seen)
    write_links(rng, out_dir / "links.csv", movie_ids)

    total = int(counts.sum())
    rated = movie_counts > 0
    has_genre = movies["genres"].to_numpy() != NO_GENRES
    genre_counts = {
        name: int(movies["genres"].str.split("|").map(lambda genres, name=name: name in genres).sum())
        for name in GENRE_MOVIES
    }
    shape = {
        "generator_version": GENERATOR_VERSION,
        "spec": asdict(spec),
        "movies": n_movies,
        "users": spec.users,
        "ratings": total,
        "tags": tag_rows,
        "movies_without_ratings": int((~rated).sum()),
        "movies_without_genres": int((~has_genre).sum()),
        "movies_with_genre_and_10_ratings": int(((movie_counts >= 10) & has_genre).sum()),
        "share_of_ratings_on_those": round(
            float(movie_counts[(movie_counts >= 10) & has_genre].sum()) / total, 4
        ),
        "most_rated_movie_ratings": int(movie_counts.max()),
        "ratings_per_user": {
            "min": int(counts.min()),
            "median": float(np.median(counts)),
            "mean": round(total / spec.users, 1),
            "max": int(counts.max()),
        },
        "mean_rating": round(rating_sum / total, 3),
        "rating_values": {f"{value:.1f}": count for value, count in sorted(star_counts.items())},
        "genre_movies": genre_counts,
        "seconds": round(time.monotonic() - started, 1),
    }
    (out_dir / MANIFEST).write_text(json.dumps(shape, indent=2) + "\n")
    progress(
        f"  synth: {total:,} ratings, {spec.users:,} users, {n_movies:,} movies, {tag_rows:,} tags "
        f"in {out_dir} ({shape['seconds']:.0f} s)"
    )
    return shape


def tag_vocabulary(size: int) -> list[str]:
    """Tags as users type them: common words first (some with commas or quotes, which the CSV
    must quote), then a long tail."""
    head = [*TAG_WORDS, "funny, but sad", 'the "twist"', "Oscar (Best Picture)", "dark, gritty"]
    tail = [f"{TAG_WORDS[i % len(TAG_WORDS)]} {i}" for i in range(max(0, size - len(head)))]
    return (head + tail)[: max(size, len(head))]


def write_tags(
    rng: np.random.Generator,
    spec: SynthSpec,
    path: Path,
    weight: np.ndarray,
    movie_ids: np.ndarray,
    first_seen: np.ndarray,
) -> int:
    """A tenth of the users tag, a few of them a lot; tagged movies follow popularity (flattened);
    tag texts follow a Zipf law over the vocabulary."""
    taggers = rng.choice(spec.users, size=max(1, round(spec.users * TAGGING_USERS_SHARE)), replace=False)
    taggers.sort()
    share = rng.lognormal(0.0, 1.8, size=len(taggers))
    per_user = np.maximum(1, np.round(share / share.sum() * spec.tags)).astype(np.int64)
    users = np.repeat(taggers, per_user)
    movie_weight = np.sqrt(weight)
    movies = np.searchsorted(
        np.cumsum(movie_weight), rng.random(len(users)) * movie_weight.sum(), side="right"
    )
    vocabulary = np.array(tag_vocabulary(max(50, round(TAG_VOCABULARY * spec.scale))), dtype=object)
    tag_index = np.minimum(rng.zipf(1.3, size=len(users)) - 1, len(vocabulary) - 1)
    start = np.maximum(first_seen[users], TAGS_FROM)
    timestamps = start + np.floor(rng.random(len(users)) * (LAST_TIMESTAMP - start)).astype(np.int64)
    frame = pd.DataFrame(
        {
            "userId": users + 1,
            "movieId": movie_ids[np.minimum(movies, len(movie_ids) - 1)],
            "tag": vocabulary[tag_index],
            "timestamp": timestamps,
        }
    )
    _write_csv(frame, path, header=True)
    return len(frame)


def write_links(rng: np.random.Generator, path: Path, movie_ids: np.ndarray) -> None:
    """movieId, imdbId (7 digits, zero-padded, as in ml-25m), tmdbId (empty for a few movies)."""
    n = len(movie_ids)
    imdb = rng.choice(11_000_000, size=n, replace=False) + 1
    tmdb = pd.array(rng.choice(700_000, size=n, replace=False) + 1, dtype="Int64")
    tmdb[rng.random(n) < 0.002] = pd.NA
    frame = pd.DataFrame({"movieId": movie_ids, "imdbId": [f"{value:07d}" for value in imdb], "tmdbId": tmdb})
    _write_csv(frame, path, header=True)


def default_dir(scale: float, seed: int) -> Path:
    return PROJECT_DIR / ".spark" / "synthetic" / f"scale-{scale:g}-seed-{seed}"


def ensure_synthetic(
    out_dir: Path | None, scale: float, seed: int, progress: Callable[[str], None] = print
) -> tuple[Path, dict[str, Any]]:
    """The folder of synthetic data for this scale and seed, generated unless already there.
    A folder holding other MovieLens files (no manifest of ours) is never overwritten."""
    check_spec(scale, seed)
    out_dir = (out_dir or default_dir(scale, seed)).expanduser().resolve()
    shape = existing_shape(out_dir, scale, seed)
    if shape is not None:
        progress(f"ok: synthetic data (scale {scale:g}, seed {seed}) already in {out_dir}, reused")
        return out_dir, shape
    if not (out_dir / MANIFEST).is_file() and any((out_dir / name).exists() for name in REQUIRED_FILES):
        raise UserError(
            f"{out_dir} holds MovieLens files that this generator did not write; "
            "choose an empty folder with --out"
        )
    progress(f"synth: generating scale {scale:g} (seed {seed}) into {out_dir}")
    return out_dir, generate(out_dir, scale, seed, progress)


def existing_shape(out_dir: Path, scale: float, seed: int) -> dict[str, Any] | None:
    """The manifest of data already generated in `out_dir` with this scale, seed and generator."""
    manifest = out_dir / MANIFEST
    if not manifest.is_file():
        return None
    shape = json.loads(manifest.read_text())
    spec = asdict(check_spec(scale, seed))
    if shape.get("generator_version") != GENERATOR_VERSION or shape.get("spec") != spec:
        return None
    return shape
