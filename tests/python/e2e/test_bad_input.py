"""The bad-input catalog: damaged copies of MovieLens as they occur in the wild, each ending in
the expected error (file, line, what was expected) or quarantine row, never in a silently
dropped, duplicated or mis-parsed row.

File-level damage stops `python -m ml check` (run before dbt by `make run` and `make test`).
Row-level damage goes to the quarantine mart: one dbt build of a copy of ml-latest-small with
CRLF line ends, BOMs and every bad row of the catalog added, compared with the clean build.
A missing or empty file: test_missing_data.py.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from dataclasses import dataclass
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
# the damaged copy as found in the wild: titles whose quotes were lost (their commas split the
# row), and movies.csv of another release, missing movies that ratings, tags and links name
UNQUOTED_TITLES = 9
REMOVED_MOVIES = 300


def damaged_movies(text: str) -> tuple[str, set[int], set[int]]:
    """movies.csv without the quotes of its first UNQUOTED_TITLES quoted titles and without
    REMOVED_MOVIES other movies (every 25th line); and the ids of both."""
    header, *lines = text.splitlines(keepends=True)
    kept, unquoted, removed = [header], set(), set()
    for number, line in enumerate(lines):
        movie_id = int(line.split(",", 1)[0])
        if '"' in line and len(unquoted) < UNQUOTED_TITLES:
            kept.append(line.replace('"', ""))
            unquoted.add(movie_id)
        elif '"' not in line and number % 25 == 7 and len(removed) < REMOVED_MOVIES:
            removed.add(movie_id)
        else:
            kept.append(line)
    assert (len(unquoted), len(removed)) == (UNQUOTED_TITLES, REMOVED_MOVIES)
    return "".join(kept), unquoted, removed


@dataclass(frozen=True)
class DamagedBuild:
    spark_dir: Path
    output: str  # the dbt build's stdout
    returncode: int
    unquoted: set[int]  # movie ids of the unquoted titles
    removed: set[int]  # movie ids removed from movies.csv


@pytest.fixture(scope="module")
def damaged(tmp_path_factory, run_dbt) -> DamagedBuild:
    """dbt build on ml-latest-small with CRLF line ends, BOMs on movies.csv and ratings.csv, the
    damage of damaged_movies, and every bad row of BAD_ROWS added (the junk row last)."""
    data = tmp_path_factory.mktemp("damaged-data")
    movies, unquoted, removed = damaged_movies((SMALL_DATA / "movies.csv").read_text(encoding="utf-8"))
    for name in FILES:
        text = movies.encode() if name == "movies.csv" else (SMALL_DATA / name).read_bytes()
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
    # what the quarantine and the row accounting are built from, and the tests of both (the other
    # data tests and the unit tests check what the clean build checks)
    selection = (
        *("--select", "+row_accounting", "+quarantine_by_file", "assert_quarantine_is_empty"),
        *("assert_quarantine_share_within_limit", "assert_row_accounting_balances"),
        *("--indirect-selection", "empty", "--exclude-resource-type", "unit_test"),
    )
    result = run_dbt("build", *selection, spark_dir=spark_dir, data_dir=data)
    return DamagedBuild(spark_dir, result.stdout, result.returncode, unquoted, removed)


@pytest.fixture(scope="module")
def damaged_build(damaged) -> Path:
    return damaged.spark_dir


def rows_of_movies(name: str, movie_ids: set[int]) -> int:
    """The rows of ml-latest-small's `name` that name one of `movie_ids`."""
    import pandas as pd

    return int(pd.read_csv(SMALL_DATA / name, usecols=["movieId"])["movieId"].isin(movie_ids).sum())


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_bad_row_is_quarantined_under_its_rule(spark, damaged_build, case):
    file, line, rule = BAD_ROWS[case]
    quarantine = warehouse_table(spark, damaged_build, "quarantine")
    expected_text = line.replace("\\xe9", "\ufffd")
    rows = quarantine.where(f"file = '{file}' and rule = '{rule}'").collect()
    assert expected_text in [row.row_text for row in rows], [tuple(row) for row in rows]


def test_quarantine_holds_the_bad_rows_and_nothing_else(spark, damaged):
    quarantine = warehouse_table(spark, damaged.spark_dir, "quarantine")
    unknown = damaged.unquoted | damaged.removed  # an unquoted title's movie is unknown too
    rows_of_unknown = sum(rows_of_movies(name, unknown) for name in ("ratings.csv", "tags.csv", "links.csv"))
    assert quarantine.count() == len(BAD_ROWS) + UNQUOTED_TITLES + rows_of_unknown


def test_crlf_and_bom_parse_like_the_clean_files(spark, table, damaged):
    damaged_build, removed_or_unquoted = damaged.spark_dir, damaged.removed | damaged.unquoted
    # the rows of BAD_ROWS that break no rule of the file itself: their user's, or their movie's
    added_rows = {"ratings": "user_id = 999", "tags": "user_id = 999", "links": "movie_id = 88888888"}
    for name in ("movies", "ratings", "tags", "links"):
        damaged = warehouse_table(spark, damaged_build, f"base_movielens__{name}").where(
            "quarantine_rule is null"
        )
        clean = table(f"base_movielens__{name}")
        if name == "movies":  # less the movies damaged_movies took out or unquoted
            clean = clean.where(~clean.movie_id.isin(list(removed_or_unquoted)))
        if name in added_rows:
            damaged = damaged.where(f"not ({added_rows[name]})")
        assert damaged.exceptAll(clean).isEmpty(), name  # row_text too: no stray \r
        assert damaged.count() == clean.count(), name


