"""The ml commands' help and their one-line errors, before any Spark work."""

import pytest

from ml.cli.main import main
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


@pytest.mark.parametrize("command", [["report", "--out"], ["pipeline", "--from", "report", "--report-dir"]])
def test_a_report_folder_of_a_users_files_is_refused_before_spark_starts(command, tmp_path, capsys):
    (tmp_path / "thesis.docx").write_text("a user's file")
    assert main([*command, str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"error: the report folder {tmp_path} holds files the report did not write")
    assert error.count("\n") == 1
    assert [path.name for path in tmp_path.iterdir()] == ["thesis.docx"]
