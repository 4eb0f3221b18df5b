"""The pipeline on a real Spark cluster: `make cluster-up` (the metastore's PostgreSQL database,
standalone master, worker, Thrift Server), `make cluster-run` on the small dataset with the test
build's vars (dbt through the Thrift Server, then the ml steps on the master, each opening the
metastore itself, with small grids), `make cluster-down`; its tables against the session-mode build
of `make test`. Its folders' names hold a space, a quote and a non-ASCII letter.

The cluster gets ports and a state folder of its own (.spark/cluster test's ü), so a cluster of
`make cluster-up` may be running beside it. While it runs, `ss -ltnp` is sampled every second: every
listening socket of the services, of what they launch and of the pipeline's processes must be on
127.0.0.1. Whatever happens, the services and the pipeline are stopped and checked gone.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from helpers import MODELS_ONLY, SMALL_DATA, TEST_VARS, dbt_command, descendants

from ml import PROJECT_DIR
from ml.paths import hadoop_path
from ml.warehouse.catalog import ALS, KMEANS

pytestmark = pytest.mark.reads_test_build

# a space, a quote and a non-ASCII letter in the cluster's folder and in the data folder's: paths
# as users have them, through the Makefile, the Thrift Server's JVM options and its SQL
CLUSTER_DIR = PROJECT_DIR / ".spark" / "cluster test's ü"
DATA_DIR = CLUSTER_DIR / "data folder's ü"


PORTS = {
    "METASTORE_PORT": "15433",
    "SPARK_MASTER_PORT": "17077",
    "SPARK_MASTER_WEBUI_PORT": "18080",
    "SPARK_WORKER_WEBUI_PORT": "18081",
    "SPARK_THRIFT_PORT": "10010",
}


PIPELINE_TIMEOUT_SECONDS = 1800


# the test build's vars, whose dbt tables the cluster's must equal row for row, with a sweep of two
# values of k and an ALS grid of one config per model: the ml steps show their route here (fitted
# on the master, their tables in the shared metastore); their figures are the session-mode
# steps', tested there
CLUSTER_VARS = yaml.safe_dump(
    {
        **(yaml.safe_load(TEST_VARS) or {}),
        **{"kmeans_k_min": 10, "kmeans_k_max": 310, "kmeans_k_step": 300},
        **{"als_ranks": [10], "als_reg_params": [0.1], "implicit_ranks": [10], "implicit_alphas": [1]},
        "rerank_popularity_weights": [0, 1],
    },
    default_flow_style=True,
    width=1_000,  # one line: a make variable
).strip()


def make(*targets: str, **kwargs) -> subprocess.Popen:
    environment = {**os.environ, **PORTS, "MOVIELENS_DIR": str(DATA_DIR)}
    variables = [
        f"CLUSTER_SPARK_DIR={CLUSTER_DIR}",
        f"CLUSTER_REPORT_DIR={CLUSTER_DIR / 'report'}",
        f"VARS={CLUSTER_VARS}",
        # the models only (a run leaves out the SQL rules' unit tests): the data tests ran on the
        # same SQL in session mode (the tests of the ml tables do run through the Thrift Server)
        "DBT_ARGS=--exclude-resource-type test",
        # the steps up to als, the ml steps: they read the marts and write their tables in the
        # metastore the Thrift Server serves (the report and the ml tables' tests: the same code as
        # in session mode, tested there)
        "ML_ARGS=--to als",
    ]
    return subprocess.Popen(
        ["make", "--no-print-directory", *targets, *variables],
        cwd=PROJECT_DIR,
        env=environment,
        start_new_session=True,  # its own process group: stopped as a whole if the test fails
        **kwargs,
    )


def server_query(sql: str) -> list[tuple]:
    """`sql`'s rows, through the cluster's Thrift Server."""
    from pyhive import hive

    connection = hive.connect(host="127.0.0.1", port=int(PORTS["SPARK_THRIFT_PORT"]), username="pytest")
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        return list(cursor.fetchall()) if cursor.description else []
    finally:
        connection.close()


def table_locations() -> dict[str, str]:
    """Each table's folder (the views have none), from one query through the Thrift Server."""
    rows = server_query("show table extended in movielens like '*'")
    folders = {
        name: re.search(r"^Location: (.*)$", information, re.MULTILINE) for _, name, _, information in rows
    }
    return {name: hadoop_path(folder[1]) for name, folder in folders.items() if folder}


