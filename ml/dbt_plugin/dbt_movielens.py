"""dbt plugin of movielens-dbt-spark, for the project's dbt commands:

- before a Spark session opens, it takes the warehouse's lock (ml.warehouse.lock): on Derby's
  metastore, so that a second run stops at once naming the first, instead of failing in Derby; on
  a shared one (PostgreSQL's, the `thrift` target's), the lock of the runs that write, for any
  command but those that only read, so that two runs never write the same tables at once;
- on the `thrift` target, it lets dbt-spark's connection close past one known server error.
  Spark 4's Thrift Server ships without Hive's LLAP classes, and closing a session now and then
  initializes Hive's function registry, which needs one of them
  (NoClassDefFoundError: org/apache/hadoop/hive/llap/security/LlapSigner$Signable). The server
  has already dropped the session by then, so nothing is left open, but dbt-spark closes the
  connection after every node and would fail that node;
- on every target, it prints the screen that explains a failed run (macros/explain_failed_run.sql,
  an on-run-end hook, logs it at debug level with a mark) after dbt's own summary, as the last of
  the output.

dbt loads plugins from top-level modules named `dbt_*` that list them in `plugins`; `make venv`
puts this folder on the virtualenv's path (a .pth file).
"""

from __future__ import annotations

from dbt.plugins.manager import dbtPlugin

PROJECT_NAME = "movielens"
# commands that never open a Spark session
OFFLINE_COMMANDS = {"clean", "deps", "init", "list", "ls", "parse"}
# commands that only read tables: on a shared metastore they run beside the builds (`generate`:
# dbt docs generate)
READ_COMMANDS = {"compile", "debug", "generate", "show"}
MISSING_LLAP_CLASS = "org/apache/hadoop/hive/llap/security/LlapSigner$Signable"
# macros/explain_failed_run.sql's movielens_screen_mark
SCREEN_MARK = "movielens-screen: "


class FailureScreen:
    """An event callback that keeps the marked lines of the on-run-end hook and prints them once
    the command has completed, after everything dbt prints."""

    def __init__(self, write=print) -> None:
        self.lines: list[str] = []
        self.write = write

    def __call__(self, event) -> None:
        name = event.info.name
        if name == "JinjaLogDebug" and event.data.msg.startswith(SCREEN_MARK):
            self.lines.append(event.data.msg[len(SCREEN_MARK) :])
        elif name == "CommandCompleted" and self.lines:
            self.write("\n".join(self.lines), flush=True)
            self.lines = []


def print_failure_screen_last() -> None:
    from dbt_common.events.event_manager_client import get_event_manager

    manager = get_event_manager()
    if not any(isinstance(callback, FailureScreen) for callback in manager.callbacks):
        manager.add_callback(FailureScreen())


def tolerate_missing_llap_on_close() -> None:
    """Patch dbt-spark's thrift connection close to pass the server's missing-LLAP error."""
    from dbt.adapters.spark.connections import PyhiveConnectionWrapper

    close = PyhiveConnectionWrapper.close
    if getattr(close, "tolerates_missing_llap", False):
        return

    def close_tolerating_missing_llap(self) -> None:
        try:
            close(self)
        except Exception as error:  # pyhive's OperationalError, raised after the session is gone
            if MISSING_LLAP_CLASS not in str(error):
                raise

    close_tolerating_missing_llap.tolerates_missing_llap = True
    PyhiveConnectionWrapper.close = close_tolerating_missing_llap


class MovielensLock(dbtPlugin):
    def initialize(self) -> None:
        if self.project_name != PROJECT_NAME:
            return
        from dbt.flags import get_flags

        flags = get_flags()
        if getattr(flags, "WHICH", None) in OFFLINE_COMMANDS:
            return
        print_failure_screen_last()
        from ml.warehouse.session import default_target, hold_warehouse, is_thrift

        target = getattr(flags, "TARGET", None) or default_target()
        if is_thrift(target):
            tolerate_missing_llap_on_close()
        hold_warehouse(target, writes=flags.WHICH not in READ_COMMANDS)


plugins = [MovielensLock]
