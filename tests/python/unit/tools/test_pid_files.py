"""PID files name one process: a file whose process ended, or that another process's start time
does not match (a reboot, a reused number), names none."""

from __future__ import annotations

import os
import subprocess

from ml.tools.pid_files import identity, live_pid, write_pid_file


def test_a_pid_file_names_its_running_process(tmp_path):
    path = tmp_path / "master.pid"
    write_pid_file(path, os.getpid())
    assert live_pid(path) == os.getpid()


def test_counterpart_a_stale_or_reused_number_names_no_process(tmp_path):
    path = tmp_path / "master.pid"
    ended = subprocess.Popen(["true"])
    ended.wait()
    write_pid_file(path, ended.pid)
    assert live_pid(path) is None  # the process ended
    # a live process with the recorded number but another start time: after a reboot, or a
    # number the kernel gave again
    path.write_text(f"{os.getpid()} {identity(os.getpid()).split()[0]} 1\n")
    assert live_pid(path) is None
    path.write_text(f"{os.getpid()}\n")  # a file from before the start time was recorded
    assert live_pid(path) is None
    assert live_pid(tmp_path / "none.pid") is None
