"""cluster-up's commands, checks and failures, without starting Spark; and the dbt plugin's close
past the Thrift Server's missing LLAP class."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import descendants

from ml import PROJECT_DIR

# the services after the metastore's database (tools/test_metastore.py starts that one)
SPARK_SERVICES = ("master", "worker", "thrift")
PORTS = {
    "SPARK_MASTER_PORT": "17077",
    "SPARK_MASTER_WEBUI_PORT": "18080",
    "SPARK_WORKER_WEBUI_PORT": "18081",
    "SPARK_THRIFT_PORT": "10010",
}


@pytest.fixture
def scratch_cluster(tmp_path):
    from ml.tools.metastore import Metastore
    from ml.tools.spark_cluster import Cluster

    metastore = Metastore(tmp_path / "services" / "metastore", free_port(), "db", "role", Path("driver.jar"))
    return Cluster(
        master_port=free_port(),
        master_webui_port=free_port(),
        worker_webui_port=free_port(),
        thrift_port=free_port(),
        services_dir=tmp_path / "services",
        metastore=metastore,
    )


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_memory_settings_in_mib():
    from ml.tools.spark_cluster import memory_mib

    assert [memory_mib(value) for value in ("4g", "512m", "1536M", "2gb", "1t")] == [
        4096,
        512,
        1536,
        2048,
        1048576,
    ]


def test_master_url_takes_its_port_from_the_environment_else_sparks_usual_one(monkeypatch):
    from ml.tools.spark_cluster import DEFAULT_PORTS, local_master_url

    monkeypatch.delenv("SPARK_MASTER_PORT", raising=False)
    assert local_master_url() == f"spark://127.0.0.1:{DEFAULT_PORTS['SPARK_MASTER_PORT']}"
    monkeypatch.setenv("SPARK_MASTER_PORT", PORTS["SPARK_MASTER_PORT"])
    assert local_master_url() == f"spark://127.0.0.1:{PORTS['SPARK_MASTER_PORT']}"
    result = subprocess.run(
        [sys.executable, "-m", "ml", "cluster", "master-url"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == local_master_url()  # what make cluster-run gives the ml steps


def test_service_commands_bind_loopback_and_cap_cores(scratch_cluster):
    from ml.tools.spark_cluster import commands

    service_commands = commands(scratch_cluster)
    master, worker, thrift = (
        service_commands["master"],
        service_commands["worker"],
        service_commands["thrift"],
    )
    assert master[master.index("--host") + 1] == worker[worker.index("--host") + 1] == "127.0.0.1"
    assert "hive.server2.thrift.bind.host=127.0.0.1" in thrift
    assert f"--conf=spark.master={scratch_cluster.master_url}" in thrift
    # the worker offers two apps their spark.cores.max each
    cores_max = next(arg.split("=")[-1] for arg in thrift if arg.startswith("--conf=spark.cores.max="))
    assert int(worker[worker.index("--cores") + 1]) == 2 * int(cores_max)


def test_taken_port_stops_cluster_up_naming_it(scratch_cluster):
    import socket

    from ml import UserError
    from ml.tools.spark_cluster import up

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", scratch_cluster.master_port))
        holder.listen()
        with pytest.raises(UserError, match=f"port {scratch_cluster.master_port} on 127.0.0.1 is taken"):
            up(scratch_cluster, echo=lambda line: None, services=SPARK_SERVICES)
    assert not list(scratch_cluster.services_dir.glob("*.pid"))


def test_service_that_exits_fails_with_its_log_tail(scratch_cluster, monkeypatch):
    from ml import UserError
    from ml.tools import spark_cluster as cluster

    failing = {"master": ["sh", "-c", "echo 'bind failed: the reason'; exit 3"], "worker": [], "thrift": []}
    monkeypatch.setattr(cluster, "commands", lambda _: failing)
    with pytest.raises(UserError, match=r"master exited while starting(?s:.)*bind failed: the reason"):
        cluster.up(scratch_cluster, echo=lambda line: None, services=SPARK_SERVICES)
    assert cluster.status(scratch_cluster) == dict.fromkeys(("metastore", *SPARK_SERVICES))


def test_down_stops_the_whole_process_group(scratch_cluster):
    from ml.tools import spark_cluster as cluster

    scratch_cluster.services_dir.mkdir(parents=True)
    # a service whose child ignores SIGTERM: the group is killed after the timeout
    pid = cluster.start(scratch_cluster, "master", ["sh", "-c", "sh -c 'trap \"\" TERM; sleep 600' & wait"])
    time.sleep(0.5)
    group = descendants({pid})
    assert len(group) >= 2
    assert cluster.stop(scratch_cluster, "master", timeout=2) == pid
    time.sleep(0.2)
    assert not [pid for pid in group if Path(f"/proc/{pid}").exists()]
    assert cluster.status(scratch_cluster)["master"] is None


def test_dbt_closes_thrift_connections_past_the_missing_llap_error(monkeypatch):
    import dbt_movielens
    from dbt.adapters.spark.connections import PyhiveConnectionWrapper

    monkeypatch.setattr(PyhiveConnectionWrapper, "close", PyhiveConnectionWrapper.close)
    dbt_movielens.tolerate_missing_llap_on_close()

    class Handle:
        def __init__(self, message: str) -> None:
            self.message = message

        def close(self) -> None:
            raise RuntimeError(self.message)

    wrapper = PyhiveConnectionWrapper.__new__(PyhiveConnectionWrapper)
    wrapper._cursor = None
    wrapper.handle = Handle(
        f"TCloseSessionResp(... NoClassDefFoundError: {dbt_movielens.MISSING_LLAP_CLASS} ...)"
    )
    wrapper.close()  # passes
    wrapper.handle = Handle("TCloseSessionResp(status=... some other failure)")
    with pytest.raises(RuntimeError, match="some other failure"):
        wrapper.close()


def test_a_stale_pid_file_is_never_signalled(scratch_cluster):
    from ml.tools import spark_cluster as cluster

    scratch_cluster.services_dir.mkdir(parents=True)
    # a live process group with the file's number, started after the file was written (as after
    # a reboot): not the service, so neither stopped nor taken for a running one
    bystander = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        scratch_cluster.pid_file("master").write_text(f"{bystander.pid} another-boot 1\n")
        assert cluster.status(scratch_cluster)["master"] is None
        assert cluster.stop(scratch_cluster, "master", timeout=1) is None
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()
