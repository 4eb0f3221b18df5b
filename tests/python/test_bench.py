"""The benchmark's measuring: peak memory of a process tree (children included) and a stage's
wall time; a failing stage stops the benchmark with its log named."""

from __future__ import annotations

import os
import sys

import pytest

from ml import UserError
from ml.tools.bench import run_stage

# a child that starts a grandchild holding ~300 MB for a second
ALLOCATE = (
    "import subprocess, sys; subprocess.run([sys.executable, '-c', "
    "\"import time; block = bytearray(300 * 1024 * 1024); block[::4096] = b'x' * len(block[::4096]); "
    'time.sleep(1.5)"], check=True)'
)


def test_a_stage_records_the_peak_memory_of_its_grandchildren(tmp_path):
    result = run_stage("allocate", [sys.executable, "-c", ALLOCATE], dict(os.environ), tmp_path)
    assert result["stage"] == "allocate" and result["seconds"] >= 1.5
    assert 300 * 1024**2 <= result["peak_rss_bytes"] < 1024**3
    assert (tmp_path / "allocate.log").is_file()


def test_a_failing_stage_stops_the_benchmark(tmp_path):
    command = [sys.executable, "-c", "print('half done'); raise SystemExit(3)"]
    with pytest.raises(UserError, match=r"stage broken failed \(exit 3\).*broken.log"):
        run_stage("broken", command, dict(os.environ), tmp_path)
    assert "half done" in (tmp_path / "broken.log").read_text()
