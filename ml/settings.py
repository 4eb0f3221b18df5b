"""The settings of the ml steps, from the dbt vars (ml.warehouse.project.project_vars): every var
that ml reads is read and checked here, once, into a frozen dataclass per step. A var that is
wrong stops the command before Spark starts, with a UserError naming it.

The vars and their defaults live in dbt_project.yml (the one place); the validation hold-out is
dbt's too (column is_validation of the train marts), so no var of it is read here.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from ml import UserError

# var als_search: how every factor-model family searches its grid (ml/recommenders/search.py)
ALS_SEARCHES = ("staged", "grid")
# var recommendation_model's default: whichever ranking model validates better
RANKING = "ranking"
RATING_MODELS = ("als", "bias_als")
RANKING_MODELS = ("implicit_als", "reranked_bias_als")
RECOMMENDERS = (RANKING, *RATING_MODELS, *RANKING_MODELS)


def whole_number(values: dict[str, Any], name: str, least: int) -> int:
    """var `name` as an int of at least `least`."""
    value = values[name]
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise UserError(f"var {name} must be a whole number of at least {least}, not {value!r}")
    return value


def number_list(values: dict[str, Any], name: str, kind: type, zero_allowed: bool = False) -> tuple:
    """var `name` (a number or a list of them) as a sorted tuple of distinct `kind`s, each above 0
    (or at least 0)."""
    value = values[name]
    items = value if isinstance(value, list) else [value]
    if not items or any(
        isinstance(item, bool)
        or not isinstance(item, int | float)
        or item < 0
        or (item == 0 and not zero_allowed)
        for item in items
    ):
        least = "numbers of at least 0" if zero_allowed else "positive numbers"
        raise UserError(f"var {name} must be a list of {least}, like [50, 75], not {value!r}")
    if kind is int and any(item != int(item) for item in items):
        raise UserError(f"var {name} must hold whole numbers, not {value!r}")
    return tuple(sorted({kind(item) for item in items}))


def choice(values: dict[str, Any], name: str, choices: tuple[str, ...]) -> str:
    value = values[name]
    if value not in choices:
        raise UserError(f"var {name} must be one of {', '.join(choices)}, not {value!r}")
    return value


@dataclass(frozen=True)
class KMeansSettings:
    """The study's k-means knobs (vars kmeans_*, split_seed)."""

    k_min: int
    k_max: int
    k_step: int
    max_iter: int
    seed: int

    @classmethod
    def from_vars(cls, values: dict[str, Any]) -> KMeansSettings:
        settings = cls(
            k_min=whole_number(values, "kmeans_k_min", 2),  # one cluster is no clustering
            k_max=whole_number(values, "kmeans_k_max", 2),
            k_step=whole_number(values, "kmeans_k_step", 1),
            max_iter=whole_number(values, "kmeans_max_iter", 1),
            seed=whole_number(values, "split_seed", 0),
        )
        if settings.k_max < settings.k_min:
            raise UserError(f"var kmeans_k_max ({settings.k_max}) is below kmeans_k_min ({settings.k_min})")
        return settings

    def grid(self) -> list[int]:
        """k_min, k_min + k_step, ... up to k_max inclusive."""
        return list(range(self.k_min, self.k_max + 1, self.k_step))


@dataclass(frozen=True)
class SearchSettings:
    """How every factor-model family searches its grid (var als_search: staged or grid) and on
    how many of the fit part's ratings at most (var als_search_sample_ratings: a share of the
    users holding about that many; null: all of them). The grid, the study's search, always fits
    on all of them."""

    kind: str = "staged"
    sample_ratings: int | None = None

    @classmethod
    def from_vars(cls, values: dict[str, Any]) -> SearchSettings:
        sample = values["als_search_sample_ratings"]
        return cls(
            kind=choice(values, "als_search", ALS_SEARCHES),
            sample_ratings=None if sample is None else whole_number(values, "als_search_sample_ratings", 1),
        )

    def sample_limit(self) -> int | None:
        """The most fit ratings the search fits on (None: all)."""
        return self.sample_ratings if self.kind == "staged" else None


