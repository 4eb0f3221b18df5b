"""`recommend`, `similar`, `summary` and `report`: what the tables hold, nothing fitted."""

from __future__ import annotations

import argparse
from pathlib import Path

from ml.cli.arguments import CommandTable, add_spark, check_at_least_one, spark_session


def add_recommend_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user", type=int, required=True, metavar="ID", help="user id (userId of ratings.csv)"
    )
    parser.add_argument("--limit", type=int, default=10, help="train movies to show (default 10)")
    add_spark(parser)


def add_similar_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--movie", type=int, required=True, metavar="ID", help="movie id (movieId)")
    parser.add_argument("--limit", type=int, default=10, help="similar movies to show (default 10)")
    add_spark(parser)


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, default=None, metavar="DIR", help="folder of index.html (default: reports/)"
    )
    parser.add_argument(
        "--dbt-results",
        type=Path,
        default=None,
        metavar="FILE",
        help="run_results.json of the dbt build, for its timing in the run facts (make run passes it)",
    )
    add_spark(parser)


def run_recommend(args: argparse.Namespace) -> None:
    from ml.reporting.inspect import show_user
    from ml.warehouse.project import project_vars

    values = project_vars(args.vars)
    show_user(spark_session(args, "recommend", writes=False), args.user, values, limit=args.limit)


def run_similar(args: argparse.Namespace) -> None:
    from ml.reporting.inspect import show_similar
    from ml.warehouse.project import project_vars

    project_vars(args.vars)
    check_at_least_one(args, "limit")
    show_similar(spark_session(args, "similar", writes=False), args.movie, limit=args.limit)


def run_summary(args: argparse.Namespace) -> None:
    from ml.reporting.summary import print_summary
    from ml.warehouse.project import project_vars

    project_vars(args.vars)  # the tables hold what the vars gave; a misspelt var is still an error
    print_summary(spark_session(args, "summary", writes=False))


def run_report(args: argparse.Namespace) -> None:
    from ml.reporting.out_folder import DEFAULT_OUT, owned_files
    from ml.reporting.report import write_report
    from ml.warehouse.project import project_vars

    values = project_vars(args.vars)
    out_dir = (args.out or DEFAULT_OUT).resolve()
    owned_files(out_dir)  # a folder of someone else's is refused before any Spark work
    write_report(spark_session(args, "report", writes=False), values, out_dir, args.dbt_results)


COMMANDS: CommandTable = {
    "recommend": (
        "show one user's train and test movies and recommendations",
        "Prints a user's best-rated train movies, test movies and recommendations, with titles.",
        add_recommend_arguments,
        run_recommend,
    ),
    "similar": (
        "show the movies most similar to one (table similar_movies)",
        "Prints a movie and its most similar movies: the cosine similarity of the recommendation "
        "model's movie factors (var recommendation_model), as `python -m ml als` wrote them.",
        add_similar_arguments,
        run_similar,
    ),
    "summary": (
        "where the tables are, and the headline figures of both models",
        "Reads the result tables and prints their location, sizes and headline metrics.",
        add_spark,
        run_summary,
    ),
    "report": (
        "write reports/index.html: EDA, clusters and recommendations on one static page",
        "Reads the marts and the ml result tables (nothing is refitted) and writes one HTML page with "
        "its PNG figures beside it: data and cleaning, k-means clusters, ALS tuning, metrics and "
        "sample users, run facts. It opens from disk, with no server and no internet.",
        add_report_arguments,
        run_report,
    ),
}
