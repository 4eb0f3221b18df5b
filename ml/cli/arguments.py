"""Options several commands share (dbt's --vars, spark-submit's --master, dbt's --target, the data
folder, --refit) and what they resolve to."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ml import UserError
from ml.tools.datasets import DEFAULT_BASE_URL


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="folder of the MovieLens CSV files (default: dbt's var movielens_dir, i.e. $MOVIELENS_DIR, "
        "else ../data from the project root)",
    )


def data_dir(args: argparse.Namespace) -> Path:
    if args.data_dir is None:
        from ml.warehouse.project import data_dir as default_data_dir

        return default_data_dir().resolve()
    return args.data_dir.expanduser().resolve()


def add_base_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url",
        default=os.environ.get("MOVIELENS_BASE_URL", DEFAULT_BASE_URL),
        help="where <dataset>.zip and its .md5 are served (default: $MOVIELENS_BASE_URL, else GroupLens)",
    )


def add_vars(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--vars",
        default="",
        metavar="YAML",
        help='override dbt vars as `dbt --vars` does, e.g. "{top_n: 20, als_ranks: [10, 20]}"; '
        "pass dbt the same ones",
    )


def add_spark(parser: argparse.ArgumentParser) -> None:
    """--vars, --master and --target: what every command that opens the warehouse takes."""
    add_vars(parser)
    parser.add_argument(
        "--master",
        default=None,
        help="Spark master URL, as for spark-submit (default: $SPARK_MASTER, else local[*])",
    )
    parser.add_argument(
        "--target",
        default=None,
        help="dbt target (profiles/profiles.yml) whose tables to read and write, as for dbt: local "
        "(this machine's session) or thrift (the Spark Thrift Server's, in the shared metastore) "
        "(default: $DBT_TARGET, else local)",
    )


def add_refit(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--refit",
        action="store_true",
        help="fit again even if the saved model was fitted on the same table and settings",
    )


def check_at_least_one(args: argparse.Namespace, *names: str) -> None:
    for name in names:
        value = getattr(args, name)
        if value is not None and value < 1:
            raise UserError(f"--{name} must be at least 1, not {value}")


def spark_session(args: argparse.Namespace, app_name: str, **options):
    from ml.warehouse.session import get_spark

    return get_spark(master=args.master, app_name=f"movielens-ml-{app_name}", target=args.target, **options)


# a group's commands: name -> (help, description, what adds its arguments, what it runs), in the
# order `python -m ml --help` lists them
CommandTable = dict[str, tuple[str, str, Callable[[argparse.ArgumentParser], None], Callable[..., Any]]]


def add_commands(commands: argparse._SubParsersAction, table: CommandTable) -> None:
    """Every command of `table`, in its order, with its arguments and what it runs."""
    for name, (summary, description, add_arguments, run) in table.items():
        parser = commands.add_parser(name, help=summary, description=description)
        add_arguments(parser)
        parser.set_defaults(run=run)
