"""PID files that name one process, not a number: the PID with the boot's id and the process's
start time (/proc/<pid>/stat), so that a file left by a process that ended, or from before a
reboot, never points at whatever process has that number now (`make cluster-down` would signal
it, `make cluster-up` would take it for a running service). Linux only, as the cluster is."""

from __future__ import annotations

from pathlib import Path

BOOT_ID = Path("/proc/sys/kernel/random/boot_id")
# field 22 of /proc/<pid>/stat: the start time in clock ticks since boot; counted after the
# command name, which is in parentheses and may hold spaces
START_TIME_AFTER_NAME = 19


def identity(pid: int) -> str | None:
    """The boot's id and the start time of process `pid`, or None if there is none."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    start_time = stat.rsplit(")", 1)[1].split()[START_TIME_AFTER_NAME]
    return f"{BOOT_ID.read_text().strip()} {start_time}"


def write_pid_file(path: Path, pid: int) -> None:
    path.write_text(f"{pid} {identity(pid)}\n")


def live_pid(path: Path) -> int | None:
    """The PID `path` records, if that very process still runs; None for no file, a file of
    another form (one from before it recorded the start time), or a process that has ended."""
    try:
        pid_text, recorded = path.read_text().strip().split(" ", 1)
        pid = int(pid_text)
    except (FileNotFoundError, ValueError):
        return None
    return pid if identity(pid) == recorded else None
