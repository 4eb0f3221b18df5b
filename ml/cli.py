"""`python -m ml`: the command line of the project's Python side.

Each command prints what it did; a problem the user can fix ends the command with exit code 2
and one line on stderr saying what to do.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ml import UserError
from ml.datasets import DATASETS, DEFAULT_BASE_URL, REQUIRED_FILES


def _data_dir_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="folder of the MovieLens CSV files (default: dbt's var movielens_dir, i.e. $MOVIELENS_DIR, "
        "else ../data from the project root)",
    )


def _data_dir(args: argparse.Namespace) -> Path:
    if args.data_dir is None:
        from ml.project import data_dir

        return data_dir().resolve()
    return args.data_dir.expanduser().resolve()


def _base_url_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url",
        default=os.environ.get("MOVIELENS_BASE_URL", DEFAULT_BASE_URL),
        help="where <dataset>.zip and its .md5 are served (default: $MOVIELENS_BASE_URL, else GroupLens)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ml",
        description="MovieLens on dbt + Spark: checks and data set-up before `dbt build`.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="check Java and the data folder; download a dataset into an empty one",
        description=(
            "Checks that Java 17+ is installed and that the data folder holds "
            f"{', '.join(REQUIRED_FILES)}. With --download, a folder holding none of them gets "
            "the dataset downloaded first (a partly filled folder is an error, never overwritten)."
        ),
    )
    _data_dir_argument(check)
    check.add_argument("--java-only", action="store_true", help="check Java only")
    check.add_argument(
        "--download",
        metavar="DATASET",
        choices=DATASETS,
        help=f"dataset to fetch when the folder has no MovieLens files: {', '.join(DATASETS)}",
    )
    _base_url_argument(check)

    download = commands.add_parser(
        "download",
        help="download a MovieLens dataset and check its md5",
        description="Downloads <dataset>.zip, checks its published md5, unpacks it into the data folder.",
    )
    download.add_argument("dataset", choices=DATASETS, help="which dataset")
    _data_dir_argument(download)
    _base_url_argument(download)
    return parser


def run_check(args: argparse.Namespace) -> None:
    from ml.datasets import ensure_data, print_progress
    from ml.preflight import check_java

    print(f"ok: {check_java()}")
    if args.java_only:
        return
    data_dir = _data_dir(args)
    print(f"ok: {ensure_data(data_dir, args.download, base_url=args.base_url, progress=print_progress)}")


def run_download(args: argparse.Namespace) -> None:
    from ml.datasets import download_dataset, print_progress

    data_dir = _data_dir(args)
    written = download_dataset(args.dataset, data_dir, base_url=args.base_url, progress=print_progress)
    print(f"ok: {args.dataset} unpacked into {data_dir} ({len(written)} files, md5 checked)")


COMMANDS = {"check": run_check, "download": run_download}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    return 0
