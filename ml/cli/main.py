"""`python -m ml`: the command line of the project's Python side.

Each command prints what it did; a problem the user can fix ends the command with exit code 2
and one line on stderr saying what to do. The model commands take dbt's `--vars` (the same vars,
defaults from dbt_project.yml) and spark-submit's `--master`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ml import UserError
from ml.tools.datasets import DATASETS, DEFAULT_BASE_URL, REQUIRED_FILES


def _data_dir_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="folder of the MovieLens CSV files (default: dbt's var movielens_dir, i.e. $MOVIELENS_DIR, "
        "else ../data from the project root)",
    )


def _data_dir(args: argparse.Namespace) -> Path:
    if args.data_dir is None:
        from ml.warehouse.project import data_dir

        return data_dir().resolve()
    return args.data_dir.expanduser().resolve()


def _base_url_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url",
        default=os.environ.get("MOVIELENS_BASE_URL", DEFAULT_BASE_URL),
        help="where <dataset>.zip and its .md5 are served (default: $MOVIELENS_BASE_URL, else GroupLens)",
    )


def _spark_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--vars",
        default="",
        metavar="YAML",
        help='override dbt vars as `dbt --vars` does, e.g. "{top_n: 20, als_ranks: [10, 20]}"; '
        "pass dbt the same ones",
    )
    parser.add_argument(
        "--master",
        default=None,
        help="Spark master URL, as for spark-submit (default: $SPARK_MASTER, else local[*])",
    )
    parser.add_argument(
        "--target",
        default=None,
        help="dbt target (profiles/profiles.yml) whose tables to read and write, as for dbt: local "
        "(this machine's metastore) or thrift (through the Spark Thrift Server) (default: $DBT_TARGET, "
        "else local)",
    )


def _check_at_least_one(args: argparse.Namespace, *names: str) -> None:
    for name in names:
        value = getattr(args, name)
        if value is not None and value < 1:
            raise UserError(f"--{name} must be at least 1, not {value}")


def _refit_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--refit",
        action="store_true",
        help="fit again even if the saved model was fitted on the same table and settings",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ml",
        description=(
            "MovieLens on dbt + Spark: data set-up before `dbt build`, then the models fitted on the "
            "dbt marts (k-means movie clusters, ALS recommendations), written back as tables."
        ),
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

    kmeans = commands.add_parser(
        "kmeans",
        help="sweep k, fit the movie clusters, write kmeans_sweep, movie_clusters, cluster_profiles",
        description=(
            "K-means on kmeans_movies_train (genre flags + average rating, cosine distance): every k of "
            "the grid (vars kmeans_k_min/_max/_step) fitted on part of train and scored by silhouette on "
            "the validation part (var validation_fraction); the best k refitted on all of train, scored on "
            "kmeans_movies_test, and every movie assigned a cluster."
        ),
    )
    _spark_arguments(kmeans)
    _refit_argument(kmeans)
    kmeans.add_argument(
        "--parallelism",
        type=int,
        default=None,
        help="fits of the sweep run at once (default: the cores Spark has)",
    )

    als = commands.add_parser(
        "als",
        help="tune and fit the ALS models, score them against baselines, write recommendations",
        description=(
            "The study's ALS (explicit, non-negative) and bias-aware ALS on als_ratings_train: the rank x "
            "regParam grid (vars als_ranks, als_reg_params) tuned by RMSE on the validation part; the "
            "ranking models (implicit ALS, vars implicit_*; bias-aware ALS reranked by popularity, var "
            "rerank_popularity_weights) tuned by NDCG@top_n; each best refitted on all of train. RMSE, "
            "MAE and ranking metrics on als_ratings_test with the bias and most-popular baselines; "
            "top-N movies per user and users per movie from var recommendation_model (var top_n), and "
            "similar movies."
        ),
    )
    _spark_arguments(als)
    _refit_argument(als)
    als.add_argument(
        "--blocks", type=int, default=None, help="ALS user and item blocks (default: the cores Spark has)"
    )

    recommend = commands.add_parser(
        "recommend",
        help="show one user's train and test movies and recommendations",
        description="Prints a user's best-rated train movies, test movies and recommendations, with titles.",
    )
    recommend.add_argument(
        "--user", type=int, required=True, metavar="ID", help="user id (userId of ratings.csv)"
    )
    recommend.add_argument("--limit", type=int, default=10, help="train movies to show (default 10)")
    _spark_arguments(recommend)

    similar = commands.add_parser(
        "similar",
        help="show the movies most similar to one (table similar_movies)",
        description=(
            "Prints a movie and its most similar movies: the cosine similarity of the recommendation "
            "model's movie factors (var recommendation_model), as `python -m ml als` wrote them."
        ),
    )
    similar.add_argument("--movie", type=int, required=True, metavar="ID", help="movie id (movieId)")
    similar.add_argument("--limit", type=int, default=10, help="similar movies to show (default 10)")
    _spark_arguments(similar)

    summary = commands.add_parser(
        "summary",
        help="where the tables are, and the headline figures of both models",
        description="Reads the result tables and prints their location, sizes and headline metrics.",
    )
    _spark_arguments(summary)

    report = commands.add_parser(
        "report",
        help="write reports/index.html: EDA, clusters and recommendations on one static page",
        description=(
            "Reads the marts and the ml result tables (nothing is refitted) and writes one HTML page with "
            "its PNG figures beside it: data and cleaning, k-means clusters, ALS tuning, metrics and "
            "sample users, run facts. It opens from disk, with no server and no internet."
        ),
    )
    report.add_argument(
        "--out", type=Path, default=None, metavar="DIR", help="folder of index.html (default: reports/)"
    )
    report.add_argument(
        "--dbt-results",
        type=Path,
        default=None,
        metavar="FILE",
        help="run_results.json of the dbt build, for its timing in the run facts (make run passes it)",
    )
    _spark_arguments(report)

    cluster = commands.add_parser(
        "cluster",
        help="start or stop a local Spark standalone cluster with a Thrift Server (make cluster-up)",
        description=(
            "A Spark master, one worker and a Spark Thrift Server on that master, from the installed "
            "pyspark, all bound to 127.0.0.1, with PID files and logs in $MOVIELENS_SPARK_DIR/services/. "
            "`up` starts what is not running and waits until each service answers (failing with its log "
            "tail); `down` stops them all; `status` lists them. Ports: $SPARK_MASTER_PORT (7077), "
            "$SPARK_MASTER_WEBUI_PORT (8080), $SPARK_WORKER_WEBUI_PORT (8081), $SPARK_THRIFT_PORT (10000). "
            "Then: `dbt build --target thrift`, `python -m ml <command> --target thrift --master "
            "spark://127.0.0.1:7077`."
        ),
    )
    cluster.add_argument("action", choices=("up", "down", "status"), help="what to do")

    hold = commands.add_parser(
        "hold",
        help="run a command holding the warehouse's lock (make run and make test run their steps so)",
        description=(
            "Takes $MOVIELENS_SPARK_DIR/metastore.lock, runs COMMAND (whose dbt and ml steps then go on "
            "under it) and exits with its exit code. Another run on the same warehouse stops at once, "
            "naming this one."
        ),
    )
    hold.add_argument("command_line", nargs=argparse.REMAINDER, metavar="-- COMMAND ...")

    synth = commands.add_parser(
        "synth",
        help="write synthetic MovieLens files of ml-25m's shape (scale 1.0 = 25M ratings)",
        description=(
            "Writes movies.csv, ratings.csv, tags.csv and links.csv in the ml-25m format, scaled: users, "
            "movies and ratings are ml-25m's counts times --scale, with its ratings-per-user and "
            "popularity curves, genre mix and rating values; plus synth.json, the shape written. The same "
            "scale and seed give the same files; a folder already holding them is reused."
        ),
    )
    synth.add_argument("--scale", type=float, default=1.0, help="1.0 = ml-25m's size (default 1.0)")
    synth.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    synth.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder to write (default: .spark/synthetic/scale-<scale>-seed-<seed> in the project)",
    )

    bench = commands.add_parser(
        "bench",
        help="time the whole pipeline stage by stage against the original recipe; write BENCHMARKS.md",
        description=(
            "Runs every stage in its own process, as `make run` does (dbt build, kmeans, als, the ML "
            "tests), in a warehouse under .spark/bench/, recording wall time and peak memory per stage; "
            "then times the original study's recipe on the same marts (bench-original). With --scale, "
            "on synthetic data of ml-25m's shape (generated or reused). Writes <out>/<dataset>.json and "
            "BENCHMARKS.md."
        ),
    )
    bench.add_argument(
        "--scale", type=float, default=None, help="synthetic data at this scale (1.0 = ml-25m)"
    )
    bench.add_argument("--seed", type=int, default=42, help="seed of the synthetic data (default 42)")
    _data_dir_argument(bench)
    bench.add_argument(
        "--vars", default="", metavar="YAML", help="dbt vars for every stage, as for `dbt --vars`"
    )
    bench.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder of the JSON results (default: benchmarks/, whose BENCHMARKS.md is the project's)",
    )
    bench.add_argument(
        "--no-original",
        action="store_true",
        help="leave out the original recipe (e.g. for a long run with other vars)",
    )

    original = commands.add_parser(
        "bench-original",
        help="time the original study's recipe on the built marts (run by `bench`)",
        description=(
            "In one SparkSession on JVM BLAS: the k-means sweep with the row solver, maxIter 1000, one fit "
            "at a time (on an even slice of the grid when it is long), and ALS with 10 blocks (one fit per "
            "rank, the grid extrapolated), plus the results of the last kmeans and als runs; as JSON."
        ),
    )
    _spark_arguments(original)
    original.add_argument("--json", type=Path, required=True, help="file to write the results to")
    original.add_argument(
        "--results-only", action="store_true", help="collect our run's results, time nothing"
    )
    return parser


def run_check(args: argparse.Namespace) -> None:
    from ml.tools.datasets import ensure_data, print_progress
    from ml.tools.java import check_java

    print(f"ok: {check_java()}")
    if args.java_only:
        return
    data_dir = _data_dir(args)
    print(f"ok: {ensure_data(data_dir, args.download, base_url=args.base_url, progress=print_progress)}")


def run_download(args: argparse.Namespace) -> None:
    from ml.tools.datasets import download_dataset, print_progress

    data_dir = _data_dir(args)
    written = download_dataset(args.dataset, data_dir, base_url=args.base_url, progress=print_progress)
    print(f"ok: {args.dataset} unpacked into {data_dir} ({len(written)} files, md5 checked)")


def _spark_session(args: argparse.Namespace, app_name: str):
    from ml.warehouse.session import get_spark

    return get_spark(master=args.master, app_name=f"movielens-ml-{app_name}", target=args.target)


def run_kmeans(args: argparse.Namespace) -> None:
    from ml.clustering import kmeans
    from ml.warehouse.project import project_vars

    values = project_vars(args.vars)
    _check_at_least_one(args, "parallelism")
    kmeans.run(_spark_session(args, "kmeans"), values, refit=args.refit, parallelism=args.parallelism)


def run_als(args: argparse.Namespace) -> None:
    from ml.recommenders import rating_models as als
    from ml.warehouse.project import project_vars

    values = project_vars(args.vars)
    _check_at_least_one(args, "blocks")
    als.run(_spark_session(args, "als"), values, refit=args.refit, blocks=args.blocks)


def run_recommend(args: argparse.Namespace) -> None:
    from ml.reporting.inspect import show_user
    from ml.warehouse.project import project_vars

    values = project_vars(args.vars)
    show_user(_spark_session(args, "recommend"), args.user, values, limit=args.limit)


def run_similar(args: argparse.Namespace) -> None:
    from ml.reporting.inspect import show_similar
    from ml.warehouse.project import project_vars

    project_vars(args.vars)
    _check_at_least_one(args, "limit")
    show_similar(_spark_session(args, "similar"), args.movie, limit=args.limit)


def run_summary(args: argparse.Namespace) -> None:
    from ml.reporting.summary import print_summary
    from ml.warehouse.project import project_vars

    project_vars(args.vars)  # the tables hold what the vars gave; a misspelt var is still an error
    print_summary(_spark_session(args, "summary"))


def run_report(args: argparse.Namespace) -> None:
    from ml.reporting.report import DEFAULT_OUT, write_report
    from ml.warehouse.project import project_vars

    values = project_vars(args.vars)
    write_report(_spark_session(args, "report"), values, args.out or DEFAULT_OUT, args.dbt_results)


def run_cluster(args: argparse.Namespace) -> None:
    from ml.tools import spark_cluster as cluster

    services = cluster.from_environment()
    if args.action == "up":
        cluster.up(services)
    elif args.action == "down":
        cluster.down(services)
    else:
        for service, pid in cluster.status(services).items():
            print(f"{service}: {f'running (pid {pid})' if pid else 'stopped'}")


def run_hold(args: argparse.Namespace) -> int:
    import subprocess

    from ml.warehouse.lock import acquire
    from ml.warehouse.session import state_dir

    command = args.command_line[1:] if args.command_line[:1] == ["--"] else args.command_line
    if not command:
        raise UserError("hold needs a command: python -m ml hold -- make run-steps")
    acquire(state_dir())
    return subprocess.call(command)


def run_synth(args: argparse.Namespace) -> None:
    from ml.tools.synth import ensure_synthetic

    ensure_synthetic(args.out, args.scale, args.seed)


def run_bench(args: argparse.Namespace) -> None:
    from ml.tools import bench
    from ml.warehouse.project import project_vars

    project_vars(args.vars)  # a misspelt var fails here, not after an hour of stages
    if args.scale is not None:
        from ml.tools.synth import check_spec, default_dir

        check_spec(args.scale, args.seed)
        data_dir = (args.data_dir or default_dir(args.scale, args.seed)).expanduser().resolve()
        dataset, synth = f"synthetic-scale-{args.scale:g}", (args.scale, args.seed)
    else:
        data_dir, synth = _data_dir(args), None
        dataset = data_dir.name
    if args.vars:
        dataset = f"{dataset}-{bench.vars_slug(args.vars)}"  # its own folder and JSON beside the default run
    bench.run(
        data_dir, dataset, args.vars, (args.out or bench.RESULTS_DIR).resolve(), synth, not args.no_original
    )


def run_bench_original(args: argparse.Namespace) -> None:
    from ml.tools import bench
    from ml.warehouse.project import project_vars
    from ml.warehouse.session import get_spark

    values = project_vars(args.vars)
    spark = get_spark(
        master=args.master, app_name="movielens-bench-original", jvm_blas=True, target=args.target
    )
    results = bench.time_original(spark, values, results_only=args.results_only)
    args.json.write_text(json.dumps(results, indent=2) + "\n")


COMMANDS = {
    "check": run_check,
    "download": run_download,
    "kmeans": run_kmeans,
    "als": run_als,
    "recommend": run_recommend,
    "similar": run_similar,
    "summary": run_summary,
    "report": run_report,
    "cluster": run_cluster,
    "hold": run_hold,
    "synth": run_synth,
    "bench": run_bench,
    "bench-original": run_bench_original,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        returncode = COMMANDS[args.command](args)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    return returncode or 0
