"""Tables in and out: the dbt marts ml reads, and the result tables it writes back into the same
schema (declared as the dbt source `ml` in models/ml/_ml__sources.yml), through the session's own
catalog: the warehouse's metastore, the Thrift Server's too on the cluster.

Writes are atomic, as dbt's tables are (macros/materializations/table.sql): the new table is
written beside the old one and swapped in by renames, so a run killed mid-write, kill -9 included,
leaves the last table readable; the next write (or read) clears what the killed one left."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

from ml import UserError
from ml.paths import hadoop_path
from ml.warehouse.session import WRITES_CONF, schema

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

BUILD_HINT = "build the marts first: `make run`, or `dbt build` with the same MOVIELENS_SPARK_DIR"


def qualified(name: str) -> str:
    """`name` in the dbt schema: `movielens.<name>`."""
    return f"{schema()}.{name}"


def table_exists(spark: SparkSession, name: str) -> bool:
    return spark.catalog.tableExists(qualified(name))


def _leftovers(spark: SparkSession, name: str) -> tuple[list[str], list[str]]:
    """Tables a killed write of `name` left: (old ones renamed aside, new ones half written)."""
    if not spark.catalog.databaseExists(schema()):
        return [], []
    tables = [row.tableName for row in spark.sql(f"show tables in {schema()}").collect()]
    return (
        [table for table in tables if table.startswith(f"{name}__ml_old_")],
        [table for table in tables if table.startswith(f"{name}__ml_new_")],
    )


def _recover(spark: SparkSession, name: str) -> None:
    """Undo what a write of `name` killed midway left: the old table put back if it was renamed
    aside, half-written tables and their folders dropped."""
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
    if not table_exists(spark, name) and spark.conf.get(WRITES_CONF, "true") == "true":
        _recover(spark, name)
    if not table_exists(spark, name):
        if any(_leftovers(spark, name)):  # a reader leaves them to the writer, which may be at work
            raise UserError(f"table {qualified(name)} is being replaced by another run; try again soon")
        raise UserError(f"table {qualified(name)} does not exist; {hint}")
    return spark.table(qualified(name))


def write_table(frame: DataFrame, name: str) -> int:
    """Write `frame` as the Parquet table `name` of the dbt schema (replacing it); its row count."""
    spark = frame.sparkSession
    _recover(spark, name)
    write_id = _write_id()
    new, old = f"{name}__ml_new_{write_id}", f"{name}__ml_old_{write_id}"
    frame.write.format("parquet").saveAsTable(qualified(new))
    existed = spark.catalog.tableExists(qualified(name))
    if existed:
        spark.sql(f"alter table {qualified(name)} rename to {qualified(old)}")
    spark.sql(f"alter table {qualified(new)} rename to {qualified(name)}")
    if existed:
        spark.sql(f"drop table {qualified(old)}")
    return spark.table(qualified(name)).count()


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
