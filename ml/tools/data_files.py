"""The checks of a data folder's MovieLens files before dbt reads them: movies.csv and ratings.csv
there (tags.csv and links.csv may be absent: the original study's folder has no links.csv), and
each file there not empty, readable, UTF-8 (not UTF-16) with LF or CRLF line ends, and with the
header the dbt sources declare.

Standard library only at import: `python -m ml check` runs before the virtualenv exists.
"""

from __future__ import annotations

import os
from pathlib import Path

from ml import PROJECT_DIR, UserError
from ml.paths import check_path

REQUIRED_FILES = ("movies.csv", "ratings.csv")
# without them the tag tables and plots are empty and row_accounting says "absent"
OPTIONAL_FILES = ("tags.csv", "links.csv")
DATA_FILES = REQUIRED_FILES + OPTIONAL_FILES
DATA_DIR_HINT = (
    "point MOVIELENS_DIR at a folder holding movies.csv and ratings.csv (and tags.csv, links.csv "
    "if it has them), e.g. make run MOVIELENS_DIR=/path/to/ml-latest-small"
)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# how much of a file the encoding and line-end checks look at
HEAD_BYTES = 1 << 16
# the dbt sources: each file's columns, in order (its header)
SOURCES_FILE = PROJECT_DIR / "models" / "staging" / "movielens" / "_movielens__sources.yml"
UTF8_BOM = b"\xef\xbb\xbf"
# the UTF-8 check reads this much at a time, so its memory stays flat whatever the file's size
READ_CHUNK_BYTES = 1 << 20


def absent_files(data_dir: Path) -> list[str]:
    """The MovieLens files (required or not) absent from `data_dir`."""
    return [name for name in DATA_FILES if not (data_dir / name).is_file()]


def expected_headers() -> dict[str, str]:
    """The header line of each file: its columns in the dbt sources, in order."""
    import yaml

    sources = yaml.safe_load(SOURCES_FILE.read_text())["sources"]
    tables = next(source["tables"] for source in sources if source["name"] == "movielens")
    return {table["meta"]["file"]: ",".join(col["name"] for col in table["columns"]) for table in tables}


def check_head(path: Path) -> None:
    """UserError naming `path` if it is empty, UTF-16 or has CR-only line ends (what its first
    bytes show)."""
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
    if not head:
        raise UserError(f"MovieLens file {path} is empty; {DATA_DIR_HINT}")
    if head.startswith(UTF16_BOMS) or b"\x00" in head:
        raise UserError(
            f"{path} is UTF-16 (it starts with a UTF-16 byte-order mark or holds NUL bytes); "
            "MovieLens files are UTF-8: re-save it as UTF-8, or fetch a fresh copy"
        )
    if b"\r" in head and b"\n" not in head:
        raise UserError(
            f"{path} has CR-only line ends (no LF in its first {len(head):,} bytes); "
            "MovieLens files end lines with LF (or CRLF): re-save it with LF line ends"
        )


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


def check_data_dir(data_dir: Path) -> list[str]:
    """Raise UserError naming the first problem with the MovieLens files in `data_dir`: a required
    file missing; a file there empty, unreadable, UTF-16, with CR-only line ends, another header,
    or not UTF-8 (file, line and what was expected). The optional files absent."""
    check_path(data_dir, "the data folder (MOVIELENS_DIR)")
    absent = absent_files(data_dir)
    for name in REQUIRED_FILES:
        if name in absent:
            raise UserError(f"MovieLens file {data_dir / name} is missing; {DATA_DIR_HINT}")
    headers = expected_headers()
    for name in DATA_FILES:
        if name in absent:
            continue
        path = data_dir / name
        if not os.access(path, os.R_OK):
            raise UserError(f"MovieLens file {path} is not readable; {DATA_DIR_HINT}")
        check_head(path)
        check_header(path, headers[name])
        check_utf8(path)
    return [name for name in OPTIONAL_FILES if name in absent]
