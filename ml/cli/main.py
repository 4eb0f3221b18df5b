"""`python -m ml`: the command line of the project's Python side.

Each command prints what it did; a problem the user can fix ends the command with exit code 2
and one line on stderr saying what to do. The model commands take dbt's `--vars` (the same vars,
defaults from dbt_project.yml) and spark-submit's `--master`. The commands are grouped by job:
the models (cli.models), the data (cli.data), what the tables hold (cli.inspect), and running
and timing the project (cli.ops).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ml import UserError
from ml.cli import data, inspect, models, ops
from ml.cli.arguments import add_commands

GROUPS = (data, models, inspect, ops)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ml",
        description=(
            "MovieLens on dbt + Spark: data set-up before `dbt build`, then the models fitted on the "
            "dbt marts (k-means movie clusters, ALS recommendations), written back as tables."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        add_commands(commands, group.COMMANDS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        returncode = args.run(args)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # Spark's, from any step: the metastore's is explained, the rest raised
        from ml.warehouse.session import metastore_lost

        if (explained := metastore_lost(error)) is None:
            raise
        print(f"error: {explained}", file=sys.stderr)
        return 2
    return returncode or 0
