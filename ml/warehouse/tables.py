"""Tables in and out: the dbt marts ml reads, and the result tables it writes back into the same
schema (declared as the dbt source `ml` in models/ml/_ml__sources.yml). They go through the
session's own catalog, or, when the session is on a Thrift Server target (warehouse.session), through
the server: Parquet read and written by path, the written table registered on the server.

Writes are atomic, as dbt's tables are (macros/materializations/table.sql): the new table is
written beside the old one and swapped in by renames (or, through the server, by pointing the
table at its new folder), so a run killed mid-write, kill -9 included, leaves the last table
readable; the next write (or read) clears what the killed one left."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

from ml import UserError
from ml.paths import hadoop_path
from ml.warehouse.session import TARGET_CONF, is_thrift, schema, target_output

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from ml.warehouse.thrift import ThriftCatalog

BUILD_HINT = "build the marts first: `make run`, or `dbt build` with the same MOVIELENS_SPARK_DIR"


def qualified(name: str) -> str:
    """`name` in the dbt schema: `movielens.<name>`."""
    return f"{schema()}.{name}"


def thrift_catalog(spark: SparkSession) -> ThriftCatalog | None:
    """The Thrift Server holding the tables of `spark`'s target, or None: the session's own catalog."""
    target = spark.conf.get(TARGET_CONF, None)
    if target is None or not is_thrift(target):
        return None
    from ml.warehouse.thrift import connect

    output = target_output(target)
    settings = output.get("server_side_parameters", {})
    configuration = tuple(sorted((str(key), str(value)) for key, value in settings.items()))
    return connect(str(output["host"]), int(output["port"]), str(output.get("user", "")), configuration)


def table_exists(spark: SparkSession, name: str) -> bool:
    server = thrift_catalog(spark)
    if server is None:
        return spark.catalog.tableExists(qualified(name))
    return server.table_exists(schema(), name)


def _leftovers(spark: SparkSession, name: str) -> tuple[list[str], list[str]]:
    """Tables a killed write of `name` left: (old ones renamed aside, new ones half written)."""
    tables = [row.tableName for row in spark.sql(f"show tables in {schema()}").collect()]
    return (
        [table for table in tables if table.startswith(f"{name}__ml_old_")],
        [table for table in tables if table.startswith(f"{name}__ml_new_")],
    )


def _recover(spark: SparkSession, name: str) -> None:
    """Undo what a write of `name` killed midway left (session catalog): the old table put back
    if it was renamed aside, half-written tables and their folders dropped."""
    if not spark.catalog.databaseExists(schema()):
        return
    old, new = _leftovers(spark, name)
    if old and not spark.catalog.tableExists(qualified(name)):
        spark.sql(f"alter table {qualified(old.pop())} rename to {qualified(name)}")
    for table in old + new:
        spark.sql(f"drop table {qualified(table)}")
    # a write killed before its table was registered leaves only a folder
    database = hadoop_path(spark.catalog.getDatabase(schema()).locationUri)
    _delete_paths(spark, f"{database}/{name}__ml_new_*")


def _delete_paths(spark: SparkSession, pattern: str) -> None:
    """Delete the files and folders matching a glob (or a path: ml.paths keeps glob characters out
    of the project's), on whatever file system holds them."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(pattern)
    file_system = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    for status in file_system.globStatus(path) or []:
        file_system.delete(status.getPath(), True)


def _write_id() -> str:
    return f"{int(time.time() * 1000)}_{os.getpid()}"


def read_table(spark: SparkSession, name: str, hint: str = BUILD_HINT) -> DataFrame:
    """A table of the dbt schema; UserError with `hint` when it was not built."""
    if thrift_catalog(spark) is None and not spark.catalog.tableExists(qualified(name)):
        _recover(spark, name)
    if not table_exists(spark, name):
        raise UserError(f"table {qualified(name)} does not exist; {hint}")
    server = thrift_catalog(spark)
    if server is None:
        return spark.table(qualified(name))
    return spark.read.parquet(server.table_location(schema(), name))


def write_table(frame: DataFrame, name: str) -> int:
    """Write `frame` as the Parquet table `name` of the dbt schema (replacing it); its row count."""
    spark = frame.sparkSession
    server = thrift_catalog(spark)
    write_id = _write_id()
    if server is None:
        _recover(spark, name)
        new, old = f"{name}__ml_new_{write_id}", f"{name}__ml_old_{write_id}"
        frame.write.format("parquet").saveAsTable(qualified(new))
        existed = spark.catalog.tableExists(qualified(name))
        if existed:
            spark.sql(f"alter table {qualified(name)} rename to {qualified(old)}")
        spark.sql(f"alter table {qualified(new)} rename to {qualified(name)}")
        if existed:
            spark.sql(f"drop table {qualified(old)}")
        return spark.table(qualified(name)).count()
    # a folder of its own beside the server's tables; the table is pointed at it once written
    folder = server.schema_location(schema())
    location = f"{folder}/{name}__ml_{write_id}"
    replaced = _folder_ml_wrote(server, folder, name)
    frame.write.parquet(location)
    columns = [(field.name, field.dataType.simpleString()) for field in frame.schema.fields]
    server.register(schema(), name, location, columns)
    if replaced:  # that one folder only: any other may be another run's, being written
        _delete_paths(spark, replaced)
    return spark.read.parquet(location).count()


def _folder_ml_wrote(server: ThriftCatalog, folder: str, name: str) -> str | None:
    """The folder the table `name` points at now, when an earlier write of ml made it (an external
    table over `<schema folder>/<name>__ml_<write id>`); else None: nothing to delete."""
    if not server.table_exists(schema(), name):
        return None
    details = server.table_details(schema(), name)
    location = hadoop_path(details.get("Location", ""))
    parent, _, base = location.rpartition("/")
    ours = details.get("Type") == "EXTERNAL" and parent == folder and base.startswith(f"{name}__ml_")
    return location if ours else None


def frame_from_rows(spark: SparkSession, rows: list[dict[str, Any]], schema: str) -> DataFrame:
    """A DataFrame of `rows` (dicts; a missing key is null) with the DDL `schema`, e.g.
    "k int, silhouette double": small result tables built on the driver keep exact column types."""
    columns = [field.split()[0] for field in schema.split(",")]
    return spark.createDataFrame([tuple(row.get(name) for name in columns) for row in rows], schema)


def content_hash(frame: DataFrame) -> str:
    """Row count and an order-independent hash of every row: equal for equal contents, whatever
    the partitioning, so a saved model can be reused while its input table is unchanged."""
    from pyspark.sql import functions as F

    row = frame.select(
        F.count(F.lit(1)).alias("rows"),
        # sum of 64-bit row hashes, as a decimal so it cannot overflow
        F.sum(F.xxhash64(*frame.columns).cast("decimal(38,0)")).alias("hash"),
    ).first()
    return f"{row['rows']}:{row['hash']}"
