"""The Java check that runs before any Spark work."""

import stat

import pytest

from ml import UserError
from ml.tools.java import check_java, parse_java_major


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "21" 2023-09-19', 21),
        ('java version "1.8.0_392"', 8),
        ('openjdk version "11.0.2" 2019-01-15', 11),
        ("command not found", None),
    ],
)
def test_parse_java_major(output, major):
    assert parse_java_major(output) == major


def fake_java_home(tmp_path, version_line: str):
    java = tmp_path / "bin" / "java"
    java.parent.mkdir()
    java.write_text(f"#!/bin/sh\necho '{version_line}' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return tmp_path


def test_old_java_is_refused_with_the_package_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("JAVA_HOME", str(fake_java_home(tmp_path, 'openjdk version "11.0.2" 2019-01-15')))
    with pytest.raises(UserError, match=r"Java 17\+ is needed.*openjdk-17-jre-headless"):
        check_java()


def test_missing_java_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(UserError, match="none was found in \\$JAVA_HOME/bin"):
        check_java()


def test_recent_java_passes(tmp_path, monkeypatch):
    monkeypatch.setenv("JAVA_HOME", str(fake_java_home(tmp_path, 'openjdk version "21.0.1" 2023-10-17')))
    assert check_java().startswith("Java 21")
