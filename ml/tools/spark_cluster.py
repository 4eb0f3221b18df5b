"""A Spark standalone cluster on this machine, from the installed pyspark and Debian's PostgreSQL: the
metastore's database (ml.tools.metastore), a master, one worker and a Spark Thrift Server on that
master (`python -m ml cluster up|down|status|master-url`, `make cluster-up` / `make cluster-down`).
`--metastore-only`: the database alone, for local runs with METASTORE=postgres.

Every service binds to 127.0.0.1. PID files and logs go to `<state dir>/services/` (the state dir
is $MOVIELENS_SPARK_DIR, as for dbt and ml; `make` uses .spark/cluster). Each service runs in a
process group of its own, so stopping it stops what it started (executors, Python workers).

The Thrift Server gets the Spark settings of the profile's `local` target (warehouse under the
state dir, the PostgreSQL metastore: METASTORE=postgres), so it builds the same tables dbt's session
mode would; dbt's sessions and every ml app open the same metastore themselves. Every app has
`spark.cores.max` (profile), and the worker offers two apps' worth of cores and memory: the Thrift
Server and one ml command side by side.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ml import PROJECT_DIR, UserError
from ml.tools import metastore
from ml.tools.java import java_executable
from ml.tools.pid_files import live_pid, write_pid_file
from ml.warehouse.session import POSTGRES_DIR, SERVICES_DIR, is_postgres, spark_conf, state_dir, target_output

HOST = "127.0.0.1"
SERVICES = ("metastore", "master", "worker", "thrift")
METASTORE_NEEDED = (
    "the cluster's apps each open the metastore, which Derby's (one process at a time) cannot "
    "serve: set METASTORE=postgres (make cluster-up does)"
)
THRIFT_TARGET = "thrift"
START_TIMEOUT_SECONDS = 180
STOP_TIMEOUT_SECONDS = 30
LOG_TAIL_LINES = 25
# Spark's usual ports, each unless set in its environment variable (the Makefile leaves them to
# this table, so that `python -m ml` finds the cluster of `make cluster-up` without it)
DEFAULT_PORTS = {"SPARK_MASTER_PORT": 7077, "SPARK_MASTER_WEBUI_PORT": 8080, "SPARK_WORKER_WEBUI_PORT": 8081}


def port(variable: str) -> int:
    """The port `variable` of DEFAULT_PORTS names: its environment value, else Spark's usual one."""
    return int(os.environ.get(variable, DEFAULT_PORTS[variable]))


def master_url_at(master_port: int) -> str:
    return f"spark://{HOST}:{master_port}"


def local_master_url() -> str:
    """The URL of the master `make cluster-up` starts on this machine (SPARK_MASTER_PORT)."""
    return master_url_at(port("SPARK_MASTER_PORT"))


@dataclass(frozen=True)
class Cluster:
    """Where the services listen and keep their files. Ports: DEFAULT_PORTS (or their environment
    variables); the Thrift Server's is the `thrift` target's (SPARK_THRIFT_PORT in the profile)."""

    master_port: int
    master_webui_port: int
    worker_webui_port: int
    thrift_port: int
    services_dir: Path
    metastore: metastore.Metastore

    @property
    def master_url(self) -> str:
        return master_url_at(self.master_port)

    def ports(self, service: str) -> tuple[int, ...]:
        """The ports `service` listens on (besides ephemeral ones of Spark's RPC)."""
        return {
            "metastore": (self.metastore.port,),
            "master": (self.master_port, self.master_webui_port),
            "worker": (self.worker_webui_port,),
            "thrift": (self.thrift_port,),
        }[service]

    def pid_file(self, service: str) -> Path:
        return self.services_dir / f"{service}.pid"

    def log_file(self, service: str) -> Path:
        return self.services_dir / f"{service}.log"


def from_environment() -> Cluster:
    conf = spark_conf()
    if not is_postgres(conf):
        raise UserError(METASTORE_NEEDED)
    thrift = target_output(THRIFT_TARGET)
    if str(thrift["host"]) != HOST:
        raise UserError(
            f"the thrift target points at {thrift['host']}; the local cluster serves {HOST} only "
            "(unset SPARK_THRIFT_HOST)"
        )
    state = state_dir()
    return Cluster(
        master_port=port("SPARK_MASTER_PORT"),
        master_webui_port=port("SPARK_MASTER_WEBUI_PORT"),
        worker_webui_port=port("SPARK_WORKER_WEBUI_PORT"),
        thrift_port=int(thrift["port"]),
        services_dir=state / SERVICES_DIR,
        metastore=metastore.from_conf(conf, state / POSTGRES_DIR),
    )


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


