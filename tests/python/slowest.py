"""The ten slowest tests of one or more pytest runs (their --junit-xml reports), and the totals of
all of them: `python tests/python/slowest.py report.xml ...` (make pytest runs it last)."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

SHOWN = 10


def read(paths: list[Path]) -> tuple[list[tuple[float, str]], dict[str, int]]:
    """(seconds, test id) of every test case, and the counts of passed, failed and skipped."""
    cases, counts = [], {"passed": 0, "failed": 0, "skipped": 0}
    for path in paths:
        for case in ElementTree.parse(path).getroot().iter("testcase"):
            cases.append((float(case.get("time", 0)), f"{case.get('classname')}::{case.get('name')}"))
            if case.find("failure") is not None or case.find("error") is not None:
                counts["failed"] += 1
            elif case.find("skipped") is not None:
                counts["skipped"] += 1
            else:
                counts["passed"] += 1
    return cases, counts


def main(paths: list[Path]) -> None:
    cases, counts = read(paths)
    # setup included: a shared fixture (a build, a cluster run) counts in the first test using it
    print(f"\nthe {SHOWN} slowest tests, setup included:")
    for seconds, name in sorted(cases, reverse=True)[:SHOWN]:
        print(f"  {seconds:8.1f} s  {name}")
    # one line for both runs, in the form test runners close with
    print(f"pytest: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")


if __name__ == "__main__":
    main([Path(arg) for arg in sys.argv[1:]])
