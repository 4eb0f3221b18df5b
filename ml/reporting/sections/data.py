"""Part 1 of the page, data and cleaning: the row accounting and the EDA marts of dbt."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ml.reporting import plots
from ml.reporting.aggregates import USER_ACTIVITY_BINS_PER_DECADE, user_activity_histogram
from ml.warehouse.tables import read_table

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from ml.reporting.page import Page

GENRE_COLUMNS = [
    "genre",
    "is_kept",
    "movies_raw",
    "share_of_movies_raw",
    "movies_cleaned",
    "share_of_movies_cleaned",
]
# (anchor, table, order, plot, figure, caption): sections of one figure of one table
SIMPLE_FIGURES = (
    (
        "decades",
        "eda_movies_per_decade",
        None,
        plots.movies_per_decade,
        "decades",
        "Release decade from the year in the title.",
    ),
    (
        "ratings-per-year",
        "eda_ratings_per_year",
        "rated_year",
        plots.ratings_per_year,
        "ratings_per_year",
        "Bars: ratings per year; lines: their mean.",
    ),
    (
        "tenure",
        "eda_ratings_by_user_tenure",
        "years_since_first_rating",
        plots.ratings_by_tenure,
        "tenure",
        "Ratings by whole years between the user's first rating and this one (all valid ratings of "
        "listed movies).",
    ),
)


def add_data_section(spark: SparkSession, page: Page, values: dict[str, Any]) -> None:
    page.heading("data")
    page.heading("row-accounting")
    page.text(
        "Rows before and after each cleaning rule, as the dbt models applied them (table row_accounting)."
    )
    page.table(read_table(spark, "row_accounting").orderBy("step").toPandas())
    _genres(spark, page)
    _rating_values(spark, page)
    for anchor, table, order, plot, name, caption in SIMPLE_FIGURES:
        page.heading(anchor)
        frame = read_table(spark, table)
        page.figure(name, plot((frame.orderBy(order) if order else frame).toPandas()), caption)
    _user_activity(spark, page, values)
    _tags(spark, page, values)


def _genres(spark: SparkSession, page: Page) -> None:
    page.heading("genres")
    genres = read_table(spark, "eda_genre_counts").toPandas()
    page.figure(
        "genres", plots.genre_distribution(genres), "Movies per genre in movies.csv and after cleaning."
    )
    page.table(
        genres.sort_values("movies_raw", ascending=False)[GENRE_COLUMNS],
        {"share_of_movies_raw": ".1%", "share_of_movies_cleaned": ".1%"},
    )


def _rating_values(spark: SparkSession, page: Page) -> None:
    page.heading("rating-values")
    ratings = read_table(spark, "eda_rating_distribution").orderBy("rating").toPandas()
    page.figure(
        "rating_values",
        plots.rating_distribution(ratings),
        f"{ratings['ratings_raw'].sum():,} valid ratings of listed movies, "
        f"{ratings['ratings_on_cleaned_movies'].sum():,} of cleaned movies, "
        f"{ratings['ratings_final'].sum():,} final.",
    )


def _user_activity(spark: SparkSession, page: Page, values: dict[str, Any]) -> None:
    page.heading("user-activity")
    histogram = user_activity_histogram(read_table(spark, "eda_user_activity")).toPandas()
    page.figure(
        "user_activity",
        plots.user_activity(histogram, values["rating_cap"]),
        f"Users per bin of ratings per user ({USER_ACTIVITY_BINS_PER_DECADE} bins per factor of 10).",
    )
    page.table(
        read_table(spark, "eda_user_activity_summary").orderBy("stage_order").drop("stage_order").toPandas()
    )


def _tags(spark: SparkSession, page: Page, values: dict[str, Any]) -> None:
    page.heading("tags")
    tags = read_table(spark, "eda_tag_counts").toPandas()
    page.figure("tags", plots.top_tags(tags), "Tags lower-cased and trimmed before counting.")
    page.table(read_table(spark, "eda_tags_overview").toPandas())
    unrated = read_table(spark, "eda_movies_without_ratings")
    with_genre = unrated.where("has_genre").count()
    page.text(
        f"Movies nobody rated: {unrated.count():,} ({with_genre:,} of them with a kept genre); "
        "they cannot reach the cleaned movies, which need at least min_ratings "
        f"({values['min_ratings']}) ratings."
    )
