"""The tables `make test` wrote with `python -m ml kmeans` and `python -m ml als` (default vars)
on the small dataset, and what a rerun does with the saved models."""

import pytest
from pyspark.sql import functions as F

from ml import UserError, als, kmeans
from ml.project import project_vars


@pytest.fixture(scope="module")
def ml_table(table, spark):
    from ml.io import qualified

    if not spark.catalog.tableExists(qualified("model_metrics")):
        pytest.fail("the ml tables are missing: run `make test` (it runs python -m ml kmeans and als)")
    return table


def test_the_sweep_covers_the_default_grid_and_skips_only_too_large_k(ml_table):
    sweep = ml_table("kmeans_sweep")
    rows = sweep.collect()
    assert [row.k for row in rows] == list(range(10, 1501, 10))
    training_movies = rows[0].training_movies
    assert all((row.status == "fitted") == (row.k < training_movies) for row in rows)
    assert sweep.where("is_selected").count() == 1


def test_every_cleaned_movie_has_one_cluster_of_the_chosen_k(ml_table):
    k = ml_table("kmeans_sweep").where("is_selected").first().k
    clusters = ml_table("movie_clusters")
    assert clusters.count() == ml_table("movies").count() == 2_269
    assert clusters.select(F.min("cluster"), F.max("cluster")).first() >= (0, 0)
    assert clusters.agg(F.max("cluster")).first()[0] < k
    assert ml_table("cluster_profiles").agg(F.sum("movie_count")).first()[0] == 2_269


def test_every_train_user_has_n_unseen_recommendations(ml_table):
    recommendations = ml_table("user_recommendations")
    train_users = ml_table("als_ratings_train").select("user_id").distinct().count()
    assert recommendations.count() == train_users * 10
    seen = recommendations.join(ml_table("als_ratings_train"), ["user_id", "movie_id"])
    assert seen.count() == 0
    assert recommendations.where(~F.col("predicted_rating").between(0.5, 5.0)).count() == 0


def test_model_metrics_hold_als_and_both_baselines_on_test(ml_table):
    metrics = {row.model: row for row in ml_table("model_metrics").collect()}
    assert set(metrics) == {"als", "bias_baseline", "most_popular"}
    assert metrics["most_popular"].rmse is None
    assert metrics["als"].rated_pairs == metrics["bias_baseline"].rated_pairs > 0
    for row in metrics.values():
        assert row.split == "test" and row.k == 10
        assert 0 <= row.precision_at_k <= 1 and 0 <= row.ndcg_at_k <= 1 and 0 < row.coverage <= 1


def test_tuning_covers_the_grid_with_one_choice_among_the_finished_configs(ml_table):
    tuning = ml_table("als_tuning")
    assert tuning.count() == 16
    # successive halving (the default): every config for 3 iterations, the best 4 for all 10
    rungs = {row.iterations: row["count"] for row in tuning.groupBy("iterations").count().collect()}
    assert rungs == {3: 12, 10: 4}
    chosen = tuning.where("is_selected").collect()
    assert len(chosen) == 1 and chosen[0].iterations == 10
    finished = tuning.where("iterations = 10")
    assert chosen[0].validation_rmse == finished.agg(F.min("validation_rmse")).first()[0]


def test_a_rerun_reuses_the_saved_model_and_rewrites_the_same_tables(ml_table, spark, capsys):
    before = {tuple(row) for row in ml_table("movie_clusters").select("movie_id", "cluster").collect()}
    headline = kmeans.run(spark, project_vars())
    assert "inputs unchanged" in capsys.readouterr().out
    assert headline["k"] == ml_table("kmeans_sweep").where("is_selected").first().k
    assert {
        tuple(row) for row in ml_table("movie_clusters").select("movie_id", "cluster").collect()
    } == before


def test_a_rerun_of_als_reuses_its_saved_model_and_rewrites_the_same_recommendations(ml_table, spark, capsys):
    columns = ["user_id", "rank", "movie_id"]
    before = {tuple(row) for row in ml_table("user_recommendations").select(*columns).collect()}
    metrics_before = {row.model: row.rmse for row in ml_table("model_metrics").collect()}
    als.run(spark, project_vars())
    out = capsys.readouterr().out
    assert "inputs unchanged" in out and "tuning 16 configs" not in out
    assert {tuple(row) for row in ml_table("user_recommendations").select(*columns).collect()} == before
    assert {row.model: row.rmse for row in ml_table("model_metrics").collect()} == metrics_before


def test_a_grid_with_no_k_below_the_movie_count_is_a_user_error(ml_table, spark):
    with pytest.raises(UserError, match="every k of the grid"):
        kmeans.run(spark, project_vars({"kmeans_k_min": 5000, "kmeans_k_max": 5000}))
