"""The class-data archive of the Spark driver JVM (the JDK's application class-data sharing).

Every dbt and ml process starts a driver JVM that loads the same classes (Spark, Hive's metastore
client, DataNucleus, Derby, MLlib) from the jars; mapped from one archive file they load in a
fraction of the time (a session, the metastore and a first query: 11.6-14.1 s without, 6.9-8.7 s
with, measured side by side). The profile's spark.driver.extraJavaOptions names
the file (-XX:SharedArchiveFile, in .venv/: it belongs to the installed jars); `python -m ml
jvm-archive` writes it (make venv runs it), from a driver on a scratch warehouse that dumps what it
loaded as it exits. A JVM without the file, or with one of other jars or another JDK, starts as
before (the profile silences the JVM's note about it).
"""

from __future__ import annotations

import os
import shlex
import tempfile
from pathlib import Path

from ml import PROJECT_DIR, UserError

USE_ARCHIVE = "-XX:SharedArchiveFile="
WRITE_ARCHIVE = "-XX:ArchiveClassesAtExit="
DRIVER_OPTIONS = "spark.driver.extraJavaOptions"
EXIT_TIMEOUT_SECONDS = 300
# the archive holds classes, not compiled code: a JVM that compiles with C1 alone writes it as well
# for every JVM, in 46 s instead of 57 s here (make venv)
WRITER_JIT_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m"


def archive_path(java_options: str) -> Path | None:
    """The archive the JVM options name (relative to the project root), if any."""
    for option in shlex.split(java_options):
        if option.startswith(USE_ARCHIVE):
            return PROJECT_DIR / option.removeprefix(USE_ARCHIVE)
    return None


def write_archive() -> Path | None:
    """Write the profile's archive (None if the JDK wrote none, e.g. one without a base archive)."""
    from ml.warehouse.session import spark_conf

    with tempfile.TemporaryDirectory(prefix="movielens-jvm-archive-") as scratch:
        os.environ["MOVIELENS_SPARK_DIR"] = scratch  # the profile's warehouse and Derby home
        conf = spark_conf("local[1]")
        archive = archive_path(conf[DRIVER_OPTIONS])
        if archive is None:
            raise UserError(f"the profile's {DRIVER_OPTIONS} names no {USE_ARCHIVE}<file>")
        archive.unlink(missing_ok=True)  # a JVM reads an archive it is asked to write over
        conf[DRIVER_OPTIONS] = (
            f"{conf[DRIVER_OPTIONS].replace(USE_ARCHIVE, WRITE_ARCHIVE)} {WRITER_JIT_OPTIONS}"
        )
        conf["spark.sql.catalogImplementation"] = "hive"
        conf["spark.app.name"] = "movielens-jvm-archive"
        _load_what_drivers_load(conf)
    return archive if archive.is_file() else None


def _load_what_drivers_load(conf: dict[str, str]) -> None:
    """A driver that uses the metastore, writes and reads a Parquet table, goes through Arrow and
    fits ALS and k-means (the classes of every step), then exits, dumping its classes."""
    from pyspark import SparkContext
    from pyspark.ml.clustering import KMeans
    from pyspark.ml.feature import VectorAssembler
    from pyspark.ml.recommendation import ALS

    from ml.warehouse.session import build_session

    spark = build_session(conf)
    spark.sparkContext.setLogLevel("ERROR")
    spark.sql("create database warmup")
    frame = spark.range(200).selectExpr(
        "int(id % 20) as user", "int(id % 13) as item", "float(id % 5) as rating"
    )
    frame.write.saveAsTable("warmup.ratings")
    ratings = spark.table("warmup.ratings")
    ratings.groupBy("user").count().toPandas()
    ALS(rank=2, maxIter=1, userCol="user", itemCol="item", ratingCol="rating").fit(ratings)
    vectors = VectorAssembler(inputCols=["rating"], outputCol="features").transform(ratings)
    KMeans(k=2, maxIter=2).fit(vectors)
    jvm = SparkContext._gateway.proc  # the JVM writes the archive as it exits: wait for it
    spark.stop()
    jvm.stdin.close()
    jvm.wait(timeout=EXIT_TIMEOUT_SECONDS)