def listening_sockets() -> list[tuple[str, int, set[int]]]:
    """(address, port, pids) of every listening TCP socket, from `ss -ltnpH`."""
    sockets = []
    listing = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        fields = line.split()
        address, _, port = fields[3].rpartition(":")
        pids = {int(pid) for pid in re.findall(r"pid=(\d+)", line)}
        sockets.append((address.strip("[]").removeprefix("::ffff:"), int(port), pids))
    return sockets


def service_pids() -> set[int]:
    from ml.tools.pid_files import live_pid

    pids = {live_pid(pid_file) for pid_file in (CLUSTER_DIR / "services").glob("*.pid")}
    return pids - {None}


@dataclass
class SocketWatch:
    """Samples the listening sockets of the cluster's and the pipeline's processes."""

    pipeline_pid: int | None = None
    seen: set[tuple[str, int]] = field(default_factory=set)
    stop: threading.Event = field(default_factory=threading.Event)

    def sample(self) -> None:
        ours = descendants(service_pids() | ({self.pipeline_pid} if self.pipeline_pid else set()))
        self.seen |= {(address, port) for address, port, pids in listening_sockets() if pids & ours}

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            time.sleep(1)


@dataclass
class ClusterRun:
    returncode: int
    output: str
    second_up: str  # `make cluster-up` again, while everything runs
    rerun: AlsRerun
    als_before: dict[str, list[tuple]]  # the ALS tables of the pipeline's undisturbed run
    als_after: dict[str, list[tuple]]  # of the rerun
    sockets: set[tuple[str, int]]
    locations: dict[str, str]
    beside: subprocess.CompletedProcess  # an ml step tried while the pipeline ran
    decoy: Path  # a folder of another run's write, made before the rerun
    server_killed: ServerKilled
    metastore_lost: MetastoreLost


@dataclass
class MetastoreLost:
    """`python -m ml kmeans --refit` on the cluster, the metastore's database stopped as its sweep
    starts; `make cluster-up`; `python -m ml kmeans` again; the k-means tables before and after."""

    run: subprocess.CompletedProcess
    up_again: str
    rerun: subprocess.CompletedProcess
    tables_before: dict[str, list[tuple]]
    tables_after_loss: dict[str, list[tuple]]  # once the database is up again, before the rerun
    tables_after: dict[str, list[tuple]]


@dataclass
class AlsRerun:
    """`python -m ml als --refit` on the cluster, its executor killed as its search starts, and
    three reads of the shared metastore while it runs: `recommend` (a local app of its own), `dbt
    docs generate` (dbt's session target) and a query through the Thrift Server."""

    run: subprocess.CompletedProcess
    killed_executor: int
    recommend: subprocess.CompletedProcess
    docs: subprocess.CompletedProcess
    count: int  # select count(*) of a mart, through the Thrift Server
    running_after_reads: bool  # the als run was still running when all had answered


@dataclass
class ServerKilled:
    """A `dbt build` through the Thrift Server, the server killed with SIGKILL once some tables
    were built; `make cluster-down` and `make cluster-up` after it (every service, the metastore's
    database included, stopped and started again); the row counts of those tables then."""

    output: str
    returncode: int
    built_before: list[str]
    up_again: str
    counts_after: dict[str, int]


# the tables built before the server is killed
BUILT_BEFORE_KILL = 3


