"""The cleaning of the original study, checked on the small real dataset against figures
computed independently (pandas on the raw CSVs) when the project was set up."""

from datetime import UTC, date, datetime

import pytest
from pyspark.sql import functions as F


def count(table, name: str) -> int:
    return table(name).count()


def test_movies_read(table):
    assert count(table, "stg_movielens__movies") == 9_742


def test_movies_without_genre_after_imax_rule(table):
    assert table("int_movies_genres_pivoted").where("kept_genre_count = 0").count() == 34


def test_eighteen_genre_columns_with_safe_names(table):
    genre_columns = [c for c in table("movies").columns if c.startswith("genre_")]
    assert len(genre_columns) == 18
    assert {"genre_film_noir", "genre_sci_fi", "genre_children"} <= set(genre_columns)
    assert "genre_imax" not in genre_columns
    assert table("movielens_genres").where("is_kept").count() == 18


def test_imax_is_not_a_genre(table):
    movies = table("int_movies_genres_pivoted")
    with_imax = movies.where(F.col("listed_genres").contains("IMAX"))
    assert with_imax.count() > 0
    assert with_imax.where(F.col("genres").contains("IMAX")).count() == 0


def test_cleaned_movies(table):
    assert count(table, "movies") == 2_269
    assert table("movies").agg(F.min("rating_count")).first()[0] >= 10


def test_ratings_on_cleaned_movies(table):
    assert count(table, "int_ratings_filtered") == 81_116


def test_users_within_cap_and_final_ratings(table):
    ratings = table("ratings")
    assert ratings.select("user_id").distinct().count() == 435
    assert ratings.count() == 22_880
    assert round(ratings.agg(F.avg("rating")).first()[0], 6) == pytest.approx(3.716958, abs=1e-9)


def test_toy_story_average(table):
    toy_story = table("movies").where("movie_id = 1").first()
    assert toy_story.title == "Toy Story (1995)"
    assert round(toy_story.avg_rating, 5) == pytest.approx(3.92093, abs=1e-9)
    assert toy_story.genre_animation == 1 and toy_story.genre_drama == 0


def test_titles_with_commas_and_doubled_quotes(table):
    movies = table("stg_movielens__movies")
    titles = {row.movie_id: row.title for row in movies.where("movie_id in (11, 7789)").collect()}
    assert titles[11] == "American President, The (1995)"
    assert titles[7789] == "11'09\"01 - September 11 (2002)"


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("From Dusk Till Dawn 2: Texas Blood Money (1999) ", 1999),  # trailing space
        ("Babylon 5", None),
        ("Assembly (Ji jie hao) (2007) ", 2007),  # parentheses before the year
        ("Heat (1995)", 1995),
    ],
)
def test_release_year_from_title_end(table, title, year):
    movie = table("int_movies_genres_pivoted").where(F.col("title") == title).first()
    assert movie.release_year == year


def test_rating_timestamp_in_utc(table):
    rating = table("stg_movielens__ratings").where("user_id = 1 and movie_id = 1").first()
    # ratings.csv: 1,1,4.0,964982703
    assert rating.rated_at.astimezone(UTC) == datetime(2000, 7, 30, 18, 45, 3, tzinfo=UTC)
    assert rating.rated_date == date(2000, 7, 30)
    assert rating.rated_year == 2000


def test_row_accounting_matches_the_figures(table):
    rows = {row.step: row for row in table("row_accounting").collect()}
    # ml-latest-small is clean: nothing quarantined
    assert all(row.rows_quarantined == 0 for row in rows.values())
    assert (rows[1].rows_before, rows[1].rows_after) == (9_742, 9_742)
    assert (rows[2].rows_before, rows[2].rows_removed, rows[2].rows_after) == (9_742, 34, 9_708)
    assert rows[3].rows_after == 2_269
    assert rows[4].rows_before == 100_836
    assert rows[7].rows_after == 81_116
    assert rows[8].rows_after == 22_880
    assert rows[10].rows_after == 435
    assert (rows[11].rows_before, rows[13].rows_before) == (3_683, 9_742)
    for row in rows.values():
        assert row.rows_before == row.rows_removed + row.rows_quarantined + row.rows_after, row.rule
