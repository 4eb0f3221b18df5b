"""The SparkSession of `python -m ml`, built from the dbt profile so that dbt and ml share one
warehouse, one metastore and the same Spark settings (profiles/profiles.yml is their one source).

ml opens the warehouse's metastore itself, on either of dbt's targets: `local` (method session)
and the Thrift Server's (method thrift), which serves the same settings' tables from the shared
metastore (METASTORE=postgres) that ml opens too. The target decides which lock a run takes
(warehouse.lock).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ml import PROJECT_DIR, UserError
from ml.paths import check_path
from ml.warehouse.lock import acquire, lock_file_for
from ml.warehouse.project import load_rendered_yaml

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

PROFILES_FILE = PROJECT_DIR / "profiles" / "profiles.yml"
PROFILE_NAME = "movielens"
SESSION_TARGET = "local"
METASTORE_URL_KEY = "spark.hadoop.javax.jdo.option.ConnectionURL"
# the words of the PostgreSQL JDBC driver and of its pool (HikariCP) when nothing answers at the
# metastore's address (the failure screen of macros/explain_failed_run.sql looks for them too)
METASTORE_LOST_WORDS = (
    "Check that the hostname and port are correct and that the postmaster is accepting",
    "Connection is not available, request timed out",
)
# what each metastore keeps in the state folder: Derby its database (the profile's databaseName),
# PostgreSQL's the database cluster of ml.tools.metastore. Neither knows the other's tables, and
# Spark will not make a table anew where another one's folder is, so a folder keeps one of them
DERBY_DIR = "metastore_db"
# the local cluster's services (ml.tools.spark_cluster) keep their files here, the database first
SERVICES_DIR = "services"
POSTGRES_DIR = Path(SERVICES_DIR, "metastore")
# "false" in a session that reads a shared metastore beside the runs that write it: it leaves what
# a killed write left to them (warehouse.tables), as one may be writing that table now
WRITES_CONF = "spark.movielens.writes"


def target_output(target: str = SESSION_TARGET, path: Path = PROFILES_FILE) -> dict[str, Any]:
    """The `outputs.<target>` block of the movielens profile."""
    outputs = load_rendered_yaml(path)[PROFILE_NAME]["outputs"]
    if target not in outputs:
        raise UserError(f"unknown target '{target}'; {path} defines {', '.join(outputs)}")
    return outputs[target]


def default_target() -> str:
    """The target dbt uses when given none: $DBT_TARGET (the profile's `target:`), else local."""
    return os.environ.get("DBT_TARGET") or SESSION_TARGET


def is_thrift(target: str, path: Path = PROFILES_FILE) -> bool:
    return target_output(target, path).get("method") == "thrift"


def is_postgres(conf: dict[str, str]) -> bool:
    """Whether the Spark settings `conf` keep the metastore in PostgreSQL (METASTORE=postgres)."""
    return conf[METASTORE_URL_KEY].startswith("jdbc:postgresql:")


def shared_metastore(target: str) -> bool:
    """Whether the processes on `target`'s tables share a metastore that admits them all at once:
    PostgreSQL's, which the Thrift Server's target always has (tools.spark_cluster), not Derby's."""
    return is_thrift(target) or is_postgres(spark_conf())


def check_metastore_of(state: Path, shared: bool) -> None:
    """UserError when the tables of the state folder `state` are in the other metastore than the
    one the settings name (`shared`: PostgreSQL's): opened with this one, they would clash."""
    derby_dir, postgres_dir = state / DERBY_DIR, state / POSTGRES_DIR
    if shared and derby_dir.is_dir():
        raise UserError(
            f"{state} keeps its tables in a Derby metastore ({derby_dir}), which the PostgreSQL "
            "metastore (METASTORE=postgres) does not know. Give that one a folder of its own "
            "(MOVIELENS_SPARK_DIR; make run METASTORE=postgres gives it one), or unset METASTORE"
        )
    if not shared and postgres_dir.is_dir() and not derby_dir.exists():
        raise UserError(
            f"{state} keeps its tables in a PostgreSQL metastore ({postgres_dir}): set "
            "METASTORE=postgres to open them, or give the Derby metastore a folder of its own "
            "(MOVIELENS_SPARK_DIR)"
        )


def hold_warehouse(target: str, writes: bool = True, state: Path | None = None) -> None:
    """What a process does before it opens the metastore of `target`'s tables: check that the
    state folder's tables are in that metastore, then take the lock of a process that `writes`
    (or only reads) on it (warehouse.lock), for its whole life."""
    state = state or state_dir()
    shared = shared_metastore(target)
    check_metastore_of(state, shared)
    lock_file = lock_file_for(shared, writes)
    if lock_file:
        acquire(state, lock_file=lock_file)


def metastore_lost(error: BaseException) -> UserError | None:
    """What to do about `error` when it says the PostgreSQL metastore stopped answering; else None."""
    if not any(words in str(error) for words in METASTORE_LOST_WORDS):
        return None
    from urllib.parse import urlsplit

    address = urlsplit(spark_conf()[METASTORE_URL_KEY].removeprefix("jdbc:")).netloc
    return UserError(
        f"the metastore's PostgreSQL database at {address} does not answer (its log: "
        f"{state_dir() / SERVICES_DIR}/metastore.log). Start it with `make cluster-up` (`make metastore-up` "
        "for a local run), then run this again: the tables built before are intact"
    )


def spark_conf(master: str | None = None, path: Path = PROFILES_FILE) -> dict[str, str]:
    """Spark settings of the `local` target, with `master` (a --master option) on top. They are
    the Thrift Server's settings too (tools.spark_cluster starts it with them)."""
    conf = {str(k): str(v) for k, v in target_output(SESSION_TARGET, path)["server_side_parameters"].items()}
    if master:
        conf["spark.master"] = master
    return conf


def schema(path: Path = PROFILES_FILE) -> str:
    """The schema (Spark database) dbt builds into."""
    return str(target_output(SESSION_TARGET, path)["schema"])


def state_dir(path: Path = PROFILES_FILE) -> Path:
    """The folder holding the profile's warehouse (`$MOVIELENS_SPARK_DIR`): ml keeps its saved
    models there too, so each warehouse has the models fitted on its tables."""
    warehouse = Path(spark_conf(path=path)["spark.sql.warehouse.dir"])
    state = (PROJECT_DIR / warehouse).parent
    check_path(state, "the warehouse folder (MOVIELENS_SPARK_DIR)")
    return state


# JVM options that keep Spark's BLAS and LAPACK on the JVM's own code (netlib's fallback) even
# where a native library is installed: the original study's set-up, for the benchmark
JVM_BLAS_OPTIONS = "-Ddev.ludovic.netlib.blas.nativeLib=none -Ddev.ludovic.netlib.lapack.nativeLib=none"


def get_spark(
    master: str | None = None,
    app_name: str = "movielens-ml",
    jvm_blas: bool = False,
    target: str | None = None,
    metastore: bool = True,
    writes: bool = True,
) -> SparkSession:
    """A SparkSession on the tables of dbt's `target` (default: `default_target()`): Hive-enabled on
    the project's warehouse and metastore, under the lock a process that `writes` tables (or only
    reads them) takes there. `metastore` False gives an in-memory catalog: a session for
    DataFrames and files by path that leaves the warehouse's metastore (and its lock) to others.

    In local mode the tasks run in the driver, so the executors' environment of the profile
    applies to it too (build_session).
    """
    target = target or default_target()
    shared = shared_metastore(target)
    if metastore:
        hold_warehouse(target, writes)
    conf = spark_conf(master)
    conf["spark.app.name"] = app_name
    conf[WRITES_CONF] = str(writes or not shared).lower()
    conf["spark.sql.catalogImplementation"] = "hive" if metastore else "in-memory"
    if jvm_blas:
        conf["spark.driver.extraJavaOptions"] += f" {JVM_BLAS_OPTIONS}"
    return build_session(conf)


def build_session(conf: dict[str, str]) -> SparkSession:
    """The SparkSession of `conf`, built from the project root (the profile's relative paths are
    relative to it, as they are for dbt)."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    for key, value in conf.items():
        if key.startswith("spark.executorEnv."):
            os.environ.setdefault(key.removeprefix("spark.executorEnv."), value)
    previous_dir = Path.cwd()
    os.chdir(PROJECT_DIR)
    try:
        builder = SparkSession.builder
        for key, value in conf.items():
            builder = builder.config(key, value)
        return builder.getOrCreate()
    finally:
        os.chdir(previous_dir)
