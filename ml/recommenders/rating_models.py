"""The rating models, chosen by RMSE on the validation part of als_ratings_train: the study's ALS
(explicit ratings, non-negative factors) and bias-aware ALS (ALS on what dbt's biases leave, the
biases inside the model: with_offsets). Each searches the rank x regParam grid (search.py) and
refits its best config on all of train; a saved model fitted on the same inputs is reused."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from ml.progress import Progress
from ml.recommenders.baselines import BiasModel
from ml.recommenders.evaluation import rating_errors, scorable_pairs
from ml.recommenders.factors import Fitted, estimator, predict_ratings, with_offsets
from ml.recommenders.sampling import SearchParts, describe
from ml.recommenders.search import BASELINE_TOLERANCE, adds_nothing, most_fits, search, uses_baseline
from ml.settings import AlsSettings, RankingSettings
from ml.warehouse import artifacts

if TYPE_CHECKING:
    from pyspark.ml.recommendation import ALSModel
    from pyspark.sql import DataFrame

LABELS = {"als": "ALS", "bias_als": "bias-aware ALS"}


@dataclass
class TuningPoint:
    """A config's validation RMSE, fitted for `iterations` on `fit_ratings` ratings."""

    rank: int
    reg_param: float
    validation_rmse: float
    fit_seconds: float
    iterations: int = 0
    fit_ratings: int = 0


def residuals(ratings: DataFrame, bias: BiasModel) -> DataFrame:
    """`ratings` with `rating` replaced by what the biases leave: rating - (mu + b_movie + b_user)."""
    from pyspark.sql import functions as F

    return bias.offsets(ratings).withColumn("rating", F.col("rating") - F.col("offset")).drop("offset")


def with_bias(model: ALSModel, bias: BiasModel, movie_offsets: DataFrame | None = None) -> ALSModel:
    """Bias-aware ALS as one ALSModel: `model` (fitted on residuals) scoring mu + b_user + b_movie
    + its dot product, a predicted rating (a user or movie without a bias has bias 0, as in
    BiasModel.offsets). `movie_offsets` (movie_id, offset) replace b_movie."""
    from pyspark.sql import functions as F

    users = model.userFactors.select(F.col("id").alias("user_id"))
    return with_offsets(
        model, bias.user_offsets(users), bias.movie_offsets() if movie_offsets is None else movie_offsets
    )


def _ranking_key(point: TuningPoint) -> tuple[float, int, float]:
    """Lowest validation RMSE; on a tie the smaller rank, then the stronger regularisation."""
    return (point.validation_rmse, point.rank, -point.reg_param)


def best_rating_config(points: list[TuningPoint]) -> TuningPoint:
    """The config of lowest validation RMSE."""
    return min(points, key=_ranking_key)


def search_rating_configs(
    parts: SearchParts,
    settings: AlsSettings,
    blocks: int,
    progress: Progress | None,
    bias: BiasModel | None = None,
) -> tuple[list[TuningPoint], ALSModel]:
    """The configs settings.search picks (search.py), each fitted on the fit part of `parts` for
    als_max_iter iterations, RMSE (clipped) on its validation part: their points in the order
    fitted, and the best one's model. One fit at a time: two side by side were no faster
    (BENCHMARKS.md). With `bias` (fitted on the fit part), bias-aware ALS: the factors fit the
    residuals, a prediction is the biases plus their product."""
    fit_part = parts.fit if bias is None else residuals(parts.fit, bias).cache()
    wants_baseline = bias is not None and uses_baseline(settings.search.kind)
    baseline = biases_alone_rmse(parts, bias) if wants_baseline else None
    points: list[TuningPoint] = []
    best: dict[str, ALSModel] = {}

    def evaluate(config: tuple[int, float]) -> float:
        point, model = _fit_and_score(config, fit_part, parts, settings, blocks, bias)
        if not points or _ranking_key(point) < _ranking_key(best_rating_config(points)):
            best["model"] = model
        points.append(point)
        if progress:
            progress.step(
                f"rank {point.rank}, regParam {point.reg_param}: validation RMSE "
                f"{point.validation_rmse:.4f}, fit {point.fit_seconds:.1f} s"
            )
        return point.validation_rmse

    search(settings.search.kind, settings.grid(), evaluate, baseline)
    if bias is not None:
        fit_part.unpersist()
    _say_if_factors_add_nothing(points, settings, baseline)
    return points, best["model"]


def biases_alone_rmse(parts: SearchParts, bias: BiasModel) -> float:
    """The validation RMSE of the biases alone, on the pairs a factor model scores (user and movie
    in the fit part; the others it drops): what bias-aware ALS's factors must improve on."""
    rmse = rating_errors(bias.predict(scorable_pairs(parts.validation, parts.fit)))["rmse"]
    print(f"{LABELS['bias_als']}: the biases alone score validation RMSE {rmse:.4f}")
    return rmse


