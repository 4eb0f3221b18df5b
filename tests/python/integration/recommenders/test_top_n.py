"""The unseen top-N lists, in Spark and on the driver, against scoring every pair."""

import pytest
from pyspark.sql import Window
from pyspark.sql import functions as F

from ml.recommenders.factors import estimator
from ml.recommenders.top_n import top_unseen


@pytest.fixture(scope="module")
def small_model(table):
    train = table("als_ratings_train").select("user_id", "movie_id", "rating").where("user_id <= 60").cache()
    return estimator(rank=8, reg_param=0.1, max_iter=5, seed=0, blocks=2).fit(train), train


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


def test_local_top_unseen_gives_top_unseens_lists(small_model):
    from ml.recommenders.factors import factor_arrays
    from ml.recommenders.top_n import local_top_unseen

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
