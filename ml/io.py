"""Tables in and out: the dbt marts ml reads, and the result tables it writes back into the same
schema (declared as the dbt source `ml` in models/ml/_ml__sources.yml)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ml import UserError
from ml.session import schema

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

BUILD_HINT = "build the marts first: `make run`, or `dbt build` with the same MOVIELENS_SPARK_DIR"


def qualified(name: str) -> str:
    """`name` in the dbt schema: `movielens.<name>`."""
    return f"{schema()}.{name}"


def read_table(spark: SparkSession, name: str, hint: str = BUILD_HINT) -> DataFrame:
    """A table of the dbt schema; UserError with `hint` when it was not built."""
    if not spark.catalog.tableExists(qualified(name)):
        raise UserError(f"table {qualified(name)} does not exist; {hint}")
    return spark.table(qualified(name))


def write_table(frame: DataFrame, name: str) -> int:
    """Write `frame` as the Parquet table `name` of the dbt schema (replacing it); its row count."""
    frame.write.mode("overwrite").format("parquet").saveAsTable(qualified(name))
    return frame.sparkSession.table(qualified(name)).count()


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
