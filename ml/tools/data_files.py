"""The checks of a data folder's MovieLens files before dbt reads them: each file there, not
empty, readable, with the header the dbt sources declare, and UTF-8 throughout.

Standard library only at import: `python -m ml check` runs before the virtualenv exists.
"""

from __future__ import annotations

import os
from pathlib import Path

from ml import PROJECT_DIR, UserError

REQUIRED_FILES = ("movies.csv", "ratings.csv", "tags.csv", "links.csv")
DATA_DIR_HINT = (
    "point MOVIELENS_DIR at a folder holding movies.csv, ratings.csv, tags.csv and links.csv, "
    "e.g. make run MOVIELENS_DIR=/path/to/ml-latest-small"
)
# the dbt sources: each file's columns, in order (its header)
SOURCES_FILE = PROJECT_DIR / "models" / "staging" / "movielens" / "_movielens__sources.yml"
UTF8_BOM = b"\xef\xbb\xbf"
# the UTF-8 check reads this much at a time, so its memory stays flat whatever the file's size
READ_CHUNK_BYTES = 1 << 20


def missing_or_empty(data_dir: Path) -> tuple[list[str], list[str]]:
    """Required files absent from `data_dir`, and those present but empty."""
    missing = [name for name in REQUIRED_FILES if not (data_dir / name).is_file()]
    empty = [name for name in REQUIRED_FILES if name not in missing and (data_dir / name).stat().st_size == 0]
    return missing, empty


def expected_headers() -> dict[str, str]:
    """The header line of each file: its columns in the dbt sources, in order."""
    import yaml

    sources = yaml.safe_load(SOURCES_FILE.read_text())["sources"]
    tables = next(source["tables"] for source in sources if source["name"] == "movielens")
    return {table["meta"]["file"]: ",".join(col["name"] for col in table["columns"]) for table in tables}


def check_header(path: Path, expected: str) -> None:
    """UserError naming `path`, line 1, unless its first line is `expected` (after a UTF-8 BOM,
    before LF or CRLF)."""
    with path.open("rb") as stream:
        first = stream.readline(len(expected) + 1024).removeprefix(UTF8_BOM).rstrip(b"\r\n")
    found = first.decode("utf-8", errors="replace")
    if found != expected:
        raise UserError(f"{path}, line 1: expected the header {expected!r}, found {found[:200]!r}")


def check_utf8(path: Path, chunk_bytes: int = READ_CHUNK_BYTES) -> None:
    """UserError naming `path`, the line and the column of the first byte that is not UTF-8.
    Streams whole lines, a chunk at a time."""
    lines_before = 0
    carry = b""
    with path.open("rb") as stream:
        while True:
            chunk = stream.read(chunk_bytes)
            block = carry + chunk
            # decode up to the last line end; the rest waits for the next chunk (or the end)
            cut = len(block) if not chunk else block.rfind(b"\n") + 1
            complete, carry = block[:cut], block[cut:]
            try:
                complete.decode("utf-8")
            except UnicodeDecodeError as error:
                line_start = complete.rfind(b"\n", 0, error.start) + 1
                line = lines_before + complete.count(b"\n", 0, error.start) + 1
                column = len(complete[line_start : error.start].decode("utf-8")) + 1
                raise UserError(
                    f"{path}, line {line}, column {column}: byte 0x{complete[error.start]:02x} is not UTF-8; "
                    "MovieLens files are UTF-8 (re-save the file as UTF-8, or fetch a fresh copy)"
                ) from None
            lines_before += complete.count(b"\n")
            if not chunk:
                return


def check_data_dir(data_dir: Path) -> None:
    """Raise UserError naming the first problem with the MovieLens files in `data_dir`: a file
    missing, empty, unreadable, with another header, or not UTF-8 (file, line and what was expected)."""
    missing, empty = missing_or_empty(data_dir)
    for name in missing:
        raise UserError(f"MovieLens file {data_dir / name} is missing; {DATA_DIR_HINT}")
    for name in empty:
        raise UserError(f"MovieLens file {data_dir / name} is empty; {DATA_DIR_HINT}")
    for name in REQUIRED_FILES:
        if not os.access(data_dir / name, os.R_OK):
            raise UserError(f"MovieLens file {data_dir / name} is not readable; {DATA_DIR_HINT}")
    for name, header in expected_headers().items():
        check_header(data_dir / name, header)
        check_utf8(data_dir / name)
