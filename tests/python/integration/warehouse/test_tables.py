"""Writing result tables into the dbt schema (atomically: a kill between or before the renames
loses nothing), reading the marts, the content hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml import UserError
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


def test_ml_write_survives_a_kill_between_its_renames(spark, monkeypatch):
    from ml.warehouse import tables as io

    monkeypatch.setenv("MOVIELENS_SCHEMA", "pytest_io")
    spark.sql("create database if not exists pytest_io")
    try:
        first = spark.range(5).withColumnRenamed("id", "value")
        assert io.write_table(first, "results") == 5
        # a write killed between its two renames: the table sits aside under its old name
        spark.sql("alter table pytest_io.results rename to pytest_io.results__ml_old_1_2")
        assert io.read_table(spark, "results").count() == 5  # put back on the next read
        # a write killed mid-way: a half-written table and a folder never registered
        spark.range(2).write.saveAsTable("pytest_io.results__ml_new_3_4")
        database = Path(spark.catalog.getDatabase("pytest_io").locationUri.removeprefix("file:"))
        (database / "results__ml_new_5_6").mkdir()
        assert io.write_table(spark.range(7).withColumnRenamed("id", "value"), "results") == 7
        tables = [row.tableName for row in spark.sql("show tables in pytest_io").collect()]
        assert tables == ["results"]
        assert sorted(path.name for path in database.iterdir()) == ["results"]
    finally:
        spark.sql("drop database pytest_io cascade")
