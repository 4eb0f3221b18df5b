"""The recommenders against the study's recipe, on ml-latest-small with every user's ratings
(rating_cap null): `python -m ml als` on the uncapped build, its model_metrics compared."""

import os
import subprocess
import sys

import pytest
from conftest import SMALL_DATA, UNCAPPED_VARS, warehouse_table

from ml import PROJECT_DIR


@pytest.fixture(scope="module")
def uncapped_metrics(spark, uncapped) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "ml", "als", "--vars", UNCAPPED_VARS],
        cwd=PROJECT_DIR,
        env={**os.environ, "MOVIELENS_DIR": str(SMALL_DATA), "MOVIELENS_SPARK_DIR": str(uncapped)},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = {row.model: row for row in warehouse_table(spark, uncapped, "model_metrics").collect()}
    # the ranking model: the one selected on the validation part
    return metrics, warehouse_table(spark, uncapped, "ranking_tuning").where("is_selected").first().model


@pytest.mark.dbt
def test_bias_aware_als_has_a_lower_test_rmse_than_the_studys(uncapped_metrics):
    metrics, _ = uncapped_metrics
    assert metrics["bias_als"].rmse < metrics["als"].rmse


@pytest.mark.dbt
def test_the_ranking_model_has_a_higher_ndcg_than_the_study_and_most_popular(uncapped_metrics):
    metrics, selected = uncapped_metrics
    ndcg = {model: row.ndcg_at_k for model, row in metrics.items()}
    assert ndcg[selected] > max(ndcg["als"], ndcg["most_popular"])
