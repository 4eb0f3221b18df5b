"""The original study's recipe as `python -m ml bench-original` times it, on the test build's
marts with a short slice (two values of k, one ALS rank): what it fits, what it extrapolates, and
our run's results beside it."""

import pytest
import yaml
from helpers import TEST_VARS

from ml.tools.bench.original import time_original
from ml.warehouse import artifacts
from ml.warehouse.project import project_vars


@pytest.fixture(scope="module")
def results(spark, table):
    slice_vars = {"kmeans_k_min": 10, "kmeans_k_max": 20, "kmeans_k_step": 10, "als_ranks": [10]}
    values = project_vars({**(yaml.safe_load(TEST_VARS) or {}), **slice_vars})
    return time_original(spark, values)


def test_our_results_come_from_the_tables_and_saved_models(results, table):
    ours = results["ours"]
    assert ours["kmeans_best_k"] == table("kmeans_sweep").where("is_selected").first().k
    chosen = table("als_tuning").where("model = 'als' and is_selected").first()
    assert (ours["als_selected"]["rank"], ours["als_selected"]["reg_param"]) == (
        chosen.rank,
        chosen.reg_param,
    )
    assert ours["als_test_rmse"] == table("model_metrics").where("model = 'als'").first().rmse
    assert ours["als_ratings_train"] == table("als_ratings_train").count()
    # the study's ALS is timed alone (search + final fit), the other families beside it
    meta = artifacts.saved_meta("als")
    assert ours["family_seconds"]["als"] == round(meta["tuning_seconds"] + meta["refit_seconds"], 1)
    assert set(ours["family_seconds"]) == {"als", "bias_als", "ranking"}
    assert min(ours["family_seconds"].values()) > 0
    assert ours["als_search_fit_ratings"] == table("als_ratings_train").where("not is_validation").count()


def test_the_original_recipe_fits_the_slice_and_refits_our_choice(results):
    original, ours = results["original"], results["ours"]
    assert (original["kmeans"]["k_fitted"], original["kmeans"]["k_in_grid"]) == (2, 2)
    assert not original["kmeans"]["extrapolated"] and original["kmeans"]["estimated_seconds"] > 0
    assert list(original["als"]["per_rank"]) == [10] and original["als"]["blocks"] == 10
    # the grid's other regParams are extrapolated from the one timed
    assert original["als"]["extrapolated"] and original["als"]["grid_seconds_estimated"] > 0
    assert original["als"]["config"] == {key: ours["als_selected"][key] for key in ("rank", "reg_param")}
    # the same config on the same train, only other blocks: nearly the same test RMSE
    assert abs(original["als"]["test_rmse"] - ours["als_test_rmse"]) < 0.05
