"""The CSV source tables: external (dropping one never deletes a file), all text, RFC-4180
quoted, and keeping a row that does not parse as its raw line (`_corrupt_record`) for the base
models to quarantine, instead of failing the read or reading it as nulls."""

import pytest

SOURCES = ("movies", "ratings", "tags", "links")


def table_properties(spark, table: str) -> dict[str, str]:
    rows = spark.sql(f"describe table extended {table}").collect()
    return {row.col_name: row.data_type for row in rows}


@pytest.mark.parametrize("source", SOURCES)
def test_source_is_an_external_permissive_csv_table(spark, table, source):
    properties = table_properties(spark, f"movielens_raw.{source}")
    assert properties["Type"] == "EXTERNAL"
    assert properties["Provider"] == "csv"
    assert properties["Location"].endswith(f"/{source}.csv")
    for option in (
        'quote="',
        'escape="',
        "mode=PERMISSIVE",
        "columnNameOfCorruptRecord=_corrupt_record",
        "enforceSchema=false",
        "header=true",
    ):
        assert option in properties["Storage Properties"]
    schema = spark.table(f"movielens_raw.{source}").schema
    assert {field.dataType.simpleString() for field in schema} == {"string"}
    assert schema.fieldNames()[-1] == "_corrupt_record"


def test_rows_read_as_text_with_unparsed_ones_kept_raw(spark, table, tmp_path):
    content = (
        "\ufeffmovieId,title,genres\r\n"  # a BOM and CRLF line ends
        '1,"Heat, The (1995)",Action\r\n'  # a quoted comma: fine
        "2,Heat, The (1995),Action\r\n"  # an unquoted one: a field too many
        "x3,Heat (1995),Action\r\n"  # parses; the base model finds the id is not a number
    )
    bad_file = tmp_path / "movies.csv"
    bad_file.write_text(content, newline="")
    spark.sql("create database if not exists scratch")
    spark.sql("drop table if exists scratch.bad_movies")
    # same schema and options as the registered source, on the bad file
    spark.sql(f"create table scratch.bad_movies like movielens_raw.movies location '{bad_file}'")
    try:
        rows = [tuple(row) for row in spark.table("scratch.bad_movies").collect()]
    finally:
        spark.sql("drop table scratch.bad_movies")
    assert rows == [
        ("1", "Heat, The (1995)", "Action", None),
        ("2", "Heat", " The (1995)", "2,Heat, The (1995),Action"),
        ("x3", "Heat (1995)", "Action", None),
    ]
    assert bad_file.read_bytes() == content.encode()