def memory_mib(setting: str) -> int:
    """A JVM memory setting in MiB: '4g' -> 4096, '512m' -> 512."""
    units = {"k": 1 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024}
    value = setting.strip().lower().removesuffix("b")
    if value[-1:] in units:
        return int(float(value[:-1]) * units[value[-1]])
    return int(value) // (1024 * 1024)


def commands(cluster: Cluster) -> dict[str, list[str]]:
    """The command line of each service."""
    bin_dir = spark_home() / "bin"
    conf = spark_conf(master=cluster.master_url)
    conf["spark.app.name"] = "movielens-thrift-server"
    apps_side_by_side = 2  # the Thrift Server and one ml command
    worker = [
        "--cores",
        str(apps_side_by_side * int(conf["spark.cores.max"])),
        "--memory",
        f"{apps_side_by_side * memory_mib(conf['spark.executor.memory'])}m",
    ]
    server_settings = [f"--conf={key}={value}" for key, value in conf.items()]
    return {
        "metastore": metastore.command(cluster.metastore),
        "master": [
            str(bin_dir / "spark-class"),
            "org.apache.spark.deploy.master.Master",
            *("--host", HOST, "--port", str(cluster.master_port)),
            *("--webui-port", str(cluster.master_webui_port)),
        ],
        "worker": [
            str(bin_dir / "spark-class"),
            "org.apache.spark.deploy.worker.Worker",
            *("--host", HOST, "--webui-port", str(cluster.worker_webui_port)),
            *("--work-dir", str(cluster.services_dir / "work")),
            *worker,
            cluster.master_url,
        ],
        "thrift": [
            str(bin_dir / "spark-submit"),
            "--class=org.apache.spark.sql.hive.thriftserver.HiveThriftServer2",
            *server_settings,
            "--hiveconf",
            f"hive.server2.thrift.bind.host={HOST}",
            "--hiveconf",
            f"hive.server2.thrift.port={cluster.thrift_port}",
            "spark-internal",
        ],
    }


def service_environment() -> dict[str, str]:
    return {
        **os.environ,
        # every socket of the daemons and of the executors they launch (web UIs included) on loopback
        "SPARK_LOCAL_IP": HOST,
        # the master's REST submission server: not needed, so not listening
        "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false",
        "PYSPARK_PYTHON": os.environ.get("PYSPARK_PYTHON", sys.executable),
    }


# services started by this process: their exit is collected here (until then a dead one would
# still count as a process, a zombie)
_started: dict[int, subprocess.Popen] = {}


def running_pid(cluster: Cluster, service: str) -> int | None:
    """The PID of `service` if its PID file names a live process group (that very process, not
    one that has its number now), else None."""
    pid = live_pid(cluster.pid_file(service))
    return pid if pid is not None and group_alive(pid) else None


def group_alive(pid: int) -> bool:
    """Whether process group `pid` still has a process (its leader may have exited)."""
    if pid in _started:
        _started[pid].poll()
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def log_tail(cluster: Cluster, service: str) -> str:
    try:
        lines = cluster.log_file(service).read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return "(no log)"
    return "\n".join(lines[-LOG_TAIL_LINES:])


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        # as the services bind theirs: a port whose last connections are in TIME_WAIT (after a
        # cluster-down) is free to them
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def master_state(cluster: Cluster) -> dict:
    with urllib.request.urlopen(f"http://{HOST}:{cluster.master_webui_port}/json/", timeout=5) as response:
        return json.load(response)


def master_ready(cluster: Cluster) -> bool:
    return master_state(cluster).get("status") == "ALIVE"


def worker_ready(cluster: Cluster) -> bool:
    workers = master_state(cluster).get("workers", [])
    webui = f"http://{HOST}:{cluster.worker_webui_port}"
    return any(worker["state"] == "ALIVE" and worker["webuiaddress"] == webui for worker in workers)


def thrift_ready(cluster: Cluster) -> bool:
    from pyhive import hive

    with socket.socket() as probe:  # not listening yet: no session attempt (thrift logs each failure)
        if probe.connect_ex((HOST, cluster.thrift_port)) != 0:
            return False
    connection = hive.connect(host=HOST, port=cluster.thrift_port, username="movielens-cluster-up")
    try:
        cursor = connection.cursor()
        cursor.execute("select 1")
        return cursor.fetchall() == [(1,)]
    finally:
        connection.close()


