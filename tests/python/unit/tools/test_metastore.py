"""The metastore's PostgreSQL database (ml/tools/metastore.py): the settings it takes from the
profile, and a real database cluster made, started and stopped in a scratch folder (a few seconds;
the schema and Spark on it: e2e/test_cluster_run.py)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from ml import UserError


@pytest.fixture
def state_folder():
    """A state folder that PostgreSQL's user can reach when we are root (pytest's tmp_path is
    private to us)."""
    import shutil
    import tempfile

    from ml import PROJECT_DIR

    (PROJECT_DIR / ".spark").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="pytest-metastore-", dir=PROJECT_DIR / ".spark"))
    folder.chmod(0o755)
    yield folder / "state's ü"
    shutil.rmtree(folder)


@pytest.fixture
def postgres_conf(monkeypatch, state_folder):
    from ml.warehouse.session import spark_conf

    monkeypatch.setenv("METASTORE", "postgres")
    monkeypatch.setenv("METASTORE_PORT", str(free_port()))
    monkeypatch.setenv("MOVIELENS_SPARK_DIR", str(state_folder))
    return spark_conf()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_derby_stays_the_default(monkeypatch):
    from ml.warehouse.session import is_postgres, spark_conf

    monkeypatch.delenv("METASTORE", raising=False)
    conf = spark_conf()
    assert not is_postgres(conf) and conf["spark.driver.extraClassPath"] == ""
    assert conf["spark.hadoop.javax.jdo.option.ConnectionURL"].startswith("jdbc:derby:")


def test_the_profile_names_the_database_the_folder_serves(postgres_conf, tmp_path):
    from ml.tools.metastore import from_conf
    from ml.warehouse.session import is_postgres, state_dir

    assert is_postgres(postgres_conf)
    metastore = from_conf(postgres_conf, state_dir() / "services" / "metastore")
    assert metastore.port == int(os.environ["METASTORE_PORT"])
    assert (metastore.database, metastore.role) == ("movielens_metastore", "movielens_metastore")
    assert metastore.jdbc_jar == Path("/usr/share/java/postgresql.jar")
    # the counterpart: a folder whose conf/ is not on the profile's class path
    with pytest.raises(UserError, match="does not hold"):
        from_conf(postgres_conf, tmp_path / "elsewhere")


def psql(metastore, user: str, password: str) -> subprocess.CompletedProcess:
    from ml.tools.metastore import bin_dir

    command = [str(bin_dir() / "psql"), "-h", "127.0.0.1", "-p", str(metastore.port), "-U", user]
    command += [metastore.database, "-Atc", "select rolsuper from pg_roles where rolname = current_user"]
    environment = {**os.environ, "PGPASSWORD": password, "PGCONNECT_TIMEOUT": "10"}
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=60)


def test_a_database_admits_its_role_with_its_password_only(postgres_conf, tmp_path):
    from ml.tools import metastore as database
    from ml.tools import spark_cluster
    from ml.warehouse.session import state_dir

    metastore = database.from_conf(postgres_conf, state_dir() / "services" / "metastore")
    cluster = spark_cluster.Cluster(0, 0, 0, 0, state_dir() / "services", metastore)
    cluster.services_dir.mkdir(parents=True)
    database.initialize(metastore)
    assert metastore.site_file.stat().st_mode & 0o777 == 0o600
    pid = spark_cluster.start(cluster, "metastore", database.command(metastore))
    try:
        spark_cluster.wait_until_ready(cluster, "metastore", pid, timeout=60)
        role = psql(metastore, metastore.role, database.password(metastore))
        assert role.returncode == 0 and role.stdout.strip() == "f", role.stderr  # not a superuser
        assert "password authentication failed" in psql(metastore, metastore.role, "wrong").stderr
        assert "no pg_hba.conf entry" in psql(metastore, "postgres", "").stderr
    finally:
        assert spark_cluster.stop(cluster, "metastore", timeout=30) == pid
    time.sleep(0.2)
    assert spark_cluster.running_pid(cluster, "metastore") is None
    assert "database system is shut down" in cluster.log_file("metastore").read_text()
    database.initialize(metastore)  # made once: a second call keeps the database
    assert (metastore.data_dir / "PG_VERSION").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="as root only: PostgreSQL then runs as another user")
def test_a_folder_the_service_user_cannot_reach_is_refused_naming_it(state_folder):
    from ml.tools.metastore import check_reachable

    private = state_folder / "private"
    (private / "metastore").mkdir(parents=True)
    private.chmod(0o700)
    with pytest.raises(UserError, match=f"cannot pass through {private} "):
        check_reachable(private / "metastore")
    private.chmod(0o755)
    check_reachable(private / "metastore")  # the counterpart
