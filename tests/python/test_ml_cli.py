"""The ml commands: help, one-line errors, and `recommend` on the tables of the test build."""

import os
import subprocess
import sys

import pytest

from ml import PROJECT_DIR, UserError
from ml.cli.main import main
from ml.reporting.inspect import show_user
from ml.warehouse.project import project_vars

COMMANDS = ["kmeans", "als", "recommend", "summary", "report", "bench-original"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--vars" in out and "--master" in out


@pytest.mark.parametrize("command", ["synth", "bench"])
def test_the_data_commands_take_a_scale(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0 and "--scale" in capsys.readouterr().out


def test_a_bad_scale_is_a_one_line_error(capsys):
    assert main(["synth", "--scale", "0"]) == 2
    assert capsys.readouterr().err.startswith("error: --scale must be between")


def test_an_unknown_var_stops_before_spark_starts(capsys):
    assert main(["kmeans", "--vars", "{no_such_var: 1}"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: unknown var no_such_var;") and error.count("\n") == 1


def test_vars_that_are_no_mapping_are_refused(capsys):
    assert main(["als", "--vars", "[1, 2]"]) == 2
    assert "must be a YAML mapping" in capsys.readouterr().err


def test_overrides_replace_defaults_as_in_dbt():
    values = project_vars("{top_n: 20, rating_cap: null}")
    assert values["top_n"] == 20 and values["rating_cap"] is None and values["min_ratings"] == 10


def test_ml_before_the_marts_exist_says_to_build_them(tmp_path):
    environment = {**os.environ, "MOVIELENS_SPARK_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "ml", "kmeans"],
        cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 2
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("error: table movielens.kmeans_movies_train does not exist")
    assert "make run" in last_line


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
