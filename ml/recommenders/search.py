"""The one search of every factor-model family (the study's ALS and bias-aware ALS by validation
RMSE, implicit ALS by validation NDCG): which configs of a grid to fit, in what order. A config
is a tuple (rank, *others), others being regParam (and alpha); `evaluate` fits one and returns
its loss (lower is better).

- `grid` (var als_search): every config, as the study did.
- `staged` (the default): the others first, every combination at the smallest rank (the cheapest
  fits); then the ranks in ascending order at the best others, until RANK_PATIENCE ranks in a row
  do no better than the best so far (a larger rank costs more per iteration and, at a fixed
  regularisation, validation loss falls with rank, can level off for a step, and then turns);
  then the neighbours of the best others (one step along each axis) at the chosen rank, as a
  larger rank may want more regularisation. With a `baseline` (the loss of the same model
  without factors: bias-aware ALS's biases alone), no larger rank is fitted when the best config
  at the smallest rank scores within BASELINE_TOLERANCE of it: its factors are shrunk to nothing
  at that regularisation, and a larger rank only adds components that explain less (at scale
  1.0 of the synthetic data bias-aware ALS scored the same to 4 decimals at ranks 50, 75 and
  100). Factors that do worse than the baseline are fitting noise, which a larger rank may fit
  better: those go on as ever.
"""

from __future__ import annotations

from collections.abc import Callable

SEARCHES = ("staged", "grid")

Config = tuple
# the rank stage stops after this many larger ranks in a row that did no better: one alone can be
# a plateau (ml-latest-small, rating_cap null: the study's ALS scores 0.8570 at ranks 75 and 100,
# 0.8556 at 125)
RANK_PATIENCE = 2
# how near the baseline's loss (an RMSE) the best config at the smallest rank must score, either
# side, for its factors to count as adding nothing
BASELINE_TOLERANCE = 1e-4


def search(
    kind: str, grid: list[Config], evaluate: Callable[[Config], float], baseline: float | None = None
) -> dict[Config, float]:
    """The losses of the configs `kind` fitted, in the order it fitted them (`baseline`: the
    loss without factors, if the family has one; the staged search's only)."""
    if kind == "grid":
        return {config: evaluate(config) for config in grid}
    if kind == "staged":
        return staged_search(grid, evaluate, baseline)
    raise ValueError(f"unknown search {kind!r}; expected one of {SEARCHES}")


def axes(grid: list[Config]) -> list[list]:
    """The sorted distinct values of each position of the grid's configs."""
    return [sorted({config[axis] for config in grid}) for axis in range(len(grid[0]))]


def staged_search(
    grid: list[Config], evaluate: Callable[[Config], float], baseline: float | None = None
) -> dict[Config, float]:
    """The staged search of the module's docstring over `grid`, each config fitted at most once."""
    values = axes(grid)
    ranks, others = values[0], sorted({config[1:] for config in grid})
    losses: dict[Config, float] = {}

    def loss(config: Config) -> float:
        if config not in losses:
            losses[config] = evaluate(config)
        return losses[config]

    best = min(((ranks[0], *other) for other in others), key=lambda config: (loss(config), config))
    if adds_nothing(losses[best], baseline):
        return losses
    misses = 0
    for rank in ranks[1:]:
        if loss((rank, *best[1:])) < losses[best]:
            best, misses = (rank, *best[1:]), 0
        else:
            misses += 1
            if misses == RANK_PATIENCE:
                break
    if best[0] != ranks[0]:
        for config in neighbours(best, values):
            loss(config)
    return losses


def uses_baseline(kind: str) -> bool:
    """Whether the search `kind` asks for the loss without factors (the staged search's rank stage)."""
    return kind == "staged"


def adds_nothing(loss: float, baseline: float | None) -> bool:
    """Whether a config of `loss` scores within BASELINE_TOLERANCE of the model without factors."""
    return baseline is not None and abs(loss - baseline) < BASELINE_TOLERANCE


def neighbours(config: Config, values: list[list]) -> list[Config]:
    """The configs one step away from `config` along each axis but the rank's (values: axes)."""
    found = []
    for axis in range(1, len(config)):
        position = values[axis].index(config[axis])
        for step in (-1, 1):
            if 0 <= position + step < len(values[axis]):
                found.append((*config[:axis], values[axis][position + step], *config[axis + 1 :]))
    return found


def most_fits(kind: str, grid: list[Config]) -> int:
    """The most fits `kind` can make on `grid` (for progress): all of it for the grid; for the
    staged search, the others at the smallest rank, the other ranks, and the neighbours."""
    if kind == "grid":
        return len(grid)
    values = axes(grid)
    others = len({config[1:] for config in grid})
    rounds = sum(min(len(axis) - 1, 2) for axis in values[1:]) if len(values[0]) > 1 else 0
    return min(len(grid), others + len(values[0]) - 1 + rounds)
