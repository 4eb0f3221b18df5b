"""The live session of an ml command: on the profile's warehouse, with its settings."""

from pathlib import Path

from ml.warehouse.session import schema, spark_conf


def test_live_session_uses_the_profile_warehouse(spark, table):
    warehouse = spark.conf.get("spark.sql.warehouse.dir")
    assert Path(warehouse.removeprefix("file:")) == Path(spark_conf()["spark.sql.warehouse.dir"]).resolve()
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    assert spark.catalog.tableExists(f"{schema()}.movies")


def test_the_driver_jvm_starts_from_the_class_data_archive(spark):
    from ml.tools.jvm_archive import USE_ARCHIVE, archive_path

    arguments = list(spark._jvm.java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
    named = [argument for argument in arguments if argument.startswith(USE_ARCHIVE)]
    assert len(named) == 1, arguments
    assert archive_path(named[0]).is_file(), f"{named[0]}: make venv writes it (python -m ml jvm-archive)"
