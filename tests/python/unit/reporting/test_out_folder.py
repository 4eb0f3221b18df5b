"""The report's out folder: the report replaces its own files and nothing else, and refuses a
folder that holds someone else's."""

from __future__ import annotations

import pytest

from ml import UserError
from ml.reporting.out_folder import MANIFEST, PAGE, PAGE_TITLE, owned_files, replace_files


def text_writer(text: str):
    return lambda path: path.write_text(text)


def writers(**files: str):
    """Writers of text files, by name (__ for /)."""
    return {name.replace("__", "/"): text_writer(text) for name, text in files.items()}


def test_a_rerun_replaces_its_files_and_keeps_everything_else(tmp_path):
    out = tmp_path / "reports"
    replace_files(out, writers(**{"index.html": "page 1", "img__a.png": "a1", "img__b.png": "b1"}))
    (out / "notes.txt").write_text("a user's notes")
    (out / "img" / "mine.png").write_text("a user's image")
    (out / "test").mkdir()
    (out / "test" / "index.html").write_text("the report of make test")
    replace_files(out, writers(**{"img__a.png": "a2", "index.html": "page 2"}))
    assert (out / PAGE).read_text() == "page 2" and (out / "img" / "a.png").read_text() == "a2"
    assert not (out / "img" / "b.png").exists()  # the report's, no longer on its page
    assert (out / "notes.txt").read_text() == "a user's notes"
    assert (out / "img" / "mine.png").read_text() == "a user's image"
    assert (out / "test" / "index.html").read_text() == "the report of make test"
    assert owned_files(out) == ["img/a.png", "index.html"]


def test_a_folder_of_someone_elses_is_refused_untouched(tmp_path):
    (tmp_path / "Desktop.txt").write_text("a user's file")
    with pytest.raises(
        UserError, match=rf"report folder {tmp_path} holds files the report did not write \(Desktop.txt"
    ):
        replace_files(tmp_path, writers(**{"index.html": "page"}))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["Desktop.txt"]


def test_counterpart_an_empty_folder_and_the_folders_it_makes_are_the_reports(tmp_path):
    (tmp_path / "empty").mkdir()
    replace_files(tmp_path / "empty", writers(**{"index.html": "page"}))
    replace_files(tmp_path / "reports" / "test", writers(**{"index.html": "test page"}))
    # reports/ was made for reports/test: the report of make run may go there, beside it
    replace_files(tmp_path / "reports", writers(**{"index.html": "run page"}))
    assert (tmp_path / "reports" / "test" / PAGE).read_text() == "test page"
    assert (tmp_path / "reports" / PAGE).read_text() == "run page"
    assert (tmp_path / "empty" / MANIFEST).is_file()


def test_a_page_from_before_the_manifest_is_the_reports(tmp_path):
    (tmp_path / PAGE).write_text(f"<html><head><title>{PAGE_TITLE}</title>")
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "old.png").write_text("old figure")
    (tmp_path / "screenshot.png").write_text("the browser test's")
    replace_files(tmp_path, writers(**{"index.html": "new page"}))
    assert not (tmp_path / "img").exists()
    assert (tmp_path / "screenshot.png").exists()


def test_a_writer_that_fails_leaves_the_last_files(tmp_path):
    replace_files(tmp_path, writers(**{"img__a.png": "a1", "index.html": "page 1"}))

    def broken(path):
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        replace_files(tmp_path, {"img/a.png": broken, **writers(**{"index.html": "page 2"})})
    assert (tmp_path / PAGE).read_text() == "page 1" and (tmp_path / "img" / "a.png").read_text() == "a1"
    assert sorted(path.name for path in tmp_path.iterdir()) == [MANIFEST, "img", PAGE]
