"""Factor models: predictions in SQL and on the driver against ALSModel.transform, biases and
offsets inside the model."""

from functools import cached_property

import pytest

from ml.recommenders.factors import (
    CollectedFactors,
    CollectedPairs,
    collected_predictions,
    estimator,
    predict_ratings,
)
from ml.recommenders.top_n import top_unseen


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


def test_predictions_on_the_driver_are_those_in_sql_and_spark_makes_them_where_they_do_not_fit(
    small_model, spark, monkeypatch
):
    model, train = small_model
    cold = spark.createDataFrame(
        [(10**6, 1, 3.0), (1, 10**7, 3.0)], "user_id int, movie_id int, rating double"
    )
    pairs = train.orderBy("user_id", "movie_id").limit(300).unionByName(cold)
    in_sql = {
        (r.user_id, r.movie_id): (r.rating, r.prediction) for r in predict_ratings(model, pairs).collect()
    }
    local = collected_predictions(CollectedFactors(model), CollectedPairs(pairs))
    assert list(local.columns) == ["user_id", "movie_id", "rating", "prediction"]
    on_driver = {(r.user_id, r.movie_id): (r.rating, r.prediction) for r in local.itertuples()}
    assert on_driver.keys() == in_sql.keys() and len(local) == 300
    assert all(on_driver[pair][0] == in_sql[pair][0] for pair in in_sql)
    assert all(abs(on_driver[pair][1] - in_sql[pair][1]) < 1e-5 for pair in in_sql)
    monkeypatch.setattr("ml.recommenders.factors.DRIVER_SCORING_BYTES", 0)
    assert collected_predictions(CollectedFactors(model), CollectedPairs(pairs)) is None


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

    from ml.recommenders.factors import with_offsets

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


def test_factors_and_pairs_are_counted_and_collected_once_for_every_use(small_model, monkeypatch):
    from ml.recommenders import factors as factors_module
    from ml.recommenders.top_n import SeenPairs, top_unseen_lists

    model, train = small_model
    calls = {"factor_values": 0, "factor_arrays": 0, "rows": 0, "pandas": 0}
    for name in ("factor_values", "factor_arrays"):
        original = getattr(factors_module, name)

        def counted(model, name=name, original=original):
            calls[name] += 1
            return original(model)

        monkeypatch.setattr(factors_module, name, counted)
    for name in ("rows", "pandas"):
        original = getattr(CollectedPairs, name).func

        def counted_pairs(pairs, name=name, original=original):
            calls[name] += 1
            return original(pairs)

        spied = cached_property(counted_pairs)
        spied.__set_name__(CollectedPairs, name)
        monkeypatch.setattr(CollectedPairs, name, spied)
    collected, seen = CollectedFactors(model), SeenPairs(train)
    pairs = CollectedPairs(train.limit(50))
    for side in ("user", "movie"):
        top_unseen_lists(collected, train, 5, side, seen)
    assert len(collected_predictions(collected, pairs)) == 50
    # the factors once; train's pairs once for both lists, the test pairs once
    assert calls == {"factor_values": 1, "factor_arrays": 1, "rows": 2, "pandas": 2}
