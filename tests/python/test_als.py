"""The ALS grid settings and the unseen top-N lists, on a small fitted model."""

import pytest
from pyspark.sql import Window
from pyspark.sql import functions as F

from ml import UserError
from ml.recommenders.rating_models import (
    AlsSettings,
    TuningPoint,
    best_point,
    estimator,
    halving_rungs,
    predict_ratings,
    top_unseen,
    tune,
    tuning_fits,
)
from ml.warehouse.project import project_vars


def test_the_default_grid_is_the_studys_16_configs():
    grid = AlsSettings.from_vars(project_vars()).grid()
    assert len(grid) == 16
    assert grid[0] == (50, 0.1) and grid[-1] == (125, 0.4)


@pytest.mark.parametrize("ranks", [[], [0, 10], [10.5], "ten", [True]])
def test_a_bad_rank_list_is_a_user_error(ranks):
    with pytest.raises(UserError, match="als_ranks"):
        AlsSettings.from_vars(project_vars({"als_ranks": ranks}))


@pytest.mark.parametrize("weights", [[], [-1, 1], "one", [True]])
def test_popularity_weights_may_be_zero_but_not_negative(weights):
    from ml.recommenders.ranking_models import RankingSettings

    assert RankingSettings.from_vars(
        project_vars({"rerank_popularity_weights": [1, 0]})
    ).popularity_weights == (0, 1)
    with pytest.raises(UserError, match="rerank_popularity_weights must be a list of numbers of at least 0"):
        RankingSettings.from_vars(project_vars({"rerank_popularity_weights": weights}))


def test_the_ranking_model_has_the_highest_validation_ndcg_of_both_models():
    from ml.recommenders.ranking_models import IMPLICIT, RERANKED, RankingPoint, best_point

    points = [
        RankingPoint(IMPLICIT, 50, 0.1, 1.0, None, 0.20, 1.0),
        RankingPoint(IMPLICIT, 100, 0.1, 10.0, None, 0.20, 1.0),
        RankingPoint(RERANKED, 50, 0.1, None, 0.5, 0.25, 0.0),
        RankingPoint(RERANKED, 50, 0.1, None, 1.0, 0.25, 0.0),
    ]
    # ties go to the smaller rank, the smaller alpha or weight
    assert best_point(points) == points[2]
    assert best_point(points, IMPLICIT) == points[0]


def test_the_best_config_has_the_lowest_validation_rmse():
    points = [
        TuningPoint(50, 0.1, 0.95, 1.0),
        TuningPoint(75, 0.2, 0.90, 1.0),
        TuningPoint(100, 0.1, 0.90, 1.0),
    ]
    assert (best_point(points).rank, best_point(points).reg_param) == (75, 0.2)


def test_only_configs_of_the_last_rung_can_be_chosen():
    points = [
        TuningPoint(50, 0.1, 0.80, 1.0, iterations=3),  # lower, but after 3 iterations only
        TuningPoint(75, 0.2, 0.90, 1.0, iterations=10),
        TuningPoint(100, 0.1, 0.85, 1.0, iterations=10),
    ]
    assert (best_point(points).rank, best_point(points).iterations) == (100, 10)


@pytest.mark.parametrize(
    "configs, max_iter, rungs, fits",
    [
        (16, 10, [3, 10], 20),
        (4, 10, [10], 4),
        (1, 10, [10], 1),
        (17, 10, [1, 3, 10], 17 + 5 + 2),
        (16, 2, [1, 2], 20),
    ],
)
def test_successive_halving_rungs(configs, max_iter, rungs, fits):
    assert halving_rungs(configs, max_iter) == rungs
    settings = AlsSettings(
        ranks=tuple(range(1, configs + 1)),
        reg_params=(0.1,),
        max_iter=max_iter,
        validation_fraction=0.2,
        seed=0,
    )
    assert tuning_fits(settings) == fits
    assert tuning_fits(AlsSettings(**{**settings.__dict__, "search": "grid"})) == configs


def test_als_search_must_be_known():
    with pytest.raises(UserError, match="als_search"):
        AlsSettings.from_vars(project_vars({"als_search": "random"}))


def test_halving_fits_every_config_and_finishes_the_best_quarter(table):
    train = table("als_ratings_train").select("user_id", "movie_id", "rating").where("user_id <= 80").cache()
    fit_part, validation_part = train.randomSplit([0.8, 0.2], seed=1)
    settings = AlsSettings(
        ranks=(2, 4), reg_params=(0.05, 0.1, 0.2, 0.4, 0.8), max_iter=4, validation_fraction=0.2, seed=0
    )  # 10 configs: rungs [1, 4], the best 3 finish
    points = tune(fit_part.cache(), validation_part.cache(), settings, blocks=2, progress=None)
    assert len(points) == 10 and sum(point.iterations == 4 for point in points) == 3
    assert all(point.iterations in (1, 4) and point.validation_rmse > 0 for point in points)
    finished = [point for point in points if point.iterations == 4]
    assert best_point(points) == min(finished, key=lambda point: point.validation_rmse)


