"""ml takes its settings from the dbt project: the Spark settings from the profile, the data folder
from the var movielens_dir."""

import pytest

from ml import PROJECT_DIR, UserError
from ml.warehouse.project import data_dir, project_var
from ml.warehouse.session import spark_conf, target_output


def test_conf_follows_the_profile_and_its_environment(monkeypatch, tmp_path):
    import shlex

    spark_dir = tmp_path / "a warehouse's ü"
    monkeypatch.setenv("MOVIELENS_SPARK_DIR", str(spark_dir))
    monkeypatch.setenv("SPARK_SHUFFLE_PARTITIONS", "7")
    conf = spark_conf()
    assert conf["spark.sql.warehouse.dir"] == f"{spark_dir}/warehouse"
    # one option each, as Spark's parser splits them (quotes as a POSIX shell reads them)
    options = shlex.split(conf["spark.driver.extraJavaOptions"])
    assert f"-Dderby.system.home={spark_dir}" in options
    assert f"-Dderby.stream.error.file={spark_dir}/derby.log" in options
    assert conf["spark.sql.shuffle.partitions"] == "7"
    assert conf["spark.sql.session.timeZone"] == "UTC"
    # as dbt-spark forces it in its sessions
    assert conf["spark.sql.ansi.enabled"] == "false"


def test_master_option_wins(monkeypatch):
    monkeypatch.setenv("SPARK_MASTER", "local[1]")
    assert spark_conf()["spark.master"] == "local[1]"
    assert spark_conf(master="spark://127.0.0.1:7077")["spark.master"] == "spark://127.0.0.1:7077"


def test_unknown_target_is_a_user_error():
    with pytest.raises(UserError, match="unknown target 'prod'"):
        target_output("prod")


def test_data_dir_default_is_dbts_var(monkeypatch, tmp_path):
    monkeypatch.delenv("MOVIELENS_DIR", raising=False)
    assert data_dir() == PROJECT_DIR / "../data"
    monkeypatch.setenv("MOVIELENS_DIR", str(tmp_path))
    assert data_dir() == tmp_path
    assert project_var("rating_cap") == 125


def test_a_refused_metastore_connection_is_explained_naming_its_address(monkeypatch, tmp_path):
    from ml.warehouse.session import METASTORE_LOST_WORDS, metastore_lost

    monkeypatch.setenv("METASTORE", "postgres")
    monkeypatch.setenv("METASTORE_PORT", "15999")
    monkeypatch.setenv("MOVIELENS_SPARK_DIR", str(tmp_path))
    pool = RuntimeError(f"Unable to fetch table t. HikariPool-1 - {METASTORE_LOST_WORDS[1]} after 2000ms.")
    assert metastore_lost(pool) is not None
    error = RuntimeError(f"Connection to 127.0.0.1:15999 refused. {METASTORE_LOST_WORDS[0]} TCP/IP")
    explained = str(metastore_lost(error))
    assert "PostgreSQL database at 127.0.0.1:15999 does not answer" in explained
    assert f"{tmp_path}/services/metastore.log" in explained and "`make cluster-up`" in explained
    assert metastore_lost(RuntimeError("Unable to fetch table t. Table or view not found")) is None


def test_the_failure_screen_knows_the_drivers_words_too():
    import re

    from ml.warehouse.session import METASTORE_LOST_WORDS

    macro = (PROJECT_DIR / "macros" / "explain_failed_run.sql").read_text()
    words = re.search(r"set lost_words = \[([^\]]*)\]", macro).group(1)
    assert tuple(re.findall(r"'([^']*)'", words)) == METASTORE_LOST_WORDS


def test_a_folder_keeps_the_metastore_its_tables_are_in(monkeypatch, tmp_path):
    """Derby's tables are not opened with PostgreSQL's metastore, nor the other way round: Spark
    would refuse to make their tables anew over the folders of the other's."""
    import re

    from ml.warehouse.lock import LOCK_FILE
    from ml.warehouse.session import DERBY_DIR, POSTGRES_DIR, hold_warehouse

    derby_folder, postgres_folder = tmp_path / "derby", tmp_path / "postgres"
    (derby_folder / DERBY_DIR).mkdir(parents=True)
    (postgres_folder / POSTGRES_DIR).mkdir(parents=True)
    monkeypatch.setenv("METASTORE", "postgres")
    with pytest.raises(UserError, match=re.escape(f"{derby_folder} keeps its tables in a Derby metastore")):
        hold_warehouse("local", writes=False, state=derby_folder)
    hold_warehouse("local", writes=False, state=postgres_folder)
    monkeypatch.delenv("METASTORE")
    with pytest.raises(UserError, match=r"in a PostgreSQL metastore \(.*\): set METASTORE=postgres"):
        hold_warehouse("local", state=postgres_folder)
    hold_warehouse("local", state=derby_folder)
    assert (derby_folder / LOCK_FILE).exists()
    new_folder = tmp_path / "new"
    hold_warehouse("local", state=new_folder)
    assert (new_folder / LOCK_FILE).exists()