def test_duplicate_keeps_the_latest_rating(spark, damaged_build):
    ratings = warehouse_table(spark, damaged_build, "base_movielens__ratings")
    kept = ratings.where("user_id = 999 and movie_id = 3 and quarantine_rule is null").collect()
    assert [(row.rating, row.rated_at_seconds) for row in kept] == [(3.0, 964990000)]


def test_accounting_balances_with_the_quarantine(spark, damaged):
    accounting = warehouse_table(spark, damaged.spark_dir, "row_accounting").orderBy("step").collect()
    for row in accounting:
        assert row.rows_before == row.rows_removed + row.rows_quarantined + row.rows_after, row.rule
    quarantined = {row.rule: row.rows_quarantined for row in accounting if row.rows_quarantined}
    unknown = damaged.unquoted | damaged.removed
    assert quarantined == {
        "quarantine rows of movies.csv that break a row rule": 2 + UNQUOTED_TITLES,
        "quarantine rows of ratings.csv that break a row rule": 7,
        "quarantine ratings of movies missing from movies.csv": 1 + rows_of_movies("ratings.csv", unknown),
        "quarantine rows of tags.csv that break a row rule": 1,
        "quarantine tags of movies missing from movies.csv": 1 + rows_of_movies("tags.csv", unknown),
        "quarantine links of movies missing from movies.csv": 1 + rows_of_movies("links.csv", unknown),
    }
    # raw = kept + removed + quarantined, per file: lines read against what each chain ends with
    ratings_chain = [row for row in accounting if row.entity == "ratings"]
    raw = ratings_chain[0].rows_before
    assert raw == 100_836 + 8 + 1  # the file's rows, its bad rows and the later duplicate, kept
    removed = sum(row.rows_removed for row in ratings_chain)
    quarantined_ratings = 8 + rows_of_movies("ratings.csv", unknown)
    assert raw == ratings_chain[-1].rows_after + removed + quarantined_ratings


def test_ratings_of_unknown_movies_reach_no_model_after_staging(spark, damaged_build):
    # the quarantine holds them (above); the per-movie counts every later model reads lack them
    aggregated = warehouse_table(spark, damaged_build, "int_movie_ratings_aggregated")
    assert aggregated.where("movie_id = 88888888").isEmpty()
    # the counterpart: they break no rule of their own file, so the staging views hold them
    for name in ("ratings", "tags", "links"):
        rows = warehouse_table(spark, damaged_build, f"base_movielens__{name}")
        assert not rows.where("movie_id = 88888888 and quarantine_rule is null").isEmpty(), name


SCREEN_TITLE = "=== What failed, and where to look ==="


def closing_screen(output: str) -> list[str]:
    """The lines of the screen that explains a failed run, which must close the output."""
    assert SCREEN_TITLE in output, output[-3000:]
    screen = output[output.index(SCREEN_TITLE) :]
    assert "Done. PASS=" not in screen, "dbt's summary came after the screen"
    return screen.splitlines()


def test_the_damaged_copy_stops_the_build_and_its_last_screen_says_why(spark, damaged):
    assert damaged.returncode == 1, damaged.output[-3000:]
    screen = closing_screen(damaged.output)
    assert "FAIL test assert_quarantine_share_within_limit (it found 4 rows)" in screen
    assert "  it checks: Asserts that no file has more than var('quarantine_max_share') of its rows" in (
        "\n".join(screen)
    )
    assert "Quarantine (the limit: quarantine_max_share = 0.001, 0.1% of a file's rows):" in screen
    quarantine = warehouse_table(spark, damaged.spark_dir, "quarantine")
    for file in warehouse_table(spark, damaged.spark_dir, "quarantine_by_file").collect():
        above = f"{file.rows_quarantined:,} of {file.rows_read:,} rows quarantined"
        assert f"{file.file}: {above}, {file.quarantined_share * 100:.3g}% (ABOVE the limit)" in screen
        show = f"select * from {{{{ ref('quarantine') }}}} where file = '{file.file}'"
        assert f'  all of them: dbt show --output json --limit -1 --inline "{show}"' in screen
        rules = quarantine.where(f"file = '{file.file}'").groupBy("rule").count().collect()
        for rule in rules:
            at = screen.index(f"  {rule['count']:,} rows: {rule.rule}")
            samples = list(itertools.takewhile(lambda line: line.startswith(" " * 6), screen[at + 1 :]))
            texts = {row.row_text for row in quarantine.where(f"rule = '{rule.rule}'").collect()}
            assert len(samples) == min(3, rule["count"]), (rule.rule, samples)
            for sample in samples:
                assert sample.strip() in texts or sample.endswith("..."), (rule.rule, sample)


def test_the_screens_command_lists_every_quarantined_row_of_a_file(spark, damaged, run_dbt):
    import json
    import shlex

    screen = closing_screen(damaged.output)
    command = next(line for line in screen if "all of them: dbt show" in line and "'movies.csv'" in line)
    args = shlex.split(command.split("all of them: dbt ", 1)[1])
    result = run_dbt(*args, "--quiet", spark_dir=damaged.spark_dir)
    assert result.returncode == 0, result.stdout[-3000:]
    shown = json.loads(result.stdout[result.stdout.index("{") :])["show"]
    quarantine = warehouse_table(spark, damaged.spark_dir, "quarantine").where("file = 'movies.csv'")
    assert sorted(row["row_text"] for row in shown) == sorted(row.row_text for row in quarantine.collect())
