"""A data folder without ratings.csv (or with an empty file) stops the run with a message naming
the file and the variable to set: in `python -m ml check` (what `make run` calls first) and in
dbt itself (the on-run-start check); so does one whose path holds a character Spark cannot read
it by.

Marked after_pipeline: make test runs it beside the unit and integration tests, so that its two
pytest runs end about together."""

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import SMALL_DATA

from ml import PROJECT_DIR

pytestmark = pytest.mark.after_pipeline


@pytest.fixture
def data_without_ratings(tmp_path) -> Path:
    for name in ("movies.csv", "tags.csv", "links.csv"):
        (tmp_path / name).symlink_to(SMALL_DATA / name)
    return tmp_path


def ml_check(data_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ml", "check", "--data-dir", str(data_dir), *extra],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_names_the_missing_file(data_without_ratings):
    result = ml_check(data_without_ratings)
    assert result.returncode == 2
    assert f"{data_without_ratings}/ratings.csv is missing" in result.stderr
    assert "MOVIELENS_DIR" in result.stderr


def test_check_never_downloads_over_a_partial_folder(data_without_ratings):
    # a closed port: a download attempt would fail with a different message
    result = ml_check(
        data_without_ratings, "--download", "ml-latest-small", "--base-url", "http://127.0.0.1:9"
    )
    assert result.returncode == 2
    assert "ratings.csv is missing" in result.stderr
    assert not (data_without_ratings / "ratings.csv").exists()


def test_check_names_an_empty_file(data_without_ratings):
    (data_without_ratings / "ratings.csv").write_text("")
    result = ml_check(data_without_ratings)
    assert result.returncode == 2
    assert "ratings.csv is empty" in result.stderr


def test_check_accepts_the_small_dataset():
    result = ml_check(SMALL_DATA)
    assert result.returncode == 0, result.stderr
    assert "using MovieLens files" in result.stdout


def test_dbt_names_the_missing_file(run_dbt, data_without_ratings, tmp_path_factory):
    result = run_dbt("build", spark_dir=tmp_path_factory.mktemp("missing"), data_dir=data_without_ratings)
    assert result.returncode != 0
    assert f"{data_without_ratings}/ratings.csv is missing" in result.stdout
    assert "MOVIELENS_DIR" in result.stdout


def test_dbt_names_a_character_a_data_folder_cannot_hold(run_dbt, tmp_path_factory):
    # the counterpart, a folder with a space, a quote and a non-ASCII letter: e2e/test_rebuild.py
    data = tmp_path_factory.mktemp("ml-latest-small[1]")
    for name in ("movies.csv", "ratings.csv"):
        (data / name).symlink_to(SMALL_DATA / name)
    result = run_dbt("run", spark_dir=tmp_path_factory.mktemp("refused"), data_dir=data)
    assert result.returncode != 0
    assert f"the data folder (MOVIELENS_DIR) {data} holds the character [, " in result.stdout
    assert "Hadoop reads it as a file pattern" in result.stdout
