"""What the generator writes: CSV files as ml-25m's are written, and synth.json, the shape of what
was written (written last, so its presence marks a complete folder)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ml.tools.synth.shape import GENRE_MOVIES, NO_GENRES, SynthSpec, check_spec

# raised whenever the same scale and seed give other files, so that a folder of an older
# generator is written again, not reused (2: a user's choice of movies follows their taste)
GENERATOR_VERSION = 2
MANIFEST = "synth.json"


def write_csv(frame: pd.DataFrame, path: Path, header: bool) -> None:
    """`frame` into `path` (appended unless `header`): LF line ends, ratings with one decimal."""
    with path.open("a" if not header else "w", newline="", encoding="utf-8") as handle:
        frame.to_csv(handle, index=False, header=header, lineterminator="\n", float_format="%.1f")


@dataclass
class Tally:
    """What the ratings written so far add up to, for the manifest."""

    movie_counts: np.ndarray
    star_counts: dict[float, int] = field(default_factory=dict)
    rating_sum: float = 0.0

    def add(self, movie_index: np.ndarray, stars: np.ndarray) -> None:
        self.movie_counts += np.bincount(movie_index, minlength=len(self.movie_counts))
        values, value_counts = np.unique(stars, return_counts=True)
        for value, count in zip(values.tolist(), value_counts.tolist(), strict=True):
            self.star_counts[value] = self.star_counts.get(value, 0) + count
        self.rating_sum += float(stars.sum())


def describe(
    spec: SynthSpec, genres: pd.Series, counts: np.ndarray, tally: Tally, tags: int, seconds: float
) -> dict[str, Any]:
    """The manifest: the spec and the shape of what was written."""
    total = int(counts.sum())
    movie_counts = tally.movie_counts
    has_genre = genres.to_numpy() != NO_GENRES
    popular_with_genre = (movie_counts >= 10) & has_genre
    return {
        "generator_version": GENERATOR_VERSION,
        "spec": asdict(spec),
        "movies": len(genres),
        "users": spec.users,
        "ratings": total,
        "tags": tags,
        "movies_without_ratings": int((movie_counts == 0).sum()),
        "movies_without_genres": int((~has_genre).sum()),
        "movies_with_genre_and_10_ratings": int(popular_with_genre.sum()),
        "share_of_ratings_on_those": round(float(movie_counts[popular_with_genre].sum()) / total, 4),
        "most_rated_movie_ratings": int(movie_counts.max()),
        "ratings_per_user": {
            "min": int(counts.min()),
            "median": float(np.median(counts)),
            "mean": round(total / spec.users, 1),
            "max": int(counts.max()),
        },
        "mean_rating": round(tally.rating_sum / total, 3),
        "rating_values": {f"{value:.1f}": count for value, count in sorted(tally.star_counts.items())},
        "genre_movies": {
            name: int(genres.str.split("|").map(lambda listed, name=name: name in listed).sum())
            for name in GENRE_MOVIES
        },
        "seconds": round(seconds, 1),
    }


def write_manifest(out_dir: Path, shape: dict[str, Any]) -> None:
    (out_dir / MANIFEST).write_text(json.dumps(shape, indent=2) + "\n")


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
