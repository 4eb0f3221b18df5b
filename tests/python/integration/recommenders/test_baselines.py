"""The biases (dbt marts als_movie_biases, als_user_biases), the bias baseline and the
most-popular lists, by hand."""

import pytest

from ml.holdout import validation_parts
from ml.recommenders.baselines import BiasModel, bias_model, popularity
from ml.recommenders.top_n import top_unseen_by_score
from ml.warehouse.project import project_vars


@pytest.fixture(scope="module")
def train(spark):
    return spark.createDataFrame(
        [(1, 10, 5.0), (1, 11, 3.0), (2, 10, 4.0), (3, 12, 1.0)], "user_id int, movie_id int, rating double"
    )


@pytest.mark.parametrize("fitted_on", ["train", "fit part"])
def test_bias_marts_are_damped_means_of_the_residuals(table, fitted_on):
    values = project_vars()
    train = table("als_ratings_train").select("user_id", "movie_id", "rating", "is_validation")
    if fitted_on == "fit part":  # the validation ratings held out, as python -m ml holds them out
        train = validation_parts(train)[0]
    ratings = train.drop("is_validation").toPandas()
    mu = ratings["rating"].mean()
    residual = ratings["rating"] - mu
    movie = residual.groupby(ratings["movie_id"]).sum() / (
        ratings.groupby("movie_id").size() + values["bias_movie_damping"]
    )
    left = ratings["rating"] - mu - ratings["movie_id"].map(movie)
    user = left.groupby(ratings["user_id"]).sum() / (
        ratings.groupby("user_id").size() + values["bias_user_damping"]
    )

    model = bias_model(table("als_movie_biases"), table("als_user_biases"), fitted_on)
    assert model.global_mean == pytest.approx(mu)
    movie_mart = model.movie_bias.toPandas().set_index("movie_id")["movie_bias"].sort_index()
    user_mart = model.user_bias.toPandas().set_index("user_id")["user_bias"].sort_index()
    assert movie_mart.to_numpy() == pytest.approx(movie.sort_index().to_numpy())
    assert user_mart.to_numpy() == pytest.approx(user.sort_index().to_numpy())


def test_bias_baseline_predicts_mean_plus_biases_clipped(spark):
    model = BiasModel(
        3.5,
        spark.createDataFrame([(10, 1.0), (12, -0.5)], "movie_id int, movie_bias double"),
        spark.createDataFrame([(1, 0.75)], "user_id int, user_bias double"),
    )
    pairs = spark.createDataFrame([(1, 10), (9, 12), (9, 99), (1, 12)], "user_id int, movie_id int")
    predicted = {(row.user_id, row.movie_id): row.prediction for row in model.predict(pairs).collect()}
    # 3.5 + 1.0 + 0.75 is above the scale: clipped to 5.0; an unknown user or movie adds no bias
    assert predicted == {(1, 10): 5.0, (9, 12): 3.0, (9, 99): 3.5, (1, 12): 3.75}
    offsets = {(row.user_id, row.movie_id): row.offset for row in model.offsets(pairs).collect()}
    assert offsets[(1, 10)] == pytest.approx(5.25)  # offsets are not clipped


@pytest.mark.parametrize("where", ["driver", "spark"])
def test_most_popular_recommends_the_most_rated_unseen_movies(train, spark, where, monkeypatch):
    if where == "spark":  # lists too large for the driver
        monkeypatch.setattr("ml.recommenders.factors.DRIVER_SCORING_BYTES", 0)
    scores = popularity(train)
    assert {row.movie_id: row.score for row in scores.collect()} == {10: 2.0, 11: 1.0, 12: 1.0}
    lists = top_unseen_by_score(scores, train, n=2)
    by_user = {}
    for row in lists.orderBy("user_id", "rank").collect():
        by_user.setdefault(row.user_id, []).append(row.movie_id)
    # user 1 rated 10 and 11; ties (11, 12) go to the smaller movie id
    assert by_user == {1: [12], 2: [11, 12], 3: [10, 11]}