def _say_if_factors_add_nothing(
    points: list[TuningPoint], settings: AlsSettings, baseline: float | None
) -> None:
    """One line when the staged search fitted no larger rank because its factors add nothing (no
    `baseline`: another search)."""
    best = best_rating_config(points)
    if len(settings.ranks) > 1 and adds_nothing(best.validation_rmse, baseline):
        print(
            f"{LABELS['bias_als']}: its best config at rank {best.rank} (regParam {best.reg_param}) scores "
            f"validation RMSE {best.validation_rmse:.5f}, within {BASELINE_TOLERANCE} of the biases alone "
            f"({baseline:.5f}): its factors add nothing there, so no larger rank was fitted"
        )


def _fit_and_score(
    config: tuple[int, float],
    fit_part: DataFrame,
    parts: SearchParts,
    settings: AlsSettings,
    blocks: int,
    bias: BiasModel | None,
) -> tuple[TuningPoint, ALSModel]:
    """`config` fitted on `fit_part` for als_max_iter iterations: its point (validation RMSE) and
    its model (with the biases, if any)."""
    rank, reg_param = config
    started = time.monotonic()
    model = rating_estimator(config, settings, blocks, bias is not None).fit(fit_part)
    fit_seconds = time.monotonic() - started
    if bias is not None:
        model = with_bias(model, bias)
    rmse = rating_errors(predict_ratings(model, parts.validation))["rmse"]
    point = TuningPoint(rank, reg_param, rmse, round(fit_seconds, 3), settings.max_iter, parts.fit_ratings)
    return point, model


def rating_estimator(
    config: tuple[int, float], settings: AlsSettings | RankingSettings, blocks: int, bias_aware: bool
):
    """ALS of `config` (rank, regParam) for als_max_iter iterations: the study's is nonnegative;
    bias-aware ALS's factors fit residuals of either sign, so they are not."""
    rank, reg_param = config
    return estimator(rank, reg_param, settings.max_iter, settings.seed, blocks, nonnegative=not bias_aware)


def fingerprint(train_hash: str, settings: AlsSettings, blocks: int, **extra: Any) -> dict[str, Any]:
    """What a rating model is fitted on: als_ratings_train (`train_hash`: tables.content_hash) and
    its settings."""
    return {"als_ratings_train": train_hash, "settings": asdict(settings), "blocks": blocks, **extra}


def fit_rating_model(
    step: str,
    train: DataFrame,
    train_hash: str,
    parts: SearchParts,
    settings: AlsSettings,
    blocks: int,
    refit: bool,
    biases: tuple[BiasModel, BiasModel] | None = None,
    extra: dict[str, Any] | None = None,
) -> Fitted:
    """The study's ALS (step 'als') or, with `biases` (fitted on train, on the fit part),
    bias-aware ALS ('bias_als'): searched on `parts` by validation RMSE, the best refitted
    on all of train; a saved model fitted on the same inputs is reused."""
    from pyspark.ml.recommendation import ALSModel

    current = fingerprint(train_hash, settings, blocks, **(extra or {}))
    reused = artifacts.reuse(step, current, ALSModel, LABELS[step], refit)
    train_bias, fit_bias = biases or (None, None)
    search_model = None
    if reused:
        model, meta = reused
        points = [TuningPoint(**point) for point in meta["tuning"]]
    else:
        started = time.monotonic()
        points, search_model = _search(LABELS[step], parts, settings, blocks, fit_bias)
        searched = {
            "tuning": [asdict(point) for point in points],
            "tuning_seconds": time.monotonic() - started,
        }
        model = _refit(step, current, train, searched, settings, blocks, train_bias)
    scorer = model if train_bias is None else with_bias(model, train_bias)
    return Fitted(model, scorer, points, current, search_model)


def _search(
    label: str, parts: SearchParts, settings: AlsSettings, blocks: int, bias: BiasModel | None
) -> tuple[list[TuningPoint], ALSModel]:
    fits = most_fits(settings.search.kind, settings.grid())
    print(
        f"{label}: searching {len(settings.grid())} configs (ranks {list(settings.ranks)} x regParams "
        f"{list(settings.reg_params)}, search {settings.search.kind}: at most {fits} fits of "
        f"{settings.max_iter} iterations), RMSE on the validation part, {describe(parts)}; {blocks} blocks"
    )
    return search_rating_configs(parts, settings, blocks, Progress(label, fits), bias)


def _refit(
    step: str,
    current: dict[str, Any],
    train: DataFrame,
    searched: dict[str, Any],
    settings: AlsSettings,
    blocks: int,
    bias: BiasModel | None,
) -> ALSModel:
    """The best config of the search refitted on all of train (residuals of `bias`, if any),
    saved with the search's results (`searched`: its points and seconds) under `current`."""
    best = best_rating_config([TuningPoint(**point) for point in searched["tuning"]])
    final_train = train if bias is None else residuals(train, bias)
    als = rating_estimator((best.rank, best.reg_param), settings, blocks, bias is not None)
    started = time.monotonic()
    model = als.fit(final_train)
    folder = artifacts.save(step, model, current, {**searched, "refit_seconds": time.monotonic() - started})
    print(
        f"{LABELS[step]}: tuning took {searched['tuning_seconds']:.1f} s; rank {best.rank}, regParam "
        f"{best.reg_param} refitted on all {train.count():,} train ratings; model saved in {folder}"
    )
    return model
