"""One run at a time per warehouse.

The embedded Derby metastore admits one JVM, so every process that opens it (dbt on the `local`
target, `python -m ml`) first takes `<state dir>/metastore.lock`; a second one stops at once with a
message naming the holder, instead of Derby's stack trace. It is an flock: the kernel releases it
when the holder exits, kill -9 included, so it never goes stale. A process whose ancestor holds it
goes on under it: `python -m ml hold -- make ...` (make run, make test) holds it for every step of
a run.

A shared metastore (PostgreSQL's, METASTORE=postgres; the Thrift Server's clients use it too)
admits every process at once, so only the runs that write tables (dbt's builds, the ml steps, the
pipeline over all its steps) take `<state dir>/writes.lock`: two at once would replace each other's
tables midway. Reads (queries, recommend, summary, the report, dbt docs generate) take none.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from ml import UserError

LOCK_FILE = "metastore.lock"
WRITES_LOCK_FILE = "writes.lock"
# why a second process must wait, per lock file
WHY_ONE_AT_A_TIME = {
    LOCK_FILE: "its Derby metastore admits one process at a time",
    WRITES_LOCK_FILE: "runs that write its tables go one at a time (reads go on beside them)",
}
# what else a second process can do: another warehouse has a metastore of its own; another state
# folder on the same shared metastore would write the same tables
OTHERWISE = {LOCK_FILE: ", or give this one another MOVIELENS_SPARK_DIR", WRITES_LOCK_FILE: ""}


def lock_file_for(shared_metastore: bool, writes: bool = True) -> str | None:
    """The lock a process takes: Derby's for any process that opens it; on a shared metastore,
    that of the runs that write, and none for a process that only reads."""
    if not shared_metastore:
        return LOCK_FILE
    return WRITES_LOCK_FILE if writes else None


# lock files this process holds, with their file descriptors (kept open: closing one releases it)
_held: dict[Path, int] = {}


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


def ancestors(pid: int | None = None) -> set[int]:
    """The PIDs above `pid` (default: this process) up to init."""
    found = set()
    current = pid or os.getpid()
    while current > 1:
        try:
            current = int(Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
        found.add(current)
    return found


def holder(path: Path) -> tuple[int, str] | None:
    """(pid, command line) the lock file names, or None."""
    try:
        pid_text, _, command = path.read_text().partition(" ")
        return int(pid_text), command.strip()
    except (OSError, ValueError):
        return None


def acquire(state_dir: Path, pid: int | None = None, lock_file: str = LOCK_FILE) -> int | None:
    """Take the lock `lock_file` of `state_dir` for the life of this process (and of children it
    passes the returned descriptor to), recording `pid` (default: this process) as the holder.
    Returns the descriptor, or None when an ancestor holds the lock. UserError naming the holder
    otherwise."""
    path = state_dir / lock_file
    if path in _held:
        return _held[path]
    state_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        named = holder(path)
        if named and named[0] in ancestors():
            return None
        who = f"process {named[0]} ({named[1]})" if named else "another process"
        raise UserError(
            f"{state_dir} is in use by {who}: {WHY_ONE_AT_A_TIME[lock_file]}. Wait for that run to "
            f"finish (or stop it){OTHERWISE[lock_file]}"
        ) from None
    record(descriptor, pid or os.getpid())
    _held[path] = descriptor
    return descriptor


def record(descriptor: int, pid: int) -> None:
    """Name `pid` as the holder in the lock file open as `descriptor`."""
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, f"{pid} {command_line(pid)}\n".encode(), 0)
