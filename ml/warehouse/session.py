"""The SparkSession of `python -m ml`, built from the dbt profile so that dbt and ml share one
warehouse, one metastore and the same Spark settings (profiles/profiles.yml is their one source).

ml takes dbt's target: with `local` (method session) it opens the warehouse's metastore itself;
with a Thrift Server target (method thrift) the server holds the metastore, and ml reaches the
tables through it (warehouse.thrift) from a session with an in-memory catalog.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ml import PROJECT_DIR, UserError
from ml.paths import check_path
from ml.warehouse.project import load_rendered_yaml

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

PROFILES_FILE = PROJECT_DIR / "profiles" / "profiles.yml"
PROFILE_NAME = "movielens"
SESSION_TARGET = "local"
# the key of the session's conf naming the dbt target whose tables the session reads and writes
TARGET_CONF = "spark.movielens.dbt.target"


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
) -> SparkSession:
    """A SparkSession on the tables of dbt's `target` (default: `default_target()`): Hive-enabled on
    the project's warehouse and metastore, or, for a Thrift Server target, with an in-memory catalog
    (the server holds the metastore; warehouse.tables reaches the tables through it). `metastore`
    False gives the in-memory catalog on any target: a session for DataFrames and files by path
    that leaves the warehouse's metastore (and its lock) to others.

    In local mode the tasks run in the driver, so the executors' environment of the profile
    applies to it too (build_session).
    """
    target = target or default_target()
    own_metastore = metastore and not is_thrift(target)
    if metastore:
        from ml.warehouse.lock import acquire, lock_file_for

        # this session opens the warehouse's Derby metastore, or works through the server's
        acquire(state_dir(), lock_file=lock_file_for(is_thrift(target)))
    conf = spark_conf(master)
    conf["spark.app.name"] = app_name
    conf[TARGET_CONF] = target
    conf["spark.sql.catalogImplementation"] = "hive" if own_metastore else "in-memory"
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
