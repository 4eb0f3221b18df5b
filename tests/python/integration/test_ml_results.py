"""The tables `make test` wrote with `python -m ml kmeans` and `python -m ml als` on the small
dataset (the test build's vars: the study's defaults with small grids), and what a rerun does
with the saved models."""

import itertools

import pytest
from helpers import holding_test_build
from pyspark.sql import functions as F

from ml import UserError
from ml.clustering import step as kmeans
from ml.recommenders import step as als
from ml.recommenders.search import most_fits, staged_search
from ml.settings import AlsSettings, AlsStepSettings, KMeansSettings, RankingSettings
from ml.warehouse.catalog import RESULT_TABLES
from ml.warehouse.project import project_vars


@pytest.fixture(scope="module")
def ml_table(table, spark):
    from ml.warehouse.tables import qualified

    missing = [name for name in RESULT_TABLES if not spark.catalog.tableExists(qualified(name))]
    if missing:
        pytest.fail(
            f"the ml tables {missing} are missing: run `make test` (it runs python -m ml kmeans and als)"
        )
    return table


def test_the_sweep_covers_the_grid_and_skips_only_too_large_k(ml_table, test_vars):
    sweep = ml_table("kmeans_sweep")
    rows = sweep.orderBy("k").collect()
    assert [row.k for row in rows] == KMeansSettings.from_vars(test_vars).grid()
    training_movies = rows[0].training_movies
    assert all((row.status == "fitted") == (row.k < training_movies) for row in rows)
    assert any(row.status == "skipped" for row in rows)  # the test grid reaches past the fit movies
    assert sweep.where("is_selected").count() == 1


def test_every_cleaned_movie_has_one_cluster_of_the_chosen_k(ml_table):
    k = ml_table("kmeans_sweep").where("is_selected").first().k
    clusters = ml_table("movie_clusters")
    assert clusters.count() == ml_table("movies").count() == 2_269
    assert clusters.select(F.min("cluster"), F.max("cluster")).first() >= (0, 0)
    assert clusters.agg(F.max("cluster")).first()[0] < k
    assert ml_table("cluster_profiles").agg(F.sum("movie_count")).first()[0] == 2_269


def test_every_train_user_has_n_unseen_recommendations(ml_table, test_vars):
    recommendations = ml_table("user_recommendations")
    train_users = ml_table("als_ratings_train").select("user_id").distinct().count()
    assert recommendations.count() == train_users * test_vars["top_n"]
    seen = recommendations.join(ml_table("als_ratings_train"), ["user_id", "movie_id"])
    assert seen.count() == 0
    assert recommendations.where(~F.col("predicted_rating").between(0.5, 5.0)).count() == 0


def test_model_metrics_hold_every_model_on_test(ml_table, test_vars):
    metrics = {row.model: row for row in ml_table("model_metrics").collect()}
    assert set(metrics) == {
        "als",
        "bias_als",
        "implicit_als",
        "reranked_bias_als",
        "bias_baseline",
        "most_popular",
    }
    assert all(metrics[name].rmse is None for name in ("implicit_als", "reranked_bias_als", "most_popular"))
    assert (
        metrics["als"].rated_pairs
        == metrics["bias_als"].rated_pairs
        == metrics["bias_baseline"].rated_pairs
        > 0
    )
    for row in metrics.values():
        assert row.split == "test" and row.k == test_vars["top_n"]
        assert 0 <= row.precision_at_k <= 1 and 0 <= row.ndcg_at_k <= 1 and 0 < row.coverage <= 1
        assert row.mean_popularity > 0


def test_bias_aware_als_beats_the_studys_on_rating_error(ml_table):
    metrics = {row.model: row for row in ml_table("model_metrics").collect()}
    assert metrics["bias_als"].rmse < metrics["als"].rmse


def test_the_ranking_model_beats_the_study_and_most_popular_on_ndcg(ml_table):
    metrics = {row.model: row for row in ml_table("model_metrics").collect()}
    selected = ml_table("ranking_tuning").where("is_selected").first().model
    assert metrics[selected].ndcg_at_k > max(metrics["als"].ndcg_at_k, metrics["most_popular"].ndcg_at_k)


def test_similar_movies_are_others_by_falling_similarity(ml_table, test_vars):
    similar = ml_table("similar_movies")
    per_movie = AlsStepSettings.from_vars(test_vars).similar_movies
    movies = ml_table("als_ratings_train").select("movie_id").distinct().count()
    assert similar.count() == movies * per_movie
    assert similar.where("movie_id = similar_movie_id").count() == 0
    rows = similar.where("movie_id = 1").orderBy("rank").collect()
    assert [row.rank for row in rows] == list(range(1, per_movie + 1))
    assert all(a.similarity >= b.similarity for a, b in itertools.pairwise(rows))


