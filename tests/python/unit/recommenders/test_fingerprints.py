"""A saved bias-aware model is reused only with the bias marts it was fitted with: their content is
part of its fingerprint (the ranking models' fingerprints hold bias_als's)."""

from __future__ import annotations

from types import SimpleNamespace

from ml.recommenders import step
from ml.settings import AlsStepSettings
from ml.warehouse.project import project_vars


def fingerprint_extras(monkeypatch, biases_hash: dict[str, str]) -> dict[str, dict]:
    """The fingerprint extras fit_models hands each rating model, for inputs of `biases_hash`."""
    extras = {}

    def fit_rating_model(name, *args):
        extras[name] = args[7] if len(args) > 7 else {}
        return SimpleNamespace(name=name)

    monkeypatch.setattr(step, "fit_rating_model", fit_rating_model)
    monkeypatch.setattr(step, "fit_ranking_models", lambda *args: {})
    data = SimpleNamespace(
        train=None, train_hash="100:1", parts=None, biases=(None, None), biases_hash=biases_hash
    )
    step.fit_models(data, AlsStepSettings.from_vars(project_vars()), blocks=2, refit=False)
    return extras


def test_the_bias_marts_content_is_in_the_bias_aware_models_fingerprint(monkeypatch):
    marts = {"als_movie_biases": "9000:17", "als_user_biases": "600:42"}
    extras = fingerprint_extras(monkeypatch, marts)
    assert extras["bias_als"]["bias_marts"] == marts
    # other marts (other dampings, another build): another fingerprint
    other = {"als_movie_biases": "9000:18", "als_user_biases": "600:42"}
    assert fingerprint_extras(monkeypatch, other)["bias_als"] != extras["bias_als"]


def test_counterpart_the_studys_als_does_not_read_the_bias_marts(monkeypatch):
    assert fingerprint_extras(monkeypatch, {"als_movie_biases": "1:1"})["als"] == {}
