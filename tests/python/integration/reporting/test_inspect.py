"""`python -m ml recommend` on the tables of the test build: a user's movies and recommendations,
or why there are none."""

import pytest

from ml import UserError
from ml.reporting.inspect import show_user
from ml.warehouse.project import project_vars


def test_recommend_shows_a_users_movies_and_recommendations(spark, table, capsys):
    user = table("user_recommendations").orderBy("user_id").first().user_id
    show_user(spark, user, project_vars(), limit=3)
    out = capsys.readouterr().out
    assert out.startswith(f"user {user}: ")
    assert "Best-rated train movies (top 3 of" in out and "Recommended" in out
    first_title = table("user_recommendations").where(f"user_id = {user} and rank = 1").first().title
    assert first_title[:40] in out


@pytest.mark.parametrize(
    ("user", "reason"),
    [(414, "dropped by rating_cap: 1,634 ratings"), (999_999, "no rating in ratings.csv")],
)
def test_recommend_explains_a_user_without_recommendations(spark, table, user, reason):
    with pytest.raises(UserError, match=reason):
        show_user(spark, user, project_vars())


def test_similar_shows_a_movie_and_its_most_similar_movies(spark, table, capsys):
    from ml.reporting.inspect import show_similar

    show_similar(spark, 1, limit=3)
    out = capsys.readouterr().out
    assert out.startswith("movie 1: Toy Story (1995)") and "Most similar" in out
    nearest = table("similar_movies").where("movie_id = 1 and rank = 1").first().similar_movie_id
    title = table("movies").where(f"movie_id = {nearest}").first().title
    assert title[:40] in out


def test_similar_explains_a_movie_that_is_not_cleaned(spark):
    from ml import UserError
    from ml.reporting.inspect import show_similar

    with pytest.raises(UserError, match="movie 999999 is not among the cleaned movies"):
        show_similar(spark, 999_999)