def test_tuning_holds_the_configs_the_search_picks_with_one_choice(ml_table, test_vars):
    settings = AlsSettings.from_vars(test_vars)
    fit_ratings = ml_table("als_ratings_train").where("not is_validation").count()
    assert settings.search.kind == "staged" and fit_ratings < settings.search.sample_ratings
    for model in ("als", "bias_als"):
        tuning = ml_table("als_tuning").where(F.col("model") == model).collect()
        losses = {(row.rank, row.reg_param): row.validation_rmse for row in tuning}
        _check_search(losses, settings.grid())
        assert len(losses) <= most_fits("staged", settings.grid()) < len(settings.grid())
        assert {(row.iterations, row.fit_ratings) for row in tuning} == {(settings.max_iter, fit_ratings)}
        chosen = [row for row in tuning if row.is_selected]
        assert len(chosen) == 1 and chosen[0].validation_rmse == min(losses.values()), model
    ranking = ml_table("ranking_tuning")
    ranking_settings = RankingSettings.from_vars(test_vars)
    implicit = ranking.where("model = 'implicit_als'").collect()
    _check_search(
        {(row.rank, row.reg_param, row.alpha): -row.validation_ndcg for row in implicit},
        ranking_settings.implicit_grid(),
    )
    assert ranking.where("model = 'reranked_bias_als'").count() == len(ranking_settings.popularity_weights)
    assert {row.fit_ratings for row in ranking.collect()} == {fit_ratings}
    assert ranking.where("is_selected").count() == 1
    best = ranking.agg(F.max("validation_ndcg")).first()[0]
    assert ranking.where("is_selected").first().validation_ndcg == best
    # reranked_bias_als reranks bias-aware ALS's chosen config
    chosen = ml_table("als_tuning").where("model = 'bias_als' and is_selected").first()
    reranked = ranking.where("model = 'reranked_bias_als'").select("rank", "reg_param").distinct().collect()
    assert [(row.rank, row.reg_param) for row in reranked] == [(chosen.rank, chosen.reg_param)]


def _check_search(losses: dict, grid: list):
    # the staged search, replayed on the losses the run measured, picks exactly the configs it fitted
    assert set(staged_search(grid, losses.__getitem__)) == set(losses)


def test_a_rerun_reuses_the_saved_model_and_rewrites_the_same_tables(ml_table, spark, test_vars, capsys):
    before = {tuple(row) for row in ml_table("movie_clusters").select("movie_id", "cluster").collect()}
    with holding_test_build(exclusive=True):  # e2e tests beside read these tables
        headline = kmeans.run(spark, test_vars)
    assert "inputs unchanged" in capsys.readouterr().out
    assert headline["k"] == ml_table("kmeans_sweep").where("is_selected").first().k
    assert {
        tuple(row) for row in ml_table("movie_clusters").select("movie_id", "cluster").collect()
    } == before


def test_a_rerun_of_als_reuses_every_saved_model_and_its_search(ml_table, spark, test_vars, capsys):
    # what `python -m ml als` does first on a rerun (it then writes its tables from these models)
    from ml.settings import AlsStepSettings
    from ml.warehouse import artifacts, catalog

    settings = AlsStepSettings.from_vars(test_vars)
    # the blocks of the pipeline's session (one per core it had): part of the fingerprint
    saved = artifacts.saved_meta("als")
    blocks = saved["fingerprint"]["blocks"]
    data = als.prepare(catalog.read_inputs(spark, catalog.ALS), settings.rating, blocks)
    fitted = als.fit_models(data, settings, blocks, refit=False)
    out = capsys.readouterr().out
    assert out.count("inputs unchanged") == 4 and "configs (ranks" not in out  # no search announced
    tuned = {
        (row.model, row.rank, row.reg_param): row.validation_rmse for row in ml_table("als_tuning").collect()
    }
    assert {
        (name, point.rank, point.reg_param): point.validation_rmse
        for name in ("als", "bias_als")
        for point in fitted[name].points
    } == tuned
    ranked = {(row.model, row.alpha, row.popularity_weight) for row in ml_table("ranking_tuning").collect()}
    assert {
        (point.model, point.alpha, point.popularity_weight) for point in fitted["implicit_als"].points
    } == ranked


def test_a_grid_with_no_k_below_the_movie_count_is_a_user_error(ml_table, spark):
    with pytest.raises(UserError, match="every k of the grid"):
        kmeans.run(spark, project_vars({"kmeans_k_min": 5000, "kmeans_k_max": 5000}))
