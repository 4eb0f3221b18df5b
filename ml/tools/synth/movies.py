"""The movies: ids, titles (with ml-25m's quoting cases), years, genres at ml-25m's frequencies,
and the hidden traits the ratings draw from: popularity weight and bias."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ml.tools.synth.popularity import expected_ratings_by_rank
from ml.tools.synth.shape import GENRE_MOVIES, ML_25M, NO_GENRE_MOVIES, NO_GENRES, SynthSpec

MOVIE_BIAS_SD = 0.42
# genres that shift a movie's bias (ml-25m's per-genre means differ by about this much)
GENRE_BIAS = {"Documentary": 0.25, "Film-Noir": 0.3, "War": 0.2, "Horror": -0.35, "Children": -0.1}
TITLE_WORDS = (  # noqa: SIM905 (a word list reads best as one string)
    "Love Night Day Man Woman City Dark Last Time Girl Boy Dead Blood House Story Life World Game "
    "King Queen Star Road River War Heart Secret Summer Winter Lost Wild Black White Red Blue "
    "Gold Silent Broken Little Big Long Final Second Empire Dream Shadow Fire Ice Sea Island Kid "
    "Ghost Stranger Journey Return Rise Fall Hunter Angel Devil Paradise Moon Sun Song Dance "
    "Thief Code"
).split()


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


def _genre_flags(
    rng: np.random.Generator, spec: SynthSpec, names: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """(movie x genre flags, movies listed with no genre)."""
    probabilities = genre_probabilities()
    flags = rng.random((spec.movies, len(names))) < np.array([probabilities[name] for name in names])
    while (empty := ~flags.any(axis=1)).any():
        flags[empty] = rng.random((int(empty.sum()), len(names))) < np.array(list(probabilities.values()))
    no_genre = rng.random(spec.movies) < NO_GENRE_MOVIES / ML_25M["movies"]
    # a few movies have IMAX as their only genre: the cleaning counts them as having none
    imax_only = rng.choice(np.flatnonzero(~no_genre), size=max(1, round(20 * spec.scale)), replace=False)
    flags[imax_only] = False
    flags[imax_only, names.index("IMAX")] = True
    return flags, no_genre


def _titles(rng: np.random.Generator, ids: np.ndarray, years: np.ndarray) -> list[str]:
    titles = [" ".join(rng.choice(TITLE_WORDS, size=rng.integers(1, 4))) + f" {int(index)}" for index in ids]
    kinds = rng.random(len(ids))
    for i in range(len(ids)):
        if kinds[i] < 0.02:  # ml-25m's "Title, The (1999)" form: a comma, so the field is quoted
            titles[i] = f"{titles[i]}, The"
        elif kinds[i] < 0.025:  # a nickname in double quotes: doubled inside the quoted field
            titles[i] = f'{titles[i]} "{TITLE_WORDS[i % len(TITLE_WORDS)]}"'
        if kinds[i] > 0.993:  # some ml-25m titles carry no year
            continue
        titles[i] = f"{titles[i]} ({years[i]})"
    return titles


def make_movies(rng: np.random.Generator, spec: SynthSpec) -> pd.DataFrame:
    """movieId, title, genres (+ the hidden columns the ratings need: weight, bias, year)."""
    n = spec.movies
    ids = np.cumsum(rng.geometric(1 / 3.35, size=n))  # ml-25m: 62,423 ids up to 209,171
    years = np.clip(np.round(2019.5 - rng.exponential(22.0, size=n)), 1874, 2019).astype(int)
    names = list(GENRE_MOVIES)
    flags, no_genre = _genre_flags(rng, spec, names)
    genres = np.array(["|".join(sorted(np.array(names)[row])) for row in flags], dtype=object)
    genres[no_genre] = NO_GENRES
    titles = _titles(rng, ids, years)

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
