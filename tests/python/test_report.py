"""The HTML report: its aggregates, and the page itself opened in headless Chromium."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from chromium import Chromium, find_binary

from ml import PROJECT_DIR
from ml.reporting.report import (
    IMAGE_DIR,
    PAGE,
    SECTIONS,
    movie_map,
    prediction_cells,
    sample_user_ids,
    user_activity_histogram,
    write_report,
)

# where `make test` writes its report (Makefile: TEST_REPORT_DIR); the test writes it there again
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
def report_page(spark, table) -> Path:
    """The page written from the test build's tables alone (no model is fitted here)."""
    from ml.warehouse.project import project_vars

    return write_report(spark, project_vars(), REPORT_DIR, log=lambda message: None)


def test_user_activity_histogram_bins_by_powers_of_ten(spark):
    activity = spark.createDataFrame(
        [(1, 20, 20), (2, 25, 0), (3, 100, 99), (4, 1000, 1000)],
        "user_id int, ratings_raw int, ratings_on_cleaned_movies int",
    )
    rows = user_activity_histogram(activity, bins_per_decade=1).collect()
    assert [(round(row["bin_start"]), row["users_raw"], row["users_on_cleaned_movies"]) for row in rows] == [
        (10, 2, 2),  # 20 and 25 raw; 20 and 99 of cleaned movies (the user with none leaves)
        (100, 1, 0),
        (1000, 1, 1),
    ]


def test_sample_users_are_fixed_by_seed_and_have_test_ratings(spark):
    recommendations = spark.createDataFrame(
        [(user, 1, 7) for user in range(1, 40)], "user_id int, rank int, movie_id int"
    )
    test = spark.createDataFrame(
        [(user, 9, 4.0) for user in range(20, 60)], "user_id int, movie_id int, rating double"
    )
    chosen = sample_user_ids(recommendations, test, seed=42)
    assert len(chosen) == 3 and all(20 <= user < 40 for user in chosen)
    assert sample_user_ids(recommendations, test, seed=42) == chosen
    assert sample_user_ids(recommendations, test, seed=7) != chosen


def test_prediction_cells_count_every_scorable_test_rating_once(spark):
    from ml.recommenders.rating_models import estimator

    train = spark.createDataFrame(
        [(user, movie, float(1 + (user * movie) % 5)) for user in range(1, 9) for movie in range(1, 7)],
        "user_id int, movie_id int, rating double",
    )
    test = spark.createDataFrame(
        [(1, 2, 4.0), (2, 3, 0.5), (3, 4, 5.0), (99, 1, 3.0)],  # user 99 is unknown to the model
        "user_id int, movie_id int, rating double",
    )
    model = estimator(rank=2, reg_param=0.1, max_iter=5, seed=0, blocks=1).fit(train)
    cells = prediction_cells(model, test).collect()
    assert sum(row["ratings"] for row in cells) == 3
    assert all(0.5 <= row["predicted_bin"] <= 5.0 and 0.5 <= row["mean_prediction"] <= 5.0 for row in cells)
    assert {row["rating"] for row in cells} == {4.0, 0.5, 5.0}


def test_the_movie_map_projects_at_most_the_asked_movies(spark):
    movies = spark.createDataFrame(
        [(movie, movie % 2, 1 - movie % 2, 2.0 + movie % 7 / 3) for movie in range(1, 201)],
        "movie_id int, genre_action int, genre_drama int, avg_rating double",
    )
    clusters = spark.createDataFrame(
        [(movie, movie % 3) for movie in range(1, 201)], "movie_id int, cluster int"
    )
    everything = movie_map(movies, clusters).toPandas()
    assert len(everything) == 200 and set(everything.columns) == {"movie_id", "cluster", "pc1", "pc2"}
    sample = movie_map(movies, clusters, most=50).toPandas()
    assert 25 <= len(sample) <= 75  # a hash sample of about a quarter
    again = movie_map(movies, clusters, most=50).toPandas()
    assert sorted(sample["movie_id"]) == sorted(again["movie_id"])  # the same movies every time


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


def test_a_failed_report_keeps_the_last_page(spark, table, tmp_path, monkeypatch):
    from ml.reporting import report
    from ml.warehouse.project import project_vars

    out = tmp_path / "reports"
    out.mkdir()
    (out / PAGE).write_text("the last good page")

    def broken(*args, **kwargs):
        raise RuntimeError("eda table unreadable")

    monkeypatch.setattr(report, "_data_section", broken)
    with pytest.raises(RuntimeError, match="unreadable"):
        report.write_report(spark, project_vars(), out, log=lambda message: None)
    assert (out / PAGE).read_text() == "the last good page"
