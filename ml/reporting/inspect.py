"""`python -m ml recommend --user ID`: one user's train and test movies and recommendations;
`python -m ml similar --movie ID`: the movies most like one. Read from the tables (nothing is
fitted)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ml import UserError
from ml.reporting.summary import recommending_model
from ml.warehouse.tables import read_table

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

ALS_HINT = "run `python -m ml als` (or `make run`) first"
TITLE_WIDTH = 48


def absence_reason(spark: SparkSession, user_id: int, rating_cap: Any) -> str:
    """Why `user_id` has no ALS train ratings, from the cleaning stages."""
    from pyspark.sql import functions as F

    raw = read_table(spark, "stg_movielens__ratings").where(F.col("user_id") == user_id).count()
    if raw == 0:
        return f"user {user_id} has no rating in ratings.csv"
    kept = read_table(spark, "int_ratings_filtered").where(F.col("user_id") == user_id).count()
    if kept == 0:
        return f"none of user {user_id}'s {raw:,} ratings is of a cleaned movie"
    if rating_cap is not None and kept > rating_cap:
        return (
            f"user {user_id} was dropped by rating_cap: {kept:,} ratings of cleaned movies, "
            f"more than {rating_cap} (try --vars '{{rating_cap: null}}' in dbt build and here)"
        )
    return f"all of user {user_id}'s {kept:,} final ratings fell in the test split"


def _print_movies(heading: str, rows: list, value_name: str) -> None:
    print(f"\n{heading}")
    if not rows:
        print("  (none)")
    for row in rows:
        title = row["title"] if len(row["title"]) <= TITLE_WIDTH else row["title"][: TITLE_WIDTH - 1] + "…"
        print(f"  {row[value_name]:>4.1f}  {title:<{TITLE_WIDTH}}  {row['genres']}")


def _with_titles(ratings: DataFrame, movies: DataFrame) -> DataFrame:
    return ratings.join(movies.select("movie_id", "title", "genres"), "movie_id")


def show_user(spark: SparkSession, user_id: int, values: dict[str, Any], limit: int = 10) -> None:
    """Print the user's best-rated train movies, test movies and recommendations."""
    from pyspark.sql import functions as F

    movies = read_table(spark, "movies")
    recommendations = read_table(spark, "user_recommendations", ALS_HINT)
    train = read_table(spark, "als_ratings_train").where(F.col("user_id") == user_id)
    test = read_table(spark, "als_ratings_test").where(F.col("user_id") == user_id)
    train_rows = _with_titles(train, movies).orderBy(F.desc("rating"), "title").collect()
    if not train_rows:
        raise UserError(
            f"no recommendations for user {user_id}: {absence_reason(spark, user_id, values['rating_cap'])}"
        )
    test_rows = _with_titles(test, movies).orderBy(F.desc("rating"), "title").collect()
    recommended = recommendations.where(F.col("user_id") == user_id).orderBy("rank").collect()
    if not recommended:
        raise UserError(f"user {user_id} is in als_ratings_train but not in user_recommendations; {ALS_HINT}")

    print(f"user {user_id}: {len(train_rows)} train ratings, {len(test_rows)} test ratings")
    _print_movies(
        f"Best-rated train movies (top {limit} of {len(train_rows)}):", train_rows[:limit], "rating"
    )
    _print_movies(f"Test movies ({len(test_rows)}), as rated:", test_rows, "rating")
    test_ids = {row["movie_id"] for row in test_rows}
    _print_movies(
        f"Recommended by {recommending_model(spark, values)} (predicted rating; * = in the user's test "
        "movies):",
        [
            {**row.asDict(), "title": ("* " if row["movie_id"] in test_ids else "") + row["title"]}
            for row in recommended
        ],
        "predicted_rating",
    )


def show_similar(spark: SparkSession, movie_id: int, limit: int = 10) -> None:
    """Print the movie and the `limit` movies most similar to it (similar_movies)."""
    from pyspark.sql import functions as F

    movies = read_table(spark, "movies").select("movie_id", "title", "genres")
    movie = movies.where(F.col("movie_id") == movie_id).first()
    if movie is None:
        raise UserError(f"movie {movie_id} is not among the cleaned movies (table movies)")
    similar = read_table(spark, "similar_movies", ALS_HINT).where(F.col("movie_id") == movie_id)
    rows = (
        similar.where(F.col("rank") <= limit)
        .join(movies.withColumnRenamed("movie_id", "similar_movie_id"), "similar_movie_id")
        .orderBy("rank")
        .collect()
    )
    if not rows:
        raise UserError(
            f"movie {movie_id} ({movie['title']}) has no similar movies: it has no rating in "
            "als_ratings_train, so no factors"
        )
    print(f"movie {movie_id}: {movie['title']}  ({movie['genres']})")
    _print_movies(f"Most similar (cosine similarity of factors, top {len(rows)}):", rows, "similarity")
