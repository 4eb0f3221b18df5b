"""The synthetic ml-25m generator at small scale: counts, CSV quoting, genre mix, ratings per
user, rating values and timestamps, determinism by seed, and reuse of a generated folder."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ml import UserError
from ml.tools.synth.generator import ensure_synthetic, generate
from ml.tools.synth.output import MANIFEST
from ml.tools.synth.shape import (
    FIRST_TIMESTAMP,
    GENRE_MOVIES,
    HALF_STARS_FROM,
    LAST_TIMESTAMP,
    ML_25M,
    NO_GENRE_MOVIES,
    NO_GENRES,
)

# users and movies both scale: below ~0.05 the catalogue is too small for heavy users
SCALE = 0.05
HEADERS = {
    "movies.csv": ["movieId", "title", "genres"],
    "ratings.csv": ["userId", "movieId", "rating", "timestamp"],
    "tags.csv": ["userId", "movieId", "tag", "timestamp"],
    "links.csv": ["movieId", "imdbId", "tmdbId"],
}


def quiet(message: str) -> None:
    pass


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("synth") / "data"
    return out, generate(out, SCALE, seed=7, progress=quiet)


@pytest.fixture(scope="module")
def movies(synthetic) -> pd.DataFrame:
    return pd.read_csv(synthetic[0] / "movies.csv", keep_default_na=False)


@pytest.fixture(scope="module")
def ratings(synthetic) -> pd.DataFrame:
    return pd.read_csv(synthetic[0] / "ratings.csv")


def digest(folder: Path) -> str:
    return hashlib.sha256(b"".join((folder / name).read_bytes() for name in sorted(HEADERS))).hexdigest()


def test_counts_are_ml_25m_scaled(synthetic, movies, ratings):
    folder, shape = synthetic
    assert len(ratings) == shape["ratings"] == round(ML_25M["ratings"] * SCALE)
    assert ratings["userId"].nunique() == shape["users"] == round(ML_25M["users"] * SCALE)
    assert len(movies) == shape["movies"] == round(ML_25M["movies"] * SCALE)
    assert abs(shape["tags"] - ML_25M["tags"] * SCALE) / (ML_25M["tags"] * SCALE) < 0.05
    assert len(pd.read_csv(folder / "tags.csv")) == shape["tags"]
    assert shape["movies_without_ratings"] == len(set(movies["movieId"]) - set(ratings["movieId"])) > 0


def test_files_are_rfc_4180_with_the_ml_25m_headers(synthetic):
    folder, _ = synthetic
    for name, header in HEADERS.items():
        with (folder / name).open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == header, name
        assert all(len(row) == len(header) for row in rows[1:]), name
    text = (folder / "movies.csv").read_text(encoding="utf-8")
    assert ", The (" in text and '""' in text  # a comma and a doubled quote inside quoted titles
    assert "\r" not in text


def test_titles_quoted_fields_and_years(movies):
    assert movies["title"].str.contains(",").any()
    assert movies["title"].str.contains('"').any()
    with_year = movies["title"].str.contains(r"\(\d{4}\)$")
    assert with_year.mean() > 0.98 and not with_year.all()  # a few titles carry no year
    assert movies["movieId"].is_unique and movies["movieId"].is_monotonic_increasing


def test_genre_mix_follows_ml_25m(movies):
    no_genre = movies["genres"] == NO_GENRES
    assert abs(no_genre.mean() - NO_GENRE_MOVIES / ML_25M["movies"]) < 0.03
    listed = movies.loc[~no_genre, "genres"].str.split("|")
    with_genres = ML_25M["movies"] - NO_GENRE_MOVIES
    for name, count in GENRE_MOVIES.items():
        share = listed.map(lambda genres, name=name: name in genres).mean()
        expected = count / with_genres
        # binomial noise on ~2,900 movies: 4 standard deviations
        assert abs(share - expected) < 4 * np.sqrt(expected * (1 - expected) / len(listed)) + 0.002, name
    assert (listed.map(tuple) == ("IMAX",)).any(), "an IMAX-only movie, which the cleaning treats as no genre"
    assert listed.map(lambda genres: genres == sorted(genres)).all()


def test_every_user_has_20_ratings_heavy_tailed(ratings):
    per_user = ratings.groupby("userId").size()
    assert per_user.min() >= 20
    assert 140 < per_user.mean() < 170  # ml-25m: 153.8
    assert per_user.max() > 5 * per_user.median()
    assert not ratings.duplicated(["userId", "movieId"]).any()
    order = ratings["userId"].to_numpy() * (ratings["movieId"].max() + 1) + ratings["movieId"].to_numpy()
    assert (np.diff(order) > 0).all()  # sorted by user, then movie


def test_rating_values_and_timestamps(ratings):
    assert set(ratings["rating"].unique()) <= {value / 2 for value in range(1, 11)}
    assert ratings["rating"].mode()[0] == 4.0
    assert 3.4 < ratings["rating"].mean() < 3.65  # ml-25m: 3.53
    assert ratings["timestamp"].between(FIRST_TIMESTAMP, LAST_TIMESTAMP).all()
    early = ratings[ratings["timestamp"] < HALF_STARS_FROM]
    assert len(early) and (early["rating"] % 1 == 0).all()  # whole stars only before 2003


def test_ratings_carry_user_effects(ratings):
    # the ratings carry user and movie effects: per-user means spread far beyond the noise of
    # their ~150 ratings each
    user_means = ratings.groupby("userId")["rating"].mean()
    assert user_means.std() > 0.3


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    for name, scale, seed in (("first", 0.01, 7), ("again", 0.01, 7), ("other", 0.01, 8)):
        generate(tmp_path / name, scale, seed, progress=quiet)
    assert digest(tmp_path / "again") == digest(tmp_path / "first")
    assert digest(tmp_path / "other") != digest(tmp_path / "first")


def test_a_generated_folder_is_reused_and_real_data_never_overwritten(synthetic, tmp_path):
    folder, shape = synthetic
    messages: list[str] = []
    reused_dir, reused = ensure_synthetic(folder, SCALE, 7, progress=messages.append)
    assert reused_dir == folder.resolve() and reused == shape and "reused" in messages[0]

    real = tmp_path / "real"
    real.mkdir()
    (real / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,1,4.0,964982703\n")
    with pytest.raises(UserError, match="did not write"):
        ensure_synthetic(real, SCALE, 7, progress=quiet)
    assert (real / "ratings.csv").read_text().endswith("964982703\n")
    assert not (real / MANIFEST).exists()


@pytest.mark.parametrize("scale, seed", [(0.0, 1), (10.0, 1), (0.1, -1)])
def test_bad_scale_or_seed_is_a_user_error(tmp_path, scale, seed):
    with pytest.raises(UserError):
        generate(tmp_path, scale, seed, progress=quiet)
