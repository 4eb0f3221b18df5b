"""Writing the report: a run that fails keeps the last page."""

from __future__ import annotations

import pytest

from ml.reporting.page import PAGE


def test_a_failed_report_keeps_the_last_page(spark, table, tmp_path, monkeypatch):
    from ml.reporting import report
    from ml.warehouse.project import project_vars

    out = tmp_path / "reports"
    out.mkdir()
    (out / PAGE).write_text("the last good page")

    def broken(*args, **kwargs):
        raise RuntimeError("eda table unreadable")

    monkeypatch.setattr(report, "add_data_section", broken)
    with pytest.raises(RuntimeError, match="unreadable"):
        report.write_report(spark, project_vars(), out, log=lambda message: None)
    assert (out / PAGE).read_text() == "the last good page"
