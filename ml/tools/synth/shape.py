"""ml-25m's published shape (its README and counts from its files), and the spec of a draw: the
scale that multiplies those counts, and the seed."""

from __future__ import annotations

from dataclasses import dataclass

from ml import UserError

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

    @property
    def rated_movies(self) -> int:
        """The movies with at least one rating, ml-25m's share of them."""
        return round(RATED_MOVIES / ML_25M["movies"] * self.movies)


def check_spec(scale: float, seed: int) -> SynthSpec:
    if not (0.001 <= scale <= 4.0):
        raise UserError(f"--scale must be between 0.001 and 4.0 (1.0 = ml-25m's size), not {scale}")
    if seed < 0:
        raise UserError(f"--seed must be a non-negative integer, not {seed}")
    return SynthSpec(scale=float(scale), seed=int(seed))
