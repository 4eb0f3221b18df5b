"""links.csv: movieId, imdbId (7 digits, zero-padded, as in ml-25m), tmdbId (empty for a few)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ml.tools.synth.output import write_csv


def write_links(rng: np.random.Generator, path: Path, movie_ids: np.ndarray) -> None:
    n = len(movie_ids)
    imdb = rng.choice(11_000_000, size=n, replace=False) + 1
    tmdb = pd.array(rng.choice(700_000, size=n, replace=False) + 1, dtype="Int64")
    tmdb[rng.random(n) < 0.002] = pd.NA
    frame = pd.DataFrame({"movieId": movie_ids, "imdbId": [f"{value:07d}" for value in imdb], "tmdbId": tmdb})
    write_csv(frame, path, header=True)
