"""The live session of an ml command: on the profile's warehouse, with its settings."""

from pathlib import Path

from ml.warehouse.session import schema, spark_conf


def test_live_session_uses_the_profile_warehouse(spark, table):
    warehouse = spark.conf.get("spark.sql.warehouse.dir")
    assert Path(warehouse.removeprefix("file:")) == Path(spark_conf()["spark.sql.warehouse.dir"]).resolve()
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    assert spark.catalog.tableExists(f"{schema()}.movies")
