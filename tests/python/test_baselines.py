"""The bias baseline and the most-popular lists, by hand."""

import pytest

from ml.baselines import fit_bias_model, popularity, top_unseen_by_score


@pytest.fixture(scope="module")
def train(spark):
    return spark.createDataFrame(
        [(1, 10, 5.0), (1, 11, 3.0), (2, 10, 4.0), (3, 12, 1.0)], "user_id int, movie_id int, rating double"
    )


def test_biases_are_damped_means_of_the_residuals(train, spark):
    model = fit_bias_model(train, movie_damping=1.0, user_damping=2.0)
    mu = 13.0 / 4
    movie = {row.movie_id: row.movie_bias for row in model.movie_bias.collect()}
    user = {row.user_id: row.user_bias for row in model.user_bias.collect()}
    assert model.global_mean == pytest.approx(mu)
    assert movie[10] == pytest.approx((5 - mu + 4 - mu) / (2 + 1))
    assert movie[12] == pytest.approx((1 - mu) / (1 + 1))
    assert user[1] == pytest.approx((5 - mu - movie[10] + 3 - mu - movie[11]) / (2 + 2))

    pairs = spark.createDataFrame([(1, 10), (9, 12), (9, 99)], "user_id int, movie_id int")
    predicted = {(row.user_id, row.movie_id): row.prediction for row in model.predict(pairs).collect()}
    assert predicted[(1, 10)] == pytest.approx(min(5.0, mu + movie[10] + user[1]))
    # an unknown user or movie contributes no bias
    assert predicted[(9, 12)] == pytest.approx(mu + movie[12])
    assert predicted[(9, 99)] == pytest.approx(mu)


def test_most_popular_recommends_the_most_rated_unseen_movies(train, spark):
    scores = popularity(train)
    assert {row.movie_id: row.score for row in scores.collect()} == {10: 2.0, 11: 1.0, 12: 1.0}
    lists = top_unseen_by_score(scores, train, n=2)
    by_user = {}
    for row in lists.orderBy("user_id", "rank").collect():
        by_user.setdefault(row.user_id, []).append(row.movie_id)
    # user 1 rated 10 and 11; ties (11, 12) go to the smaller movie id
    assert by_user == {1: [12], 2: [11, 12], 3: [10, 11]}
