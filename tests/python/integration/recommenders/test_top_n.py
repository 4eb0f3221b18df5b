"""The unseen top-N lists, in Spark and on the driver, against scoring every pair."""

import pytest
from pyspark.sql import Window
from pyspark.sql import functions as F

from ml.recommenders.factors import CollectedFactors, estimator
from ml.recommenders.top_n import SIDES, kept, top_unseen, top_unseen_lists


@pytest.fixture(scope="module")
def small_model(table):
    train = table("als_ratings_train").select("user_id", "movie_id", "rating").where("user_id <= 60").cache()
    return estimator(rank=8, reg_param=0.1, max_iter=5, seed=0, blocks=2).fit(train), train


@pytest.fixture(scope="module")
def brute_force(small_model):
    """side -> {(key, rank): (other, score)}: every pair scored, the train pairs dropped, the 5 best
    kept; what the lists must match."""
    model, train = small_model
    scored = (
        model.transform(train.select("user_id").distinct().crossJoin(train.select("movie_id").distinct()))
        .join(train, ["user_id", "movie_id"], "left_anti")
        .cache()
    )
    lists = {}
    for side, (key, other) in SIDES.items():
        rank = F.row_number().over(Window.partitionBy(key).orderBy(F.desc("prediction"), F.asc(other)))
        best = scored.withColumn("rank", rank).where(F.col("rank") <= 5).collect()
        lists[side] = {(row[key], row["rank"]): (row[other], row["prediction"]) for row in best}
    return lists


def test_spark_lists_match_scoring_every_pair(small_model, brute_force):
    model, train = small_model
    side = "user"  # the movie side: the next test
    key, other = SIDES[side]
    # first requests too short for most ids: they must ask again, up to every candidate
    ours = top_unseen(model, train, 5, side, first_extra=0)
    expected = {(*position, best[0]) for position, best in brute_force[side].items()}
    assert {(row[key], row["rank"], row[other]) for row in ours.collect()} == expected
    # every id of train gets its list, whatever its number of ratings
    assert ours.select(key).distinct().count() == train.select(key).distinct().count()


@pytest.mark.parametrize("side", SIDES)
def test_driver_lists_match_scoring_every_pair(small_model, brute_force, side):
    model, train = small_model
    key, other = SIDES[side]
    ours = {
        (row[key], row["rank"]): (row[other], row["score"])
        for row in top_unseen_lists(CollectedFactors(model), train, 5, side).collect()
    }
    assert set(ours) == set(brute_force[side])
    for position, (expected, expected_score) in brute_force[side].items():
        found, score = ours[position]
        # numpy scores in double, Spark in float: the same id, or one that ties it within float rounding
        assert found == expected or score == pytest.approx(expected_score, abs=1e-4)
        assert score == pytest.approx(expected_score, abs=1e-4)


def test_lists_too_large_for_the_driver_are_made_in_spark(small_model, brute_force, monkeypatch):
    model, train = small_model
    monkeypatch.setattr("ml.recommenders.factors.DRIVER_SCORING_BYTES", 0)
    lists = top_unseen_lists(CollectedFactors(model), train, 5, "movie")  # first requests of n + 64 at most
    expected = {(*position, best[0]) for position, best in brute_force["movie"].items()}
    assert {(row.movie_id, row.rank, row.user_id) for row in lists.collect()} == expected


def test_kept_lists_are_cut_from_the_rows_made_on_the_driver(small_model):
    model, train = small_model

    def lineage(frame):  # the RDDs its jobs run, as Spark prints them
        return frame._jdf.queryExecution().toRdd().toDebugString()

    lists = top_unseen_lists(CollectedFactors(model), train, 5, "user")
    # a cache alone still reads from the rows handed over by the driver: its tasks carry them
    assert "ParallelCollectionRDD" in lineage(lists.cache())
    lists.unpersist()
    ours = kept(lists)
    assert "ParallelCollectionRDD" not in lineage(ours)
    assert sorted(ours.collect()) == sorted(lists.collect())
