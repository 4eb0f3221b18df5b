"""The bad-input catalog: damaged copies of MovieLens as they occur in the wild, each ending in
the expected error (file, line, what was expected) or quarantine row, never in a silently
dropped, duplicated or mis-parsed row.

File-level damage stops `python -m ml check` (run before dbt by `make run` and `make test`).
Row-level damage goes to the quarantine mart: one dbt build of a copy of ml-latest-small with
CRLF line ends, BOMs and every bad row of the catalog added, compared with the clean build.
A missing or empty file: test_missing_data.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import SMALL_DATA, warehouse_table

from ml import PROJECT_DIR
from ml.tools.data_files import expected_headers

pytestmark = pytest.mark.reads_test_build

FILES = ("movies.csv", "ratings.csv", "tags.csv", "links.csv")


def copy_small_data(folder: Path, crlf: bool = False, bom: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        data = (SMALL_DATA / name).read_bytes()
        if crlf:
            data = data.replace(b"\n", b"\r\n")
        if bom:
            data = b"\xef\xbb\xbf" + data
        (folder / name).write_bytes(data)
    return folder


def ml_check(data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ml", "check", "--data-dir", str(data_dir)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


# file-level damage: `python -m ml check`


def test_headers_come_from_the_dbt_sources():
    assert expected_headers() == {
        "movies.csv": "movieId,title,genres",
        "ratings.csv": "userId,movieId,rating,timestamp",
        "tags.csv": "userId,movieId,tag,timestamp",
        "links.csv": "movieId,imdbId,tmdbId",
    }


def test_the_optional_files_are_those_the_dbt_sources_mark_optional():
    import yaml

    from ml.tools.data_files import OPTIONAL_FILES, SOURCES_FILE

    tables = yaml.safe_load(SOURCES_FILE.read_text())["sources"][0]["tables"]
    assert tuple(table["meta"]["file"] for table in tables if table["meta"].get("optional")) == OPTIONAL_FILES


def test_wrong_header_stops_the_check_naming_file_and_line(tmp_path):
    data = copy_small_data(tmp_path)
    ratings = data / "ratings.csv"
    # re-saved by a spreadsheet in a semicolon locale
    ratings.write_text(ratings.read_text().replace(",", ";"))
    result = ml_check(data)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {ratings}, line 1: expected the header 'userId,movieId,rating,timestamp', "
        "found 'userId;movieId;rating;timestamp'"
    ]


def test_bom_and_crlf_pass_the_check(tmp_path):
    result = ml_check(copy_small_data(tmp_path, crlf=True, bom=True))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda text: text.encode("utf-16"), "is UTF-16"),
        (lambda text: text.encode("utf-16-le"), "is UTF-16"),  # without a byte-order mark
        (lambda text: text.replace("\n", "\r").encode(), "has CR-only line ends"),
        (lambda text: b"", "is empty"),
    ],
    ids=["UTF-16", "UTF-16 without BOM", "CR-only", "empty"],
)
def test_a_tags_file_in_another_encoding_or_line_end_stops_the_check(tmp_path, damage, message):
    data = copy_small_data(tmp_path)
    tags = data / "tags.csv"
    tags.write_bytes(damage(tags.read_text(encoding="utf-8")))
    result = ml_check(data)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and f"{tags} {message}" in result.stderr
    assert result.stderr.count("\n") == 1


def test_counterpart_without_tags_and_links_the_check_passes(tmp_path):
    data = copy_small_data(tmp_path)
    (data / "tags.csv").unlink()
    (data / "links.csv").unlink()
    result = ml_check(data)
    assert result.returncode == 0, result.stderr


def test_bad_utf8_stops_the_check_naming_line_and_column(tmp_path):
    data = copy_small_data(tmp_path)
    movies = data / "movies.csv"
    lines = movies.read_bytes().split(b"\n")
    # a Latin-1 byte, as a title re-saved in another encoding has it
    lines[5] = b"5,P\xe8re de la mari\xe9e (1995),Comedy"
    movies.write_bytes(b"\n".join(lines))
    result = ml_check(data)
    assert result.returncode == 2
    assert f"error: {movies}, line 6, column 4: byte 0xe8 is not UTF-8" in result.stderr


def test_utf8_check_finds_a_bad_byte_across_chunk_boundaries(tmp_path):
    from ml import UserError
    from ml.tools.data_files import check_utf8

    path = tmp_path / "tags.csv"
    good_line = "1,2,caf\u00e9 cr\u00e8me,3\n".encode()
    path.write_bytes(good_line * 1000 + b"1,2,\xff,3\n" + good_line)
    with pytest.raises(UserError, match=r"line 1001, column 5: byte 0xff"):
        check_utf8(path, chunk_bytes=7)  # multi-byte characters split between chunks
    path.write_bytes(good_line * 1000)
    check_utf8(path, chunk_bytes=7)


# row-level damage: one dbt build into a scratch warehouse

JUNK_CASE = "junk row at the end"
BAD_ROWS = {
    # case: (file, line added, the rule it must be quarantined under)
    "unquoted comma in a title": (
        "movies.csv",
        "999901,Hello, World (1999),Drama",
        "malformed row: wrong number of fields or broken quoting",
    ),
    "non-numeric movie id": ("movies.csv", "x999902,Bad Id (2000),Drama", "non-numeric id"),
    "non-numeric user id": ("ratings.csv", "u999,1,4.0,964982703", "non-numeric id"),
    "rating 6.0": ("ratings.csv", "999,1,6.0,964982703", "rating not in 0.5..5.0 in half stars"),
    "rating 3.3": ("ratings.csv", "999,2,3.3,964982703", "rating not in 0.5..5.0 in half stars"),
    "duplicate rating": (
        "ratings.csv",
        "999,3,4.0,964982703",  # rated again later below: this, the earlier one, goes
        "duplicate rating of the same movie by the same user (the latest is kept)",
    ),
    "rating of an unknown movie": (
        "ratings.csv",
        "999,88888888,4.0,964982703",
        "rating of a movie missing from movies.csv",
    ),
    "empty required field": ("ratings.csv", "999,5,4.0,", "empty required field"),
    "timestamp before MovieLens": (
        "ratings.csv",
        "999,6,4.0,100",
        "timestamp before min_rating_date or in the future",
    ),
    "bad UTF-8 reaching dbt": ("tags.csv", "999,1,caf\\xe9,964982703", "not valid UTF-8"),
    "tag of an unknown movie": (
        "tags.csv",
        "999,88888888,lost,964982703",
        "tag of a movie missing from movies.csv",
    ),
    "link of an unknown movie": (
        "links.csv",
        "88888888,0000001,1",
        "link of a movie missing from movies.csv",
    ),
    JUNK_CASE: (
        "ratings.csv",
        "-- exported by SpreadCalc 3.1 --",
        "malformed row: wrong number of fields or broken quoting",
    ),
}
# the later rating of the duplicated pair, which is kept
KEPT_ROWS = {"ratings.csv": ["999,3,3.0,964990000"]}


@pytest.fixture(scope="module")
def damaged_build(tmp_path_factory, run_dbt) -> Path:
    """dbt build on ml-latest-small with CRLF line ends, BOMs on movies.csv and ratings.csv, and
    every bad row of BAD_ROWS added (the junk row last)."""
    data = tmp_path_factory.mktemp("damaged-data")
    for name in FILES:
        text = (SMALL_DATA / name).read_bytes()
        rows = [line for case, (file, line, _) in BAD_ROWS.items() if file == name and case != JUNK_CASE]
        rows += KEPT_ROWS.get(name, [])
        if BAD_ROWS[JUNK_CASE][0] == name:
            rows.append(BAD_ROWS[JUNK_CASE][1])
        added = "".join(f"{row}\n" for row in rows).encode().replace(b"\\xe9", b"\xe9")
        data_bytes = (text + added).replace(b"\n", b"\r\n")
        if name in ("movies.csv", "ratings.csv"):
            data_bytes = b"\xef\xbb\xbf" + data_bytes
        (data / name).write_bytes(data_bytes)
    spark_dir = tmp_path_factory.mktemp("damaged-warehouse")
    # what the quarantine and the row accounting are built from, and the quarantine's two tests
    # (the other data tests and the unit tests check what the clean build checks)
    selection = (
        *(
            "--select",
            "+row_accounting",
            "assert_quarantine_is_empty",
            "assert_quarantine_share_within_limit",
        ),
        *("--indirect-selection", "empty", "--exclude-resource-type", "unit_test"),
    )
    result = run_dbt("build", *selection, spark_dir=spark_dir, data_dir=data)
    assert result.returncode == 0, result.stdout[-4000:]
    # any quarantined row makes the warn-only test warn
    assert "WARN" in result.stdout and "assert_quarantine_is_empty" in result.stdout
    return spark_dir


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_bad_row_is_quarantined_under_its_rule(spark, damaged_build, case):
    file, line, rule = BAD_ROWS[case]
    quarantine = warehouse_table(spark, damaged_build, "quarantine")
    expected_text = line.replace("\\xe9", "\ufffd")
    rows = quarantine.where(f"file = '{file}' and rule = '{rule}'").collect()
    assert expected_text in [row.row_text for row in rows], [tuple(row) for row in rows]


def test_quarantine_holds_the_bad_rows_and_nothing_else(spark, damaged_build):
    quarantine = warehouse_table(spark, damaged_build, "quarantine")
    assert quarantine.count() == len(BAD_ROWS)


def test_crlf_and_bom_parse_like_the_clean_files(spark, table, damaged_build):
    # the rows of BAD_ROWS that break no rule of the file itself: their user's, or their movie's
    added_rows = {"ratings": "user_id = 999", "tags": "user_id = 999", "links": "movie_id = 88888888"}
    for name in ("movies", "ratings", "tags", "links"):
        damaged = warehouse_table(spark, damaged_build, f"base_movielens__{name}").where(
            "quarantine_rule is null"
        )
        clean = table(f"base_movielens__{name}")
        if name in added_rows:
            damaged = damaged.where(f"not ({added_rows[name]})")
        assert damaged.exceptAll(clean).isEmpty(), name  # row_text too: no stray \r
        assert damaged.count() == clean.count(), name


def test_duplicate_keeps_the_latest_rating(spark, damaged_build):
    ratings = warehouse_table(spark, damaged_build, "base_movielens__ratings")
    kept = ratings.where("user_id = 999 and movie_id = 3 and quarantine_rule is null").collect()
    assert [(row.rating, row.rated_at_seconds) for row in kept] == [(3.0, 964990000)]


def test_accounting_balances_with_the_quarantine(spark, damaged_build):
    accounting = warehouse_table(spark, damaged_build, "row_accounting").orderBy("step").collect()
    for row in accounting:
        assert row.rows_before == row.rows_removed + row.rows_quarantined + row.rows_after, row.rule
    quarantined = {row.rule: row.rows_quarantined for row in accounting if row.rows_quarantined}
    assert quarantined == {
        "quarantine rows of movies.csv that break a row rule": 2,
        "quarantine rows of ratings.csv that break a row rule": 7,
        "quarantine ratings of movies missing from movies.csv": 1,
        "quarantine rows of tags.csv that break a row rule": 1,
        "quarantine tags of movies missing from movies.csv": 1,
        "quarantine links of movies missing from movies.csv": 1,
    }
    # raw = kept + removed + quarantined, per file: lines read against what each chain ends with
    ratings_chain = [row for row in accounting if row.entity == "ratings"]
    raw = ratings_chain[0].rows_before
    assert raw == 100_836 + 8 + 1  # the file's rows, its bad rows and the later duplicate, kept
    removed = sum(row.rows_removed for row in ratings_chain)
    assert raw == ratings_chain[-1].rows_after + removed + 8


def test_ratings_of_unknown_movies_reach_no_model_after_staging(spark, damaged_build):
    # the quarantine holds them (above); the per-movie counts every later model reads lack them
    aggregated = warehouse_table(spark, damaged_build, "int_movie_ratings_aggregated")
    assert aggregated.where("movie_id = 88888888").isEmpty()
    # the counterpart: they break no rule of their own file, so the staging views hold them
    for name in ("ratings", "tags", "links"):
        rows = warehouse_table(spark, damaged_build, f"base_movielens__{name}")
        assert not rows.where("movie_id = 88888888 and quarantine_rule is null").isEmpty(), name


def test_quarantine_share_above_the_limit_fails_the_build(damaged_build, run_dbt):
    result = run_dbt(
        "test",
        "--select",
        "assert_quarantine_share_within_limit",
        "--vars",
        "{quarantine_max_share: 0.00005}",  # 5 per 100,000 rows: ratings.csv's 8 are too many
        spark_dir=damaged_build,
    )
    assert result.returncode == 1
    assert "FAIL" in result.stdout and "assert_quarantine_share_within_limit" in result.stdout