READY: dict[str, Callable[[Cluster], bool]] = {
    "metastore": lambda cluster: metastore.ready(cluster.metastore),
    "master": master_ready,
    "worker": worker_ready,
    "thrift": thrift_ready,
}


def wait_until_ready(
    cluster: Cluster, service: str, pid: int, timeout: float = START_TIMEOUT_SECONDS
) -> float:
    """Seconds until `service` answers; UserError with its log tail if it exits or times out."""
    started = time.monotonic()

    def failure(what: str) -> UserError:
        return UserError(f"{service} {what}; {cluster.log_file(service)} ends:\n{log_tail(cluster, service)}")

    while time.monotonic() - started < timeout:
        if running_pid(cluster, service) != pid:
            raise failure("exited while starting")
        try:
            if READY[service](cluster):
                return time.monotonic() - started
        except Exception:  # not answering yet: refused connection, no JSON, no session
            pass
        time.sleep(1)
    raise failure(f"did not answer within {timeout:.0f} s")


def start(cluster: Cluster, service: str, command: list[str]) -> int:
    with cluster.log_file(service).open("ab") as log:
        log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(command)}\n".encode())
        log.flush()
        process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,  # the profile's relative paths are the project's
            env=service_environment(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole
            **(metastore.service_user() if service == "metastore" else {}),
        )
    _started[process.pid] = process
    write_pid_file(cluster.pid_file(service), process.pid)
    return process.pid


def up(cluster: Cluster, echo: Callable[[str], None] = print, services: tuple[str, ...] = SERVICES) -> None:
    """Start whatever of `services` is not running, in order, each once the one before it answers."""
    cluster.services_dir.mkdir(parents=True, exist_ok=True)
    service_commands = commands(cluster)
    try:
        for service in services:
            pid = running_pid(cluster, service)
            if pid is not None:
                echo(f"ok: {service} already running (pid {pid})")
                continue
            for port in cluster.ports(service):
                if not port_is_free(port):
                    raise UserError(
                        f"port {port} on {HOST} is taken by another process, so the {service} cannot start; "
                        "stop that process or choose other ports (README: Running on a cluster)"
                    )
            if service == "metastore":
                metastore.initialize(cluster.metastore)
            pid = start(cluster, service, service_commands[service])
            seconds = wait_until_ready(cluster, service, pid)
            echo(f"ok: {service} answers after {seconds:.0f} s (pid {pid}, log {cluster.log_file(service)})")
            if service == "metastore":
                java = java_executable() or "java"
                metastore.make_schema(cluster.metastore, spark_conf(), java, spark_home() / "jars")
    except UserError:
        down(cluster, echo=lambda line: None, services=services)
        raise
    if services == SERVICES:
        echo(f"cluster up: master {cluster.master_url}, Thrift Server {HOST}:{cluster.thrift_port}")
    echo(f"metastore: PostgreSQL on {HOST}:{cluster.metastore.port}, database {cluster.metastore.database}")


def stop(cluster: Cluster, service: str, timeout: float = STOP_TIMEOUT_SECONDS) -> int | None:
    """SIGTERM to the service's process group, SIGKILL if it outlives `timeout`; its PID or None.
    The PID file is checked once, before any signal; then the group is followed to its end."""
    pid = running_pid(cluster, service)
    if pid is not None:
        if service == "metastore":  # PostgreSQL's fast shutdown: its clients' sessions end, it stops
            os.kill(pid, signal.SIGINT)
        else:
            os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while group_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        if group_alive(pid):
            os.killpg(pid, signal.SIGKILL)
            while group_alive(pid):
                time.sleep(0.2)
    cluster.pid_file(service).unlink(missing_ok=True)
    return pid


def down(cluster: Cluster, echo: Callable[[str], None] = print, services: tuple[str, ...] = SERVICES) -> None:
    """Stop every one of `services`, the Thrift Server first (it is the master's app), the
    metastore last (every app uses it)."""
    for service in reversed(services):
        pid = stop(cluster, service)
        echo(f"ok: {service} stopped (pid {pid})" if pid else f"ok: {service} not running")


def status(cluster: Cluster) -> dict[str, int | None]:
    return {service: running_pid(cluster, service) for service in SERVICES}