@dataclass(frozen=True)
class AlsSettings:
    """The rating models' search (vars als_*, split_seed): the rank x regParam grid."""

    ranks: tuple[int, ...]
    reg_params: tuple[float, ...]
    max_iter: int
    seed: int
    search: SearchSettings = SearchSettings()

    @classmethod
    def from_vars(cls, values: dict[str, Any]) -> AlsSettings:
        return cls(
            ranks=number_list(values, "als_ranks", int),
            reg_params=number_list(values, "als_reg_params", float),
            max_iter=whole_number(values, "als_max_iter", 1),
            seed=whole_number(values, "split_seed", 0),
            search=SearchSettings.from_vars(values),
        )

    def grid(self) -> list[tuple[int, float]]:
        """Every (rank, regParam) pair, ranks outer."""
        return list(itertools.product(self.ranks, self.reg_params))


@dataclass(frozen=True)
class ListSettings:
    """The recommendation lists: their length (var top_n, also the k of NDCG@k) and the test
    rating that makes a movie relevant (relevant_rating)."""

    top_n: int
    relevant_rating: float

    @classmethod
    def from_vars(cls, values: dict[str, Any]) -> ListSettings:
        relevant = values["relevant_rating"]
        if isinstance(relevant, bool) or not isinstance(relevant, int | float) or not 0.5 <= relevant <= 5:
            raise UserError(f"var relevant_rating must be a rating from 0.5 to 5, not {relevant!r}")
        return cls(whole_number(values, "top_n", 1), float(relevant))


@dataclass(frozen=True)
class RankingSettings:
    """The ranking models' search (vars implicit_*, rerank_popularity_weights, als_max_iter,
    split_seed, the search of als_search*), scored by the lists of `lists`."""

    ranks: tuple[int, ...]
    reg_params: tuple[float, ...]
    alphas: tuple[float, ...]
    popularity_weights: tuple[float, ...]
    max_iter: int
    seed: int
    lists: ListSettings
    search: SearchSettings = SearchSettings()

    @classmethod
    def from_vars(cls, values: dict[str, Any]) -> RankingSettings:
        return cls(
            ranks=number_list(values, "implicit_ranks", int),
            reg_params=number_list(values, "implicit_reg_params", float),
            alphas=number_list(values, "implicit_alphas", float),
            popularity_weights=number_list(values, "rerank_popularity_weights", float, zero_allowed=True),
            max_iter=whole_number(values, "als_max_iter", 1),
            seed=whole_number(values, "split_seed", 0),
            lists=ListSettings.from_vars(values),
            search=SearchSettings.from_vars(values),
        )

    def implicit_grid(self) -> list[tuple[int, float, float]]:
        return list(itertools.product(self.ranks, self.reg_params, self.alphas))


@dataclass(frozen=True)
class BiasSettings:
    """The dampings dbt fitted the bias marts with (vars bias_*_damping): part of the fingerprint
    of the models fitted on those biases."""

    movie_damping: float
    user_damping: float

    @classmethod
    def from_vars(cls, values: dict[str, Any]) -> BiasSettings:
        dampings = []
        for name in ("bias_movie_damping", "bias_user_damping"):
            value = values[name]
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise UserError(f"var {name} must be a number of at least 0, not {value!r}")
            dampings.append(value)
        return cls(*dampings)


@dataclass(frozen=True)
class AlsStepSettings:
    """Everything the ALS step reads: the rating models' search (`rating`), the ranking models', the
    biases' dampings, and what it writes (the recommender, the lists, similar movies per movie:
    vars recommendation_model, similar_movies)."""

    rating: AlsSettings
    ranking: RankingSettings
    biases: BiasSettings
    recommender: str
    similar_movies: int

    @property
    def lists(self) -> ListSettings:
        return self.ranking.lists

    @classmethod
    def from_vars(cls, values: dict[str, Any]) -> AlsStepSettings:
        return cls(
            rating=AlsSettings.from_vars(values),
            ranking=RankingSettings.from_vars(values),
            biases=BiasSettings.from_vars(values),
            recommender=choice(values, "recommendation_model", RECOMMENDERS),
            similar_movies=whole_number(values, "similar_movies", 1),
        )
