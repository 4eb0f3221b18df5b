"""The part of als_ratings_train the searches fit and score on: with var als_search_sample_ratings
set and a fit part larger than it, a fixed share of the users (a seeded hash of user_id, so the
same users for every family and every run) with all their fit and validation ratings, about that
many fit ratings in all; else the whole fit and validation parts. ALS regularises per rating
(ALS-WR: regParam x a user's or movie's rating count), so a config's standing on a share of the
users carries over to all of them; the chosen config is refitted on all of train."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

# the hash's resolution: users are kept where hash mod BUCKETS < share x BUCKETS
BUCKETS = 1_000_000


@dataclass
class SearchParts:
    """The fit and validation ratings a search uses, and what share of the users they hold."""

    fit: DataFrame
    validation: DataFrame
    fit_ratings: int
    user_share: float


def user_share(fit_ratings: int, sample_ratings: int | None) -> float:
    """The share of users whose ratings make about `sample_ratings` of `fit_ratings` (1.0: all)."""
    if sample_ratings is None or fit_ratings <= sample_ratings:
        return 1.0
    return sample_ratings / fit_ratings


def search_parts(parts: tuple[DataFrame, DataFrame], sample_ratings: int | None, seed: int) -> SearchParts:
    """`parts` (fit, validation; cached), or the share of their users that `user_share` gives,
    cached in their stead."""
    from pyspark.sql import functions as F

    fit, validation = parts
    total = fit.count()
    share = user_share(total, sample_ratings)
    if share == 1.0:
        return SearchParts(fit, validation, total, 1.0)
    kept = F.pmod(F.xxhash64(F.col("user_id"), F.lit(seed)), F.lit(BUCKETS)) < F.lit(round(share * BUCKETS))
    sampled_fit, sampled_validation = fit.where(kept).cache(), validation.where(kept).cache()
    sampled = SearchParts(sampled_fit, sampled_validation, sampled_fit.count(), share)
    sampled_validation.count()
    fit.unpersist()
    validation.unpersist()
    return sampled


def describe(parts: SearchParts) -> str:
    """What a search fits on, for its first line."""
    if parts.user_share == 1.0:
        return f"on all {parts.fit_ratings:,} fit ratings"
    return (
        f"on {parts.user_share:.1%} of the users ({parts.fit_ratings:,} fit ratings, "
        "var als_search_sample_ratings)"
    )
