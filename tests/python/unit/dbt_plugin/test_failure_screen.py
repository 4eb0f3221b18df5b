"""The dbt plugin prints the on-run-end hook's marked lines (macros/explain_failed_run.sql) once
the command has completed, so that the screen closes the output."""

from __future__ import annotations

from types import SimpleNamespace

import dbt_movielens
from dbt_movielens import SCREEN_MARK, FailureScreen


def event(name: str, msg: str = "") -> SimpleNamespace:
    return SimpleNamespace(info=SimpleNamespace(name=name), data=SimpleNamespace(msg=msg))


def printed_by(events: list[SimpleNamespace]) -> list[str]:
    written = []
    screen = FailureScreen(write=lambda text, flush: written.append(text))
    for each in events:
        screen(each)
    return written


def test_the_marked_lines_are_printed_once_the_command_completed():
    events = [
        event("JinjaLogDebug", SCREEN_MARK + "=== What failed ==="),
        event("JinjaLogDebug", "a line of dbt's own"),
        event("JinjaLogDebug", SCREEN_MARK + "FAIL test a_test"),
        event("EndOfRunSummary"),
    ]
    assert printed_by(events) == []  # not before the command has completed
    assert printed_by([*events, event("CommandCompleted")]) == ["=== What failed ===\nFAIL test a_test"]


def test_counterpart_a_run_without_marked_lines_prints_nothing():
    assert printed_by([event("JinjaLogDebug", "a line of dbt's own"), event("CommandCompleted")]) == []


def test_the_mark_is_the_macros():
    from ml import PROJECT_DIR

    macro = (PROJECT_DIR / "macros" / "explain_failed_run.sql").read_text()
    assert f"{{{{ return('{SCREEN_MARK}') }}}}" in macro


def test_the_callback_is_added_once(monkeypatch):
    from dbt_common.events.event_manager_client import get_event_manager

    manager = get_event_manager()
    monkeypatch.setattr(manager, "callbacks", [])
    dbt_movielens.print_failure_screen_last()
    dbt_movielens.print_failure_screen_last()
    assert [type(callback) for callback in manager.callbacks] == [FailureScreen]
