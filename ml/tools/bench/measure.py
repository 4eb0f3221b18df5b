"""What a benchmark stage costs: its wall time, the peak resident memory (VmHWM, from /proc) of
every process it starts, children and grandchildren included, and the share of the machine's
cores busy meanwhile; and the machine it ran on."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from ml import PROJECT_DIR, UserError
from ml.progress import clock


def _children(pid: int) -> list[int]:
    """Direct children of `pid` (every thread's list)."""
    children: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            children += [int(child) for child in (task / "children").read_text().split()]
    except OSError:
        pass
    return children


def _peak_rss(pid: int) -> tuple[str, int] | None:
    """(command name, VmHWM in bytes) of a live process."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    if "VmHWM" not in fields:
        return None
    return fields["Name"].strip(), int(fields["VmHWM"].split()[0]) * 1024


def cpu_ticks() -> tuple[int, int]:
    """(busy, all) clock ticks of every core since boot, from /proc/stat: busy is all but idle and
    waiting for I/O (guest time is inside user time, so not added again)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    total = sum(fields)
    return total - fields[3] - fields[4], total


def busy_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    """The share of the machine's cores busy between two cpu_ticks readings (1.0: every core)."""
    busy, total = after[0] - before[0], after[1] - before[1]
    return busy / total if total else 0.0


class TreeMemory:
    """Samples the peak RSS of every process under a pid until stopped."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.pid, self.interval = pid, interval
        self.peaks: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            pending = [self.pid]
            while pending:
                pid = pending.pop()
                sample = _peak_rss(pid)
                if sample:
                    name, peak = sample
                    self.peaks[pid] = (name, max(peak, self.peaks.get(pid, (name, 0))[1]))
                pending += _children(pid)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def largest(self) -> dict[str, Any]:
        if not self.peaks:
            return {"process": None, "peak_rss_bytes": 0}
        name, peak = max(self.peaks.values(), key=lambda item: item[1])
        return {"process": name, "peak_rss_bytes": peak}


def run_stage(name: str, command: list[str], env: dict[str, str], log_dir: Path) -> dict[str, Any]:
    """Run `command`, echoing its output (and keeping it in <log_dir>/<name>.log); its wall time,
    the largest peak RSS among its processes and the share of the cores busy (the whole machine's,
    so the bench should run alone: it tells whether a stage kept the cores working or waited). A
    failed stage stops the benchmark."""
    print(f"bench: stage {name}: {' '.join(command)}", flush=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / f"{name}.log"
    started, ticks = time.monotonic(), cpu_ticks()
    with (
        log_file.open("w") as log,
        subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as process,
        TreeMemory(process.pid) as memory,
    ):
        assert process.stdout is not None
        for line in process.stdout:
            log.write(line)
            print(f"  | {line}", end="", flush=True)
        code = process.wait()
    seconds, cpu_busy = time.monotonic() - started, busy_share(ticks, cpu_ticks())
    if code != 0:
        raise UserError(f"bench: stage {name} failed (exit {code}); its output is in {log_file}")
    result = {"stage": name, "seconds": round(seconds, 1), **memory.largest(), "cpu_busy": round(cpu_busy, 3)}
    print(
        f"bench: stage {name} took {clock(seconds)}, peak RSS "
        f"{result['peak_rss_bytes'] / 1024**3:.2f} GiB ({result['process']}), cores busy {cpu_busy:.0%}",
        flush=True,
    )
    return result


def machine() -> dict[str, Any]:
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    import pyspark

    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "java": java,
        "spark": pyspark.__version__,
        "python": platform.python_version(),
        "native_blas": native_blas(),
    }


def native_blas() -> str | None:
    """The native BLAS library Spark's netlib would load (libblas.so.3), if any."""
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    try:
        listing = subprocess.run([ldconfig, "-p"], capture_output=True, text=True).stdout
    except OSError:
        return None
    for line in listing.splitlines():
        if "libblas.so.3 " in line and "=>" in line:
            return os.path.realpath(line.split("=>")[1].strip())
    return None
