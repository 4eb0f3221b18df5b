"""Successive halving over the rating models' grid: every config fitted for a few iterations, the
best 1/HALVING_ETA of them for more, up to als_max_iter (var als_search: halving); or every config
for all of them (grid)."""

from __future__ import annotations

import math

from ml.settings import AlsSettings

# successive halving keeps the best 1/HALVING_ETA of the configs at each rung
HALVING_ETA = 4


def halving_rungs(configs: int, max_iter: int) -> list[int]:
    """maxIter of each rung of successive halving: enough rungs that the last one holds one
    quarter's worth of survivors, the last at max_iter and each before it 1/HALVING_ETA of the
    next. 16 configs, max_iter 10: [3, 10] (16 configs at 3 iterations, the best 4 at 10)."""
    rungs = max(1, math.ceil(math.log(max(configs, 1), HALVING_ETA) - 1e-9))
    return [max(1, math.ceil(max_iter / HALVING_ETA ** (rungs - 1 - rung))) for rung in range(rungs)]


def search_rungs(settings: AlsSettings) -> list[int]:
    """maxIter of each rung of the search the settings ask for (one rung for the full grid)."""
    if settings.search == "halving":
        return halving_rungs(len(settings.grid()), settings.max_iter)
    return [settings.max_iter]


def survivors_of_rung(ranked: list, rung: int) -> list:
    """The configs that go on to `rung` (0 = the first), of the previous rung's, best first."""
    return ranked if rung == 0 else ranked[: math.ceil(len(ranked) / HALVING_ETA)]


def tuning_fits(settings: AlsSettings) -> int:
    """How many fits the search makes (for progress)."""
    fits, survivors = 0, list(range(len(settings.grid())))
    for rung in range(len(search_rungs(settings))):
        survivors = survivors_of_rung(survivors, rung)
        fits += len(survivors)
    return fits
