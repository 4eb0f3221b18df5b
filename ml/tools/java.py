"""The Java check, before any Spark work: a Java new enough for Spark 4 (`python -m ml check`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from ml import UserError

MIN_JAVA_MAJOR = 17
JAVA_PACKAGE_HINT = "on Debian/Ubuntu: apt-get install openjdk-17-jre-headless"


def java_executable() -> str | None:
    """The java Spark will launch: $JAVA_HOME/bin/java if JAVA_HOME is set, else the PATH's."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        return str(candidate) if candidate.exists() else None
    return shutil.which("java")


def parse_java_major(version_output: str) -> int | None:
    """Major version from `java -version` output: '17.0.15' -> 17, '1.8.0_392' -> 8."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if not match:
        return None
    major = int(match.group(1))
    if major == 1 and match.group(2):  # Java 8 and older report 1.x
        major = int(match.group(2))
    return major


def check_java(min_major: int = MIN_JAVA_MAJOR) -> str:
    """Return a one-line description of the Java found, or raise UserError saying what to install."""
    java = java_executable()
    if java is None:
        where = "in $JAVA_HOME/bin" if os.environ.get("JAVA_HOME") else "on the PATH"
        raise UserError(
            f"Java {min_major}+ is needed by Spark and none was found {where} "
            f"({JAVA_PACKAGE_HINT}, or set JAVA_HOME)"
        )
    result = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    output = result.stderr + result.stdout
    major = parse_java_major(output)
    if major is None or major < min_major:
        found = output.strip().splitlines()[0] if output.strip() else "no version output"
        raise UserError(
            f"Java {min_major}+ is needed by Spark 4; {java} is '{found}' "
            f"({JAVA_PACKAGE_HINT}, or set JAVA_HOME to a newer JDK)"
        )
    return f"Java {major} at {java}"
