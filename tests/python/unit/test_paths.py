"""Paths with spaces, quotes and non-ASCII letters work; the few characters that cannot are
refused naming the character and why (ml/paths.py), by ml and by dbt alike; the Makefile hands
every path to the shell as one word."""

from __future__ import annotations

import re
import subprocess

import pytest

from ml import PROJECT_DIR, UserError
from ml.paths import REFUSED_CHARACTERS, check_path, hadoop_path, sql_string

ODD_NAME = "my data's ü"  # a space, a quote, a non-ASCII letter


def test_a_folder_with_spaces_quotes_and_non_ascii_letters_passes():
    check_path(f"/home/someone/{ODD_NAME}/ml-25m", "the data folder")


@pytest.mark.parametrize("character", sorted(REFUSED_CHARACTERS))
def test_a_refused_character_is_named_with_its_reason(character):
    with pytest.raises(UserError) as error:
        check_path(f"/data/ml{character}25m", "the data folder (MOVIELENS_DIR)")
    message = str(error.value)
    assert f"holds the character {character}, " in message and REFUSED_CHARACTERS[character] in message


def test_dbt_refuses_the_same_characters():
    macro = (PROJECT_DIR / "macros" / "create_movielens_sources.sql").read_text()
    (jinja_string,) = re.findall(r"for character in '(.*?)' if character in data_dir", macro)
    assert set(jinja_string.replace("\\\\", "\\")) == set(REFUSED_CHARACTERS)


def test_sql_string_escapes_quotes_and_backslashes():
    assert sql_string("/data/it's") == r"'/data/it\'s'"
    assert sql_string("a\\b") == r"'a\\b'"


def test_hadoop_path_decodes_a_metastore_uri():
    assert hadoop_path("file:/home/my%20data%27s%20%C3%BC/warehouse") == f"file:/home/{ODD_NAME}/warehouse"
    assert hadoop_path("file:/plain/warehouse") == "file:/plain/warehouse"  # the counterpart: unchanged


def make_words(expression: str, **variables: str) -> list[str]:
    """The shell words `expression` of the Makefile gives, as a recipe's shell reads them."""
    rule = f'show: ; @printf "%s\\n" {expression}'
    settings = [f"{name}={value}" for name, value in variables.items()]
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "--eval", rule, "show", *settings],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_the_makefile_gives_each_path_as_one_shell_word():
    odd = f"/tmp/{ODD_NAME}"
    words = make_words(
        "$(RUN_ENV) $(CLUSTER_ENV) $(VARS_ARG) --report-dir $(call shq,$(REPORT_DIR))",
        MOVIELENS_DIR=f"../{ODD_NAME}",
        CLUSTER_SPARK_DIR=odd,
        REPORT_DIR=f"{odd}/report",
        VARS="{top_n: 5, movielens_note: 'a b'}",
    )
    data_dir = f"MOVIELENS_DIR={PROJECT_DIR.parent / ODD_NAME}"
    assert words == [
        f"MOVIELENS_SPARK_DIR={PROJECT_DIR}/.spark/local",
        data_dir,
        f"MOVIELENS_SPARK_DIR={odd}",
        "DBT_TARGET=thrift",
        "METASTORE=postgres",
        data_dir,
        "--vars",
        "{top_n: 5, movielens_note: 'a b'}",
        "--report-dir",
        f"{odd}/report",
    ]


def test_counterpart_make_splits_an_unquoted_path():
    # what the Makefile did before: make's $(abspath) cuts a path at its spaces
    words = make_words("$(abspath $(MOVIELENS_DIR))", MOVIELENS_DIR="../my data")
    assert words == [f"{PROJECT_DIR.parent}/my", f"{PROJECT_DIR}/data"]