def kill_the_server_mid_build(tmp_dir: Path) -> ServerKilled:
    from ml.tools.pid_files import live_pid

    environment = {**ml_environment(), "MOVIELENS_DIR": str(DATA_DIR), "DBT_TARGET": "thrift"}
    command = dbt_command("build", *MODELS_ONLY, scratch=tmp_dir)
    build = subprocess.Popen(
        command, cwd=PROJECT_DIR, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines, built = [], []
    for line in build.stdout:
        lines.append(line)
        if match := re.search(r" OK created sql table model movielens\.(\w+) ", line):
            built.append(match.group(1))
            if len(built) == BUILT_BEFORE_KILL:
                os.kill(live_pid(CLUSTER_DIR / "services" / "thrift.pid"), signal.SIGKILL)
                break
    lines.extend(build.stdout)
    build.wait(timeout=300)
    down = make("cluster-down", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    up_output = down.communicate(timeout=300)[0]
    up = make("cluster-up", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    up_output += up.communicate(timeout=600)[0]
    assert up.returncode == 0, up_output
    counts = {name: server_query(f"select count(*) from movielens.{name}")[0][0] for name in built}
    return ServerKilled("".join(lines), build.returncode, built, up_output, counts)


def ml_environment() -> dict[str, str]:
    return {
        **os.environ,
        **PORTS,
        "MOVIELENS_SPARK_DIR": str(CLUSTER_DIR),
        "METASTORE": "postgres",
        "SPARK_MASTER": f"spark://127.0.0.1:{PORTS['SPARK_MASTER_PORT']}",
    }


def ml_on_cluster(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ml", *args, "--target", "thrift", "--vars", CLUSTER_VARS],
        env=ml_environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )


def executor_pids() -> list[int]:
    """The Spark executors running on this machine, oldest first."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"CoarseGrainedExecutorBackend" in (entry / "cmdline").read_bytes():
                found.append(
                    (int((entry / "stat").read_text().rsplit(")", 1)[1].split()[19]), int(entry.name))
                )
        except OSError:
            continue
    return [pid for _, pid in sorted(found)]


# the user whose recommendations are read while ALS runs
RECOMMEND_USER = "2"  # in the train split: ml-latest-small's user 2 has 29 ratings, under the cap


def read_beside(rerun: subprocess.Popen, scratch: Path) -> tuple:
    """`python -m ml recommend` and `dbt docs generate` side by side (in local mode: the cluster's
    cores are the Thrift Server's and the als run's), then a count through the Thrift Server,
    while `rerun` runs; whether it still ran then."""
    environment = {**ml_environment(), "DBT_TARGET": "local", "SPARK_MASTER": "local[1]"}
    commands = {
        "recommend": [sys.executable, "-m", "ml", "recommend", "--user", RECOMMEND_USER],
        "docs": dbt_command("docs", "generate", scratch=scratch),
    }
    reads = {
        name: subprocess.Popen(command, cwd=PROJECT_DIR, env=environment, **CAPTURE)
        for name, command in commands.items()
    }
    answers = {}
    for name, read in reads.items():
        output, errors = read.communicate(timeout=300)
        answers[name] = subprocess.CompletedProcess(commands[name], read.returncode, output, errors)
    count = server_query("select count(*) from movielens.als_ratings_train")[0][0]
    return answers["recommend"], answers["docs"], count, rerun.poll() is None


CAPTURE = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}


def als_rerun_losing_an_executor(scratch: Path) -> AlsRerun:
    """`python -m ml als --refit` on the cluster, its executor (the newest: the Thrift Server's
    started long before) killed with SIGKILL as its first search starts, then the reads beside it."""
    command = [sys.executable, "-m", "ml", "als", "--refit", "--target", "thrift", "--vars", CLUSTER_VARS]
    rerun = subprocess.Popen(
        command, env=ml_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines, killed, reads = [], 0, None
    for line in rerun.stdout:
        lines.append(line)
        if not killed and line.startswith("ALS: searching"):
            killed = executor_pids()[-1]
            os.kill(killed, signal.SIGKILL)
            reads = read_beside(rerun, scratch)
    rerun.wait(timeout=600)
    assert reads, "".join(lines)[-3000:]
    return AlsRerun(subprocess.CompletedProcess(command, rerun.returncode, "".join(lines)), killed, *reads)


def kmeans_losing_the_metastore(spark) -> MetastoreLost:
    before = table_rows(spark, KMEANS.writes)
    command = [sys.executable, "-m", "ml", "kmeans", "--refit", "--target", "thrift", "--vars", CLUSTER_VARS]
    run = subprocess.Popen(
        command, env=ml_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines = []
    for line in run.stdout:
        lines.append(line)
        if line.startswith("k-means: sweeping"):
            down = [sys.executable, "-m", "ml", "cluster", "down", "--metastore-only"]
            subprocess.run(down, env=ml_environment(), check=True, capture_output=True, timeout=120)
    run.wait(timeout=600)
    up = make("cluster-up", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    up_output = up.communicate(timeout=600)[0]
    after_loss = table_rows(spark, KMEANS.writes)
    rerun = ml_on_cluster("kmeans")
    lost = subprocess.CompletedProcess(command, run.returncode, "".join(lines))
    return MetastoreLost(lost, up_output, rerun, before, after_loss, table_rows(spark, KMEANS.writes))


def table_rows(spark, names) -> dict[str, list[tuple]]:
    """Each table's rows, sorted, without its timings and run id, doubles to 9 decimals (a metric
    summed over other partitions may differ in its last bits)."""
    rows, locations = {}, table_locations()
    for name in names:
        frame = spark.read.parquet(locations[name]).drop("fit_seconds", "run_id")
        rounded = [tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in frame.collect()]
        rows[name] = sorted(rounded, key=repr)
    return rows


def tried_beside(pipeline: subprocess.Popen) -> subprocess.CompletedProcess:
    """`python -m ml kmeans`, which writes tables, once the pipeline holds the lock of the runs
    that write."""
    from ml.warehouse.lock import WRITES_LOCK_FILE, holder

    lock, deadline = CLUSTER_DIR / WRITES_LOCK_FILE, time.monotonic() + 120
    while not ((named := holder(lock)) and "ml pipeline" in named[1]):
        assert pipeline.poll() is None and time.monotonic() < deadline, "the pipeline took no lock"
        time.sleep(0.2)
    return ml_on_cluster("kmeans")


def dbt_tables() -> list[str]:
    """Every table dbt builds from the files: the base models (each file's rows, typed and
    checked; the staging models are views of them) and the marts."""
    folders = [PROJECT_DIR / "models" / "staging" / "movielens" / "base", PROJECT_DIR / "models" / "marts"]
    return sorted(path.stem for folder in folders for path in folder.rglob("*.sql"))


@pytest.fixture(scope="module")
def cluster_run(tmp_path_factory, spark) -> Iterator[ClusterRun]:
    shutil.rmtree(CLUSTER_DIR, ignore_errors=True)  # a fresh build, not one reused from a past run
    DATA_DIR.mkdir(parents=True)
    for name in ("movies.csv", "ratings.csv", "tags.csv", "links.csv"):
        (DATA_DIR / name).symlink_to(SMALL_DATA / name)
    watch = SocketWatch()
    watcher = threading.Thread(target=watch.run, daemon=True)
    watcher.start()
    pipeline = None
    try:
        up = make("cluster-up", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        up_output = up.communicate(timeout=600)[0]
        assert up.returncode == 0, f"make cluster-up failed:\n{up_output}"
        server_killed = kill_the_server_mid_build(tmp_path_factory.mktemp("dbt"))
        # the rerun after make cluster-up
        pipeline = make("cluster-run", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        watch.pipeline_pid = pipeline.pid
        beside = tried_beside(pipeline)
        output = pipeline.communicate(timeout=PIPELINE_TIMEOUT_SECONDS)[0]
        watch.sample()
        second_up = make("cluster-up", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        second_up_output = second_up.communicate(timeout=600)[0]
        als_before = table_rows(spark, ALS.writes)
        decoy = CLUSTER_DIR / "warehouse" / "movielens.db" / "similar_movies__ml_of_another_run"
        decoy.mkdir()
        rerun = als_rerun_losing_an_executor(tmp_path_factory.mktemp("docs"))
        als_after = table_rows(spark, ALS.writes)
        metastore_lost = kmeans_losing_the_metastore(spark)
        locations = table_locations()
        yield ClusterRun(
            pipeline.returncode,
            output,
            second_up_output,
            rerun,
            als_before,
            als_after,
            watch.seen,
            locations,
            beside,
            decoy,
            server_killed,
            metastore_lost,
        )
    finally:
        watch.stop.set()
        watcher.join()
        if pipeline is not None and pipeline.poll() is None:
            os.killpg(pipeline.pid, signal.SIGKILL)
        before_down = service_pids()
        down = make("cluster-down", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        down_output = down.communicate(timeout=300)[0]
        left = descendants(before_down | ({pipeline.pid} if pipeline else set()))
        left = {pid for pid in left if Path(f"/proc/{pid}").exists()}
        assert down.returncode == 0 and not left, f"left behind: {left}\n{down_output}"


def test_a_build_whose_server_is_killed_stops_naming_it_and_how_to_go_on(cluster_run):
    killed = cluster_run.server_killed
    assert killed.returncode == 1, killed.output[-3000:]
    screen = killed.output[killed.output.index("=== What failed, and where to look ===") :]
    assert (
        f"The Thrift Server at 127.0.0.1:{PORTS['SPARK_THRIFT_PORT']} stopped answering (its log: "
        f"{CLUSTER_DIR}/services/thrift.log). Start it again with `make cluster-up`"
    ) in screen
    assert "TTransportException" in screen  # the failed models' own error
    assert "ok: thrift not running" in killed.up_again  # cluster-down found it killed
    for service in ("metastore", "master", "worker", "thrift"):
        assert f"ok: {service} answers" in killed.up_again, killed.up_again


def test_the_metastore_database_is_kept_over_down_and_up_and_admits_its_role_only(cluster_run):
    folder = CLUSTER_DIR / "services" / "metastore"
    log = (CLUSTER_DIR / "services" / "metastore.log").read_text()
    # started by cluster-up, after cluster-down, after the step that lost it: one data folder
    assert log.count("database system is ready to accept connections") == 3, log[-3000:]
    assert "database system was shut down at" in log  # the second start found the first one's database
    assert (folder / "conf" / "hive-site.xml").stat().st_mode & 0o777 == 0o600
    site = (folder / "conf" / "hive-site.xml").read_text()
    assert "javax.jdo.option.ConnectionPassword" in site
    hba = [line.split() for line in (folder / "data" / "pg_hba.conf").read_text().splitlines()]
    assert [line for line in hba if line and not line[0].startswith("#")] == [
        ["host", "movielens_metastore", "movielens_metastore", "127.0.0.1/32", "scram-sha-256"]
    ]


def test_the_tables_built_before_the_server_was_killed_are_intact(cluster_run, table):
    killed = cluster_run.server_killed
    assert len(killed.built_before) == BUILT_BEFORE_KILL
    for name in killed.built_before:  # after every service, the metastore included, went down and up
        assert killed.counts_after[name] == table(name).count(), name


def test_a_step_that_loses_the_metastore_stops_naming_it_and_its_rerun_completes(cluster_run):
    lost = cluster_run.metastore_lost
    assert lost.run.returncode == 2, lost.run.stdout[-3000:]
    assert lost.run.stdout.strip().splitlines()[-1] == (
        f"error: the metastore's PostgreSQL database at 127.0.0.1:{PORTS['METASTORE_PORT']} does not answer "
        f"(its log: {CLUSTER_DIR}/services/metastore.log). Start it with `make cluster-up` (`make "
        "metastore-up` for a local run), then run this again: the tables built before are intact"
    )
    assert "ok: metastore answers" in lost.up_again and "ok: thrift already running" in lost.up_again
    assert lost.rerun.returncode == 0, lost.rerun.stderr[-3000:]
    assert lost.tables_after_loss == lost.tables_before  # what the lost run would have replaced
    assert lost.tables_after == lost.tables_before


def test_pipeline_completes_on_the_cluster(cluster_run):
    assert cluster_run.returncode == 0, cluster_run.output[-6000:]
    assert "Completed successfully" in cluster_run.output  # dbt build, through the Thrift Server


def test_cluster_up_twice_keeps_the_running_services(cluster_run):
    for service in ("metastore", "master", "worker", "thrift"):
        assert f"ok: {service} already running" in cluster_run.second_up


def test_an_als_run_that_loses_its_executor_completes_with_the_same_tables(cluster_run):
    rerun = cluster_run.rerun
    assert rerun.run.returncode == 0, rerun.run.stdout[-3000:]
    assert rerun.killed_executor and "Lost executor" in rerun.run.stdout  # the kill hit its executor
    assert "committed run als-" in rerun.run.stdout
    assert cluster_run.als_after == cluster_run.als_before


def test_recommend_docs_and_a_query_answer_while_als_writes(cluster_run, table):
    rerun = cluster_run.rerun
    assert rerun.recommend.returncode == 0, rerun.recommend.stderr[-3000:]
    assert rerun.recommend.stdout.startswith(f"user {RECOMMEND_USER}: "), rerun.recommend.stdout
    assert rerun.docs.returncode == 0, rerun.docs.stdout[-3000:]
    assert "Catalog written to" in rerun.docs.stdout
    assert rerun.count == table("als_ratings_train").count()
    assert rerun.running_after_reads  # they answered beside the run, not after it


def test_ml_rerun_leaves_no_folder_of_its_writes_and_deletes_no_other(cluster_run):
    folders = {path.name for path in cluster_run.decoy.parent.iterdir()}
    assert {name for name in folders if "__ml_" in name} == {cluster_run.decoy.name}
    for name in ALS.writes:
        assert cluster_run.locations[name].endswith(f"/movielens.db/{name}"), name


def test_a_write_beside_the_pipeline_is_refused_naming_it(cluster_run):
    assert cluster_run.beside.returncode == 2, cluster_run.beside.stderr[-3000:]
    message = cluster_run.beside.stderr.strip().splitlines()[-1]
    assert f"{CLUSTER_DIR} is in use by process " in message and "ml pipeline" in message
    assert "runs that write its tables go one at a time" in message


def test_every_service_listens_on_loopback_only(cluster_run):
    ports = {port for _, port in cluster_run.sockets}
    # the check saw the services themselves, so it cannot pass by seeing nothing
    services = ("METASTORE_PORT", "SPARK_MASTER_PORT", "SPARK_THRIFT_PORT")
    assert {int(PORTS[name]) for name in services} <= ports
    assert {address for address, _ in cluster_run.sockets} == {"127.0.0.1"}, sorted(cluster_run.sockets)


def on_cluster(cluster_run, spark, name):
    assert name in cluster_run.locations, f"{name} missing on the Thrift Server"
    return spark.read.parquet(cluster_run.locations[name])


@pytest.mark.parametrize("name", dbt_tables())
def test_dbt_table_equals_session_mode(cluster_run, spark, table, name):
    built, in_session = on_cluster(cluster_run, spark, name), table(name)
    assert built.schema.simpleString() == in_session.schema.simpleString()
    assert built.count() == in_session.count()
    assert built.exceptAll(in_session).isEmpty() and in_session.exceptAll(built).isEmpty()


@pytest.mark.parametrize("name", KMEANS.writes)
def test_ml_table_has_session_modes_columns(cluster_run, spark, table, name):
    assert on_cluster(cluster_run, spark, name).schema.simpleString() == table(name).schema.simpleString()


def test_ml_tables_hold_the_two_k_sweep_and_every_movie(cluster_run, spark, table):
    sweep = on_cluster(cluster_run, spark, "kmeans_sweep").collect()
    assert sorted(row.k for row in sweep) == [10, 310]
    selected = [row.k for row in sweep if row.is_selected]
    assert len(selected) == 1 and on_cluster(cluster_run, spark, "cluster_profiles").count() == selected[0]
    assert on_cluster(cluster_run, spark, "movie_clusters").count() == table("movie_clusters").count()
