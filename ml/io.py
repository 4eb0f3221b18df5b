"""Tables in and out: the dbt marts ml reads, and the result tables it writes back into the same
schema (declared as the dbt source `ml` in models/ml/_ml__sources.yml). They go through the
session's own catalog, or, when the session is on a Thrift Server target (ml.session), through
the server: Parquet read and written by path, the written table registered on the server."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ml import UserError
from ml.session import TARGET_CONF, is_thrift, schema, target_output

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from ml.thrift import ThriftCatalog

BUILD_HINT = "build the marts first: `make run`, or `dbt build` with the same MOVIELENS_SPARK_DIR"


def qualified(name: str) -> str:
    """`name` in the dbt schema: `movielens.<name>`."""
    return f"{schema()}.{name}"


def thrift_catalog(spark: SparkSession) -> ThriftCatalog | None:
    """The Thrift Server holding the tables of `spark`'s target, or None: the session's own catalog."""
    target = spark.conf.get(TARGET_CONF, None)
    if target is None or not is_thrift(target):
        return None
    from ml.thrift import connect

    output = target_output(target)
    settings = output.get("server_side_parameters", {})
    configuration = tuple(sorted((str(key), str(value)) for key, value in settings.items()))
    return connect(str(output["host"]), int(output["port"]), str(output.get("user", "")), configuration)


def table_exists(spark: SparkSession, name: str) -> bool:
    server = thrift_catalog(spark)
    if server is None:
        return spark.catalog.tableExists(qualified(name))
    return server.table_exists(schema(), name)


def read_table(spark: SparkSession, name: str, hint: str = BUILD_HINT) -> DataFrame:
    """A table of the dbt schema; UserError with `hint` when it was not built."""
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
    if server is None:
        frame.write.mode("overwrite").format("parquet").saveAsTable(qualified(name))
        return spark.table(qualified(name)).count()
    # where the server would put a managed table of that name: the layout of session mode
    location = f"{server.schema_location(schema())}/{name}"
    frame.write.mode("overwrite").parquet(location)
    server.register(schema(), name, location)
    return spark.read.parquet(location).count()


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
