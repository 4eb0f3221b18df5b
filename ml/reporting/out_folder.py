"""The report's out folder: the files the report owns there, and their replacement.

The report writes into a folder it made, or one that was empty, and keeps there a manifest
(MANIFEST) of the files it wrote. A new page replaces those files one by one, each written beside
its place first and renamed over it, and deletes only those of them the new page no longer has:
whatever else the folder holds (a user's file, the screenshot of the browser test, the reports of
`make test` and `make cluster-run` in reports/test and reports/cluster) stays. A folder that holds
anything and no manifest is someone else's: refused, nothing written.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from ml import PROJECT_DIR, UserError

DEFAULT_OUT = PROJECT_DIR / "reports"
PAGE = "index.html"
IMAGE_DIR = "img"
# in the page's <title> (templates/report.html)
PAGE_TITLE = "MovieLens on dbt + Spark: report"

MANIFEST = ".movielens-report.json"
STAGING = ".movielens-report.writing"
# writes one file at the path it is given
Writer = Callable[[Path], None]


def owned_files(out_dir: Path) -> list[str]:
    """The files (relative paths) the report wrote into `out_dir` last time; [] for a new or empty
    folder, which it claims (the folders it makes for it too). UserError for a folder that holds
    anything and no manifest."""
    manifest = out_dir / MANIFEST
    if manifest.is_file():
        return json.loads(manifest.read_text(encoding="utf-8"))["files"]
    if _written_before_manifests(out_dir):
        return [PAGE, *(f"{IMAGE_DIR}/{image.name}" for image in (out_dir / IMAGE_DIR).glob("*.png"))]
    if out_dir.is_dir() and any(out_dir.iterdir()):
        found = ", ".join(sorted(entry.name for entry in out_dir.iterdir())[:5])
        raise UserError(
            f"the report folder {out_dir} holds files the report did not write ({found}...); "
            "the report writes only into a new or empty folder or one it wrote before: choose "
            "another (--out, make's REPORT_DIR)"
        )
    for folder in reversed([out_dir, *out_dir.parents]):
        if not folder.exists():
            folder.mkdir()
            _write_manifest(folder, [])
    if not manifest.is_file():
        _write_manifest(out_dir, [])
    return []


def replace_files(out_dir: Path, writers: dict[str, Writer]) -> None:
    """Write each file of `writers` (relative path -> writer) into `out_dir` in its place, in
    their order, then delete the files the report owned there and did not write now."""
    previous = owned_files(out_dir)
    staging = out_dir / STAGING
    shutil.rmtree(staging, ignore_errors=True)  # a staging folder of a run that was killed
    try:
        for name, write in writers.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            write(staging / name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    # listed before they move in, so that a kill mid-way leaves no file of ours unlisted
    _write_manifest(out_dir, sorted({*previous, *writers}))
    for name in writers:
        (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).replace(out_dir / name)
    for name in sorted(set(previous) - set(writers)):
        (out_dir / name).unlink(missing_ok=True)
        _remove_empty_parents(out_dir, Path(name).parent)
    _write_manifest(out_dir, list(writers))
    shutil.rmtree(staging, ignore_errors=True)


def _written_before_manifests(out_dir: Path) -> bool:
    """Whether `out_dir` holds a page of the report from before it kept a manifest (its title
    tells), whose folder it owned whole: its page and images are its files."""
    page = out_dir / PAGE
    return page.is_file() and PAGE_TITLE in page.read_text(encoding="utf-8", errors="replace")[:2000]


def _remove_empty_parents(out_dir: Path, folder: Path) -> None:
    """Remove `folder` (relative to `out_dir`) and its parents below `out_dir` while empty."""
    while folder != Path() and (out_dir / folder).is_dir() and not any((out_dir / folder).iterdir()):
        (out_dir / folder).rmdir()
        folder = folder.parent


def _write_manifest(folder: Path, files: list[str]) -> None:
    text = json.dumps({"written_by": "python -m ml report", "files": files}, indent=1)
    partial = folder / f"{MANIFEST}.partial"
    partial.write_text(text + "\n", encoding="utf-8")
    partial.replace(folder / MANIFEST)