@pytest.fixture(scope="module")
def small_model(table):
    train = table("als_ratings_train").select("user_id", "movie_id", "rating").where("user_id <= 60").cache()
    return estimator(rank=8, reg_param=0.1, max_iter=5, seed=0, blocks=2).fit(train), train


def test_predict_ratings_is_transform_with_cold_pairs_dropped(small_model, spark):
    model, train = small_model
    known = train.orderBy("user_id", "movie_id").limit(200).cache()
    cold = spark.createDataFrame(  # a user and a movie ALS never saw
        [(10**6, 1, 3.0), (1, 10**7, 3.0)], "user_id int, movie_id int, rating double"
    )
    pairs = known.unionByName(cold)
    ours = {(r.user_id, r.movie_id): r.prediction for r in predict_ratings(model, pairs).collect()}
    spark_own = {(r.user_id, r.movie_id): r.prediction for r in model.transform(pairs).collect()}
    assert set(ours) == set(spark_own) == {(r.user_id, r.movie_id) for r in known.collect()}
    assert all(abs(ours[pair] - spark_own[pair]) < 1e-5 for pair in ours)


def brute_force_top(model, train, n, key, other):
    """Score every pair, drop the train pairs, keep the n best: what top_unseen must match."""
    users = train.select("user_id").distinct()
    movies = train.select("movie_id").distinct()
    scored = model.transform(users.crossJoin(movies)).join(train, ["user_id", "movie_id"], "left_anti")
    rank = F.row_number().over(Window.partitionBy(key).orderBy(F.desc("prediction"), F.asc(other)))
    return {
        (row[key], row["rank"], row[other])
        for row in scored.withColumn("rank", rank).where(F.col("rank") <= n).collect()
    }


@pytest.mark.parametrize(
    ("side", "key", "other", "first_extra"),
    [
        ("user", "user_id", "movie_id", 64),
        ("movie", "movie_id", "user_id", 64),
        # first requests too short for most ids: they must ask again, up to every candidate
        ("user", "user_id", "movie_id", 0),
        ("movie", "movie_id", "user_id", 0),
    ],
)
def test_top_unseen_matches_scoring_every_pair(small_model, side, key, other, first_extra):
    model, train = small_model
    ours = top_unseen(model, train, 5, side, first_extra=first_extra)
    assert {(row[key], row["rank"], row[other]) for row in ours.collect()} == brute_force_top(
        model, train, 5, key, other
    )
    # every id of train gets its list, whatever its number of ratings
    assert ours.select(key).distinct().count() == train.select(key).distinct().count()


def test_bias_aware_predictions_add_the_biases_to_the_factors(small_model, spark):
    from ml.recommenders.baselines import BiasModel
    from ml.recommenders.rating_models import with_bias

    model, train = small_model
    bias = BiasModel(
        3.0,
        spark.createDataFrame([(1, 0.5)], "movie_id int, movie_bias double"),
        spark.createDataFrame([(1, -0.25)], "user_id int, user_bias double"),
    )
    pairs = train.select("user_id", "movie_id").limit(200)
    plain = {(r.user_id, r.movie_id): r.prediction for r in predict_ratings(model, pairs).collect()}
    offsets = {(r.user_id, r.movie_id): r.offset for r in bias.offsets(pairs).collect()}
    biased = with_bias(model, bias)
    assert biased.rank == model.rank + 2 and biased.getUserCol() == "user_id"
    predicted = predict_ratings(biased, pairs).collect()
    assert len(predicted) == len(plain) > 0
    for row in predicted:
        key = (row.user_id, row.movie_id)
        assert row.prediction == pytest.approx(plain[key] + offsets[key], abs=1e-5)


def test_a_model_with_offsets_ranks_by_them_and_saves_like_any_alsmodel(small_model, tmp_path):
    from pyspark.ml.recommendation import ALSModel

    from ml.recommenders.rating_models import with_offsets

    model, train = small_model
    spark = train.sparkSession
    movies = [
        row.movie_id for row in train.select("movie_id").distinct().orderBy("movie_id").limit(3).collect()
    ]
    # offsets far above any dot product put three movies first, in their order, in every list of
    # a user who has not rated them
    boosted = with_offsets(
        model,
        spark.createDataFrame([], "user_id int, offset double"),
        spark.createDataFrame(
            [(movie, 100.0 * (i + 1)) for i, movie in enumerate(movies)], "movie_id int, offset double"
        ),
    )
    boosted.write().overwrite().save(str(tmp_path / "model"))
    loaded = ALSModel.load(str(tmp_path / "model"))
    lists = top_unseen(loaded, train, 5, "user")
    seen = {(row.user_id, row.movie_id) for row in train.select("user_id", "movie_id").collect()}
    for row in lists.where("rank <= 3").collect():
        unseen = [movie for movie in reversed(movies) if (row.user_id, movie) not in seen]
        if row.rank <= len(unseen):
            assert row.movie_id == unseen[row.rank - 1]


