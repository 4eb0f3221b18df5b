"""The CSV source tables: external (dropping one never deletes a file), typed, RFC-4180 quoted,
and failing loudly on a malformed row instead of reading it as nulls."""

import pytest
from py4j.protocol import Py4JJavaError
from pyspark.errors import PySparkException

SOURCES = ("movies", "ratings", "tags", "links")


def table_properties(spark, table: str) -> dict[str, str]:
    rows = spark.sql(f"describe table extended {table}").collect()
    return {row.col_name: row.data_type for row in rows}


@pytest.mark.parametrize("source", SOURCES)
def test_source_is_an_external_failfast_csv_table(spark, table, source):
    properties = table_properties(spark, f"movielens_raw.{source}")
    assert properties["Type"] == "EXTERNAL"
    assert properties["Provider"] == "csv"
    assert properties["Location"].endswith(f"/{source}.csv")
    for option in ('quote="', 'escape="', "mode=FAILFAST", "enforceSchema=false", "header=true"):
        assert option in properties["Storage Properties"]


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        ("movieId,title,genres\n1,Heat, The (1995),Action\n", "[1,Heat, The (1995)]"),  # unquoted comma
        ("movieId,title,genres\nx1,Heat (1995),Action\n", "[null,Heat (1995),Action]"),  # non-numeric id
    ],
)
def test_malformed_row_fails_the_read_and_keeps_the_file(spark, table, tmp_path, content, shown):
    bad_file = tmp_path / "movies.csv"
    bad_file.write_text(content)
    spark.sql("create database if not exists scratch")
    spark.sql("drop table if exists scratch.bad_movies")
    # same schema and options as the registered source, on the bad file
    spark.sql(f"create table scratch.bad_movies like movielens_raw.movies location '{bad_file}'")
    try:
        with pytest.raises((Py4JJavaError, PySparkException)) as failure:
            spark.table("scratch.bad_movies").collect()
        assert "Malformed records" in str(failure.value)
        assert shown in str(failure.value)
    finally:
        spark.sql("drop table scratch.bad_movies")
    assert bad_file.read_text() == content
