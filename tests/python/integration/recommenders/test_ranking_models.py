"""The ranking models: the reranked lists built on the driver equal the Spark model's."""

import pytest
from pyspark.sql import functions as F

from ml.recommenders.factors import estimator
from ml.recommenders.top_n import top_unseen


@pytest.fixture(scope="module")
def small_model(table):
    train = table("als_ratings_train").select("user_id", "movie_id", "rating").where("user_id <= 60").cache()
    return estimator(rank=8, reg_param=0.1, max_iter=5, seed=0, blocks=2).fit(train), train


def test_reranking_on_the_driver_matches_the_reranked_model_in_spark(small_model):
    """search_popularity_weights scores popularity weights on collected factors (the movie offset
    column plus weight x support); the final reranked_bias_als is an ALSModel with the same offsets."""

    from ml.recommenders.baselines import BiasModel
    from ml.recommenders.factors import factor_arrays
    from ml.recommenders.ranking_models import reranked_offsets, support
    from ml.recommenders.rating_models import with_bias
    from ml.recommenders.top_n import SeenPairs, local_top_unseen

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
    local = local_top_unseen(users, (movie_ids, movie_matrix), SeenPairs(train), 5)
    reranked = with_bias(model, bias, reranked_offsets(bias, train, weight))
    spark_lists = {(row.user_id, row.rank): row for row in top_unseen(reranked, train, 5, "user").collect()}
    assert len(local) == len(spark_lists) > 0
    for user, rank, movie, score in local.itertuples(index=False):
        row = spark_lists[(user, rank)]
        assert score == pytest.approx(row.score, abs=1e-3)  # Spark scores in float32
        assert movie == row.movie_id or abs(score - row.score) < 1e-3
