"""The catalog of a Spark Thrift Server, for ml running as its own Spark app beside it.

The Thrift Server is the one JVM that holds the metastore (embedded Derby admits one), so ml
does not open the metastore itself: it asks the server where each table lives, reads and writes
the Parquet there by path, and registers what it wrote through the server, as an external table
over that folder. dbt, the server's SQL clients and ml then see the same tables.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ml import UserError
from ml.paths import hadoop_path, sql_string


class ThriftCatalog:
    """Tables of one schema on a Spark Thrift Server, over PyHive (which dbt-spark uses too)."""

    def __init__(self, host: str, port: int, user: str, configuration: dict[str, str]) -> None:
        self.address = f"{host}:{port}"
        try:
            from pyhive import hive

            self._connection = hive.connect(host=host, port=port, username=user, configuration=configuration)
        except Exception as error:  # thrift's transport errors share no base class worth naming
            raise UserError(
                f"cannot reach the Spark Thrift Server at {self.address} ({error}); "
                "start it with `make cluster-up`, or set SPARK_THRIFT_HOST / SPARK_THRIFT_PORT"
            ) from None

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        cursor = self._connection.cursor()
        try:
            cursor.execute(sql)
            return list(cursor.fetchall()) if cursor.description else []
        finally:
            cursor.close()

    def table_exists(self, schema: str, name: str) -> bool:
        return any(row[1] == name for row in self.query(f"show tables in {schema} like '{name}'"))

    def table_details(self, schema: str, name: str) -> dict[str, str]:
        """`describe table extended`'s detail rows: Type (MANAGED, EXTERNAL, VIEW), Location, ..."""
        rows = self.query(f"describe table extended {schema}.{name}")
        start = next(i for i, row in enumerate(rows) if row[0] == "# Detailed Table Information")
        return {str(row[0]): str(row[1]) for row in rows[start + 1 :] if row[0]}

    def table_location(self, schema: str, name: str) -> str:
        """The folder of the Parquet table `schema.name` (a file: or cluster path)."""
        details = self.table_details(schema, name)
        if details.get("Type") == "VIEW":
            raise UserError(f"{schema}.{name} is a view; ml reads tables only (the marts)")
        if "Location" not in details:
            raise UserError(f"the Thrift Server reports no location for {schema}.{name}")
        return hadoop_path(details["Location"])

    def schema_location(self, schema: str) -> str:
        details = dict(self.query(f"describe database extended {schema}"))
        if "Location" not in details:
            raise UserError(f"schema {schema} does not exist on the Thrift Server at {self.address}")
        return hadoop_path(str(details["Location"]))

    def columns(self, schema: str, name: str) -> list[tuple[str, str]]:
        rows = self.query(f"describe table {schema}.{name}")
        return [(str(row[0]), str(row[1])) for row in rows if row[0] and not str(row[0]).startswith("#")]

    def register(self, schema: str, name: str, location: str, columns: list[tuple[str, str]]) -> None:
        """Make `schema.name` the external Parquet table over `location` (its `columns`: (name,
        type) pairs). An external table of that name with the same columns is pointed at the new
        folder, one atomic metastore update; one with other columns is dropped (its files stay) and
        created again. A managed table is never dropped: its files would go with it."""
        if self.table_exists(schema, name):
            kind = self.table_details(schema, name).get("Type")
            if kind != "EXTERNAL":
                raise UserError(
                    f"{schema}.{name} on the Thrift Server is a {kind} table, not one ml wrote; "
                    "drop it there first (ml writes its tables as external ones)"
                )
            if self.columns(schema, name) == columns:
                self.query(f"alter table {schema}.{name} set location {sql_string(location)}")
                self.query(f"refresh table {schema}.{name}")
                return
            self.query(f"drop table {schema}.{name}")
        self.query(f"create table {schema}.{name} using parquet location {sql_string(location)}")


@cache
def connect(host: str, port: int, user: str, configuration: tuple[tuple[str, str], ...]) -> ThriftCatalog:
    """One connection per server and process."""
    return ThriftCatalog(host, port, user, dict(configuration))
