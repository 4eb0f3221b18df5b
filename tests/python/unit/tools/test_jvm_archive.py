"""The class-data archive's file: named by the profile's driver options, relative to the project."""

from pathlib import Path

from ml import PROJECT_DIR
from ml.tools.jvm_archive import DRIVER_OPTIONS, archive_path
from ml.warehouse.session import spark_conf


def test_the_archive_is_the_file_the_options_name():
    options = "-Dderby.system.home=.spark/local -XX:SharedArchiveFile=.venv/a.jsa -Xlog:cds=off"
    assert archive_path(options) == PROJECT_DIR / ".venv" / "a.jsa"
    assert archive_path("-XX:SharedArchiveFile=/opt/b.jsa") == Path("/opt/b.jsa")
    assert archive_path("-Dderby.system.home=.spark/local") is None


def test_the_profile_names_an_archive_in_the_virtualenv(monkeypatch):
    monkeypatch.delenv("MOVIELENS_JVM_ARCHIVE", raising=False)
    assert archive_path(spark_conf()[DRIVER_OPTIONS]) == PROJECT_DIR / ".venv" / "spark-driver.jsa"
