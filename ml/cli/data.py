"""`check`, `download` and `synth`: the data folder before `dbt build`."""

from __future__ import annotations

import argparse
from pathlib import Path

from ml.cli.arguments import CommandTable, add_base_url, add_data_dir, data_dir
from ml.tools.data_files import OPTIONAL_FILES, REQUIRED_FILES
from ml.tools.datasets import DATASETS


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_dir(parser)
    parser.add_argument("--java-only", action="store_true", help="check Java only")
    parser.add_argument(
        "--download",
        metavar="DATASET",
        choices=DATASETS,
        help=f"dataset to fetch when the folder has no MovieLens files: {', '.join(DATASETS)}",
    )
    add_base_url(parser)


def add_download_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dataset", choices=DATASETS, help="which dataset")
    add_data_dir(parser)
    add_base_url(parser)


def add_synth_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = ml-25m's size (default 1.0)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder to write (default: .spark/synthetic/scale-<scale>-seed-<seed> in the project)",
    )


def run_check(args: argparse.Namespace) -> None:
    from ml.tools.datasets import ensure_data, print_progress
    from ml.tools.java import check_java

    print(f"ok: {check_java()}")
    if args.java_only:
        return
    folder = data_dir(args)
    print(f"ok: {ensure_data(folder, args.download, base_url=args.base_url, progress=print_progress)}")


def run_download(args: argparse.Namespace) -> None:
    from ml.tools.datasets import download_dataset, print_progress

    folder = data_dir(args)
    written = download_dataset(args.dataset, folder, base_url=args.base_url, progress=print_progress)
    print(f"ok: {args.dataset} unpacked into {folder} ({len(written)} files, md5 checked)")


def run_synth(args: argparse.Namespace) -> None:
    from ml.tools.synth.generator import ensure_synthetic

    ensure_synthetic(args.out, args.scale, args.seed)


COMMANDS: CommandTable = {
    "check": (
        "check Java and the data folder; download a dataset into an empty one",
        "Checks that Java 17+ is installed and that the data folder holds "
        f"{' and '.join(REQUIRED_FILES)} (and {' and '.join(OPTIONAL_FILES)} if present), each a "
        "UTF-8 CSV with its header. With --download, a folder holding none of them gets "
        "the dataset downloaded first (a partly filled folder is an error, never overwritten).",
        add_check_arguments,
        run_check,
    ),
    "download": (
        "download a MovieLens dataset and check its md5",
        "Downloads <dataset>.zip, checks its published md5, unpacks it into the data folder.",
        add_download_arguments,
        run_download,
    ),
    "synth": (
        "write synthetic MovieLens files of ml-25m's shape (scale 1.0 = 25M ratings)",
        "Writes movies.csv, ratings.csv, tags.csv and links.csv in the ml-25m format, scaled: users, "
        "movies and ratings are ml-25m's counts times --scale, with its ratings-per-user and "
        "popularity curves, genre mix and rating values; plus synth.json, the shape written. The same "
        "scale and seed give the same files; a folder already holding them is reused.",
        add_synth_arguments,
        run_synth,
    ),
}
