"""Writing result tables into the dbt schema, input fingerprints and the saved models."""

import pytest
from pyspark.ml.clustering import KMeans, KMeansModel
from pyspark.ml.linalg import Vectors

from ml import UserError
from ml.warehouse import artifacts
from ml.warehouse.tables import content_hash, qualified, read_table, write_table


def test_a_written_table_is_a_parquet_table_of_the_dbt_schema_and_is_replaced(spark):
    name = "pytest_write_back"
    try:
        assert write_table(spark.createDataFrame([(1, "a"), (2, "b")], "id int, label string"), name) == 2
        assert write_table(spark.createDataFrame([(3, "c")], "id int, label string"), name) == 1
        assert [tuple(row) for row in spark.table(qualified(name)).collect()] == [(3, "c")]
        details = {
            row.col_name: row.data_type
            for row in spark.sql(f"describe formatted {qualified(name)}").collect()
        }
        assert details["Provider"] == "parquet"
        assert qualified(name).startswith("movielens.")
    finally:
        spark.sql(f"drop table if exists {qualified(name)}")


def test_a_missing_mart_is_a_user_error_saying_to_build(spark):
    with pytest.raises(UserError, match=r"movielens.no_such_mart does not exist; build the marts first"):
        read_table(spark, "no_such_mart")


def test_the_content_hash_ignores_order_and_partitioning_but_not_content(table):
    ratings = table("als_ratings_train").select("user_id", "movie_id", "rating")
    digest = content_hash(ratings)
    assert content_hash(ratings.repartition(5).orderBy("rating")) == digest
    user = ratings.first().user_id
    assert content_hash(ratings.where(f"user_id != {user}")) != digest
    changed = ratings.selectExpr(
        "user_id", "movie_id", f"if(user_id = {user}, rating + 0.5, rating) as rating"
    )
    assert content_hash(changed) != digest


def test_a_saved_model_is_found_only_under_its_own_fingerprint(spark, tmp_path):
    points = spark.createDataFrame([(Vectors.dense([1.0, 0.0]),), (Vectors.dense([0.0, 1.0]),)], ["features"])
    model = KMeans(k=2, seed=0).fit(points)
    fingerprint = {"table": "2:123", "settings": {"k": 2, "ranks": (50, 75)}}
    assert artifacts.find_current("step", fingerprint, root=tmp_path) is None
    artifacts.save("step", model, fingerprint, {"sweep": [1, 2]}, root=tmp_path)
    saved = artifacts.find_current("step", fingerprint, root=tmp_path)
    assert saved.meta["sweep"] == [1, 2]
    assert len(KMeansModel.load(str(saved.model_path)).clusterCenters()) == 2
    assert artifacts.find_current("step", {**fingerprint, "table": "2:124"}, root=tmp_path) is None
    # saving again replaces the folder, leaving no staging folder behind
    artifacts.save("step", model, {"new": True}, {}, root=tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["step"]
    assert artifacts.find_current("step", fingerprint, root=tmp_path) is None
