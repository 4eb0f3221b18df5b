"""The page `make test` wrote with `python -m ml report`, opened in headless Chromium: every image,
every section, nothing fetched from a server; and the same checks catch a broken page."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from chromium import Chromium, find_binary
from helpers import wait_for_test_build

from ml import PROJECT_DIR
from ml.reporting.page import IMAGE_DIR, PAGE, SECTIONS

pytestmark = pytest.mark.reads_test_build

REPORT_DIR = Path(os.environ.get("MOVIELENS_REPORT_DIR", PROJECT_DIR / "reports" / "test"))


SCREENSHOT = "screenshot.png"


@pytest.fixture(scope="module")
def browser():
    binary = find_binary()
    if binary is None:
        pytest.fail(
            "no Chromium on the PATH: `make test` installs Debian's chromium (as root), or apt-get it"
        )
    chromium = Chromium(binary)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def report_page() -> Path:
    """The page the pipeline of `make test` wrote from the test build's tables (Makefile:
    TEST_REPORT_DIR)."""
    wait_for_test_build()
    page = REPORT_DIR / PAGE
    if not page.is_file():
        pytest.fail(f"no report at {page}: run `make test` (its pipeline writes it before pytest)")
    return page


def test_page_loads_every_image_without_errors(browser, report_page):
    browser.errors.clear()
    browser.open(report_page.as_uri())
    images = browser.evaluate(
        "[...document.images].map(image => [image.getAttribute('src'), image.naturalWidth])"
    )
    written = sorted(path.name for path in (report_page.parent / IMAGE_DIR).glob("*.png"))
    assert sorted(Path(src).name for src, _ in images) == written and len(written) >= 13
    assert [src for src, width in images if width <= 0] == []
    assert browser.errors == []
    browser.screenshot(report_page.parent / SCREENSHOT)
    assert (report_page.parent / SCREENSHOT).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_page_has_every_section_and_a_working_table_of_contents(browser, report_page):
    browser.open(report_page.as_uri())
    headings = browser.evaluate(
        "[...document.querySelectorAll('h2[id], h3[id]')].map(h => [h.id, h.textContent])"
    )
    assert [anchor for anchor, _ in headings if anchor != "contents"] == [anchor for anchor, _ in SECTIONS]
    assert dict(headings) == {"contents": "Contents", **dict(SECTIONS)}
    links = browser.evaluate("[...document.querySelectorAll('nav a')].map(a => a.getAttribute('href'))")
    assert links == [f"#{anchor}" for anchor, _ in SECTIONS]
    assert browser.evaluate("document.querySelectorAll('#sample-users ~ h4').length") == 3


def test_page_needs_no_server_and_no_internet(report_page):
    text = report_page.read_text(encoding="utf-8")
    references = re.findall(r'(?:src|href)="([^"]+)"', text)
    assert references and all(
        not re.match(r"[a-z]+://", ref) and not ref.startswith("//") for ref in references
    )
    assert "<script" not in text and "@import" not in text and "url(" not in text
    for ref in references:
        if not ref.startswith("#"):
            assert (report_page.parent / ref).is_file(), ref


def test_browser_check_catches_a_broken_page(browser, tmp_path):
    # the checks above can fail: a missing image and a console error are both seen
    page = tmp_path / PAGE
    page.write_text('<html><body><img src="missing.png"><script>console.error("boom")</script></body></html>')
    browser.errors.clear()
    browser.open(page.as_uri())
    assert browser.evaluate("document.images[0].naturalWidth") == 0
    assert any("boom" in error for error in browser.errors)
    assert any("missing.png" in error or "ERR_FILE_NOT_FOUND" in error for error in browser.errors)