def test_residuals_are_what_the_biases_leave(spark):
    from ml.recommenders.baselines import BiasModel
    from ml.recommenders.rating_models import residuals

    bias = BiasModel(
        3.0,
        spark.createDataFrame([(10, 0.5)], "movie_id int, movie_bias double"),
        spark.createDataFrame([(1, -0.25)], "user_id int, user_bias double"),
    )
    ratings = spark.createDataFrame([(1, 10, 4.0), (2, 11, 2.0)], "user_id int, movie_id int, rating double")
    left = {(r.user_id, r.movie_id): r.rating for r in residuals(ratings, bias).collect()}
    assert left == {(1, 10): pytest.approx(0.75), (2, 11): pytest.approx(-1.0)}


def test_most_similar_movies_by_cosine_of_factors():
    import numpy as np

    from ml.recommenders.ranking_models import most_similar

    ids = np.array([1, 2, 3, 4])
    factors = np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    rows = most_similar((ids, factors), 2)
    by_movie = {}
    for movie, rank, other, similarity in rows:
        by_movie.setdefault(movie, []).append((rank, other, round(similarity, 6)))
    half = round(2**-0.5, 6)
    # movie 1 and 2 point the same way (similarity 1, whatever their length); never itself
    assert by_movie[1] == [(1, 2, 1.0), (2, 4, half)]
    assert by_movie[3] == [(1, 4, half), (2, 1, 0.0)]  # 1 and 2 tie at 0: the smaller id first
    assert by_movie[4] == [(1, 1, half), (2, 2, half)]
    assert len(most_similar((ids, factors), 10)) == 4 * 3  # at most every other movie


def test_local_top_unseen_gives_top_unseens_lists(small_model):
    from ml.recommenders.ranking_models import factor_arrays, local_top_unseen

    model, train = small_model
    spark_lists = top_unseen(model, train, 10, "user").collect()
    local = local_top_unseen(*factor_arrays(model), train.select("user_id", "movie_id").toPandas(), 10)
    ours = {(user, rank): (movie, score) for user, rank, movie, score in local}
    assert set(ours) == {(row.user_id, row.rank) for row in spark_lists}
    for row in spark_lists:
        movie, score = ours[(row.user_id, row.rank)]
        # the same movie, or one whose score ties it within float32 rounding (Spark scores in float)
        assert movie == row.movie_id or abs(score - row.score) < 1e-4
        assert score == pytest.approx(row.score, abs=1e-4)


def test_reranking_on_the_driver_matches_the_reranked_model_in_spark(small_model):
    """ranking.tune scores popularity weights on collected factors (the movie offset column plus
    weight x support); the final reranked_bias_als is an ALSModel with the same offsets."""
    from pyspark.sql import functions as F

    from ml.recommenders.baselines import BiasModel
    from ml.recommenders.ranking_models import factor_arrays, local_top_unseen, reranked_offsets, support
    from ml.recommenders.rating_models import with_bias

    model, train = small_model
    bias = BiasModel(
        3.5,
        train.groupBy("movie_id").agg((F.avg("rating") - 3.5).alias("movie_bias")),
        train.groupBy("user_id").agg((F.avg("rating") - 3.5).alias("user_bias")),
    )
    weight = 0.5
    users, (movie_ids, movie_matrix) = factor_arrays(with_bias(model, bias))
    movie_support = support(train).toPandas().set_index("movie_id")["support"].reindex(movie_ids).to_numpy()
    movie_matrix[:, -1] += weight * movie_support
    local = local_top_unseen(
        users, (movie_ids, movie_matrix), train.select("user_id", "movie_id").toPandas(), 5
    )
    reranked = with_bias(model, bias, reranked_offsets(bias, train, weight))
    spark_lists = {(row.user_id, row.rank): row for row in top_unseen(reranked, train, 5, "user").collect()}
    assert len(local) == len(spark_lists) > 0
    for user, rank, movie, score in local:
        row = spark_lists[(user, rank)]
        assert score == pytest.approx(row.score, abs=1e-3)  # Spark scores in float32
        assert movie == row.movie_id or abs(score - row.score) < 1e-3
