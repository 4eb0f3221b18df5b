"""`pipeline`, `cluster`, `hold`, `bench` and `bench-original`: running the project (every step in
order, a local Spark cluster, one run at a time per warehouse) and timing it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ml import UserError
from ml.cli.arguments import CommandTable, add_data_dir, add_spark, data_dir, spark_session
from ml.pipeline import STEPS
from ml.tools.bench.original import ORIGINAL_ALS_BLOCKS, ORIGINAL_MAX_ITER, ORIGINAL_SOLVER
from ml.tools.datasets import DATASETS


def add_pipeline_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from", dest="first", choices=STEPS, default=None, help="the step to start at (make ml: kmeans)"
    )
    parser.add_argument(
        "--to", dest="last", choices=STEPS, default=None, help=f"the last step to run (default: {STEPS[-1]})"
    )
    parser.add_argument(
        "--vars", default="", metavar="YAML", help="dbt vars for every step, as for `dbt --vars`"
    )
    parser.add_argument(
        "--download",
        metavar="DATASET",
        choices=DATASETS,
        help=f"the check step downloads this dataset into a data folder holding none: {', '.join(DATASETS)}",
    )
    parser.add_argument(
        "--refit",
        action="store_true",
        help="kmeans and als fit again, even where a saved model fits the same table and settings",
    )
    parser.add_argument(
        "--master",
        default=None,
        help="Spark master URL of the ml steps (default: $SPARK_MASTER, else local[*])",
    )
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder of the report (default: reports/)",
    )
    parser.add_argument(
        "--dbt-args",
        default="",
        metavar="ARGS",
        help="extra arguments of the dbt build, as one shell-quoted string, e.g. --dbt-args='--threads 1'",
    )
    parser.add_argument(
        "--unit-tests",
        action="store_true",
        help="run dbt's unit tests of the SQL rules in the dbt build too (make test does; they read "
        "fixed rows, not the data, so a run leaves them out)",
    )


def add_cluster_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("up", "down", "status", "master-url"), help="what to do")
    parser.add_argument(
        "--metastore-only",
        action="store_true",
        help="the metastore's PostgreSQL database alone: for local runs with METASTORE=postgres",
    )


def add_hold_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("command_line", nargs=argparse.REMAINDER, metavar="-- COMMAND ...")


def add_bench_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scale", type=float, default=None, help="synthetic data at this scale (1.0 = ml-25m)"
    )
    parser.add_argument("--seed", type=int, default=42, help="seed of the synthetic data (default 42)")
    add_data_dir(parser)
    parser.add_argument(
        "--vars", default="", metavar="YAML", help="dbt vars for every stage, as for `dbt --vars`"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder of the JSON results (default: benchmarks/, whose BENCHMARKS.md is the project's)",
    )
    parser.add_argument(
        "--no-original",
        action="store_true",
        help="leave out the original recipe (e.g. for a long run with other vars)",
    )


def add_bench_original_arguments(parser: argparse.ArgumentParser) -> None:
    add_spark(parser)
    parser.add_argument("--json", type=Path, required=True, help="file to write the results to")
    parser.add_argument("--results-only", action="store_true", help="collect our run's results, time nothing")


def run_pipeline(args: argparse.Namespace) -> None:
    import shlex

    from ml import pipeline
    from ml.warehouse.project import project_vars
    from ml.warehouse.session import state_dir

    project_vars(args.vars)  # a misspelt var fails here, before the first step
    options = pipeline.Options(
        vars_yaml=args.vars,
        download=args.download,
        refit=args.refit,
        master=args.master,
        report_dir=args.report_dir.resolve() if args.report_dir else None,
        dbt_args=tuple(shlex.split(args.dbt_args)),
        unit_tests=args.unit_tests,
    )
    state = state_dir()
    chosen = pipeline.select(pipeline.steps(options, state), args.first, args.last)
    if "report" in (step.name for step in chosen):
        from ml.reporting.out_folder import DEFAULT_OUT, owned_files

        owned_files(options.report_dir or DEFAULT_OUT)  # refused now, not after an hour's steps
    print(pipeline.timings(pipeline.run(chosen, state)))


def run_cluster(args: argparse.Namespace) -> None:
    from ml.tools import spark_cluster

    if args.action == "master-url":
        print(spark_cluster.local_master_url())
        return
    cluster = spark_cluster.from_environment()
    services = ("metastore",) if args.metastore_only else spark_cluster.SERVICES
    if args.action == "up":
        spark_cluster.up(cluster, services=services)
    elif args.action == "down":
        spark_cluster.down(cluster, services=services)
    else:
        for service, pid in spark_cluster.status(cluster).items():
            print(f"{service}: {f'running (pid {pid})' if pid else 'stopped'}")


def run_hold(args: argparse.Namespace) -> int:
    import subprocess

    from ml.warehouse.session import default_target, hold_warehouse

    command = args.command_line[1:] if args.command_line[:1] == ["--"] else args.command_line
    if not command:
        raise UserError("hold needs a command: python -m ml hold -- make run-steps")
    hold_warehouse(default_target())
    return subprocess.call(command)


def add_jvm_archive_arguments(parser: argparse.ArgumentParser) -> None:
    """None: the profile names the file."""


def run_jvm_archive(args: argparse.Namespace) -> None:
    from ml.tools.jvm_archive import write_archive

    archive = write_archive()
    if archive is None:
        print("note: this JDK wrote no class-data archive; Spark's JVMs start without one")
    else:
        size = archive.stat().st_size / 2**20
        print(f"ok: class-data archive of the Spark driver JVM in {archive} ({size:.0f} MiB)")


def run_bench(args: argparse.Namespace) -> None:
    from ml.tools.bench import run as bench
    from ml.tools.bench.benchmarks_md import RESULTS_DIR
    from ml.warehouse.project import project_vars

    project_vars(args.vars)  # a misspelt var fails here, not after an hour of stages
    if args.scale is not None:
        from ml.tools.synth.generator import default_dir
        from ml.tools.synth.shape import check_spec

        check_spec(args.scale, args.seed)
        folder = (args.data_dir or default_dir(args.scale, args.seed)).expanduser().resolve()
        dataset, synth = f"synthetic-scale-{args.scale:g}", (args.scale, args.seed)
    else:
        folder, synth = data_dir(args), None
        dataset = folder.name
    if args.vars:
        dataset = f"{dataset}-{bench.vars_slug(args.vars)}"  # its own folder and JSON beside the default run
    out = (args.out or RESULTS_DIR).resolve()
    bench.run(folder, dataset, args.vars, out, synth, not args.no_original)


def run_bench_original(args: argparse.Namespace) -> None:
    from ml.tools.bench.original import time_original
    from ml.warehouse.project import project_vars

    values = project_vars(args.vars)
    spark = spark_session(args, "bench-original", jvm_blas=True)
    results = time_original(spark, values, results_only=args.results_only)
    args.json.write_text(json.dumps(results, indent=2) + "\n")


COMMANDS: CommandTable = {
    "pipeline": (
        f"run every step of a run in order: {', '.join(STEPS)} (make run)",
        "Runs each step in a process of its own, as make run, make ml and make report do, and stops "
        "at the first that fails. On the local target it holds the warehouse's lock from the first "
        "step to the last, so no other run gets in between. The dbt build's run_results.json is kept "
        "beside the warehouse ($MOVIELENS_SPARK_DIR) for the report's run facts.",
        add_pipeline_arguments,
        run_pipeline,
    ),
    "cluster": (
        "start or stop a local Spark standalone cluster with a Thrift Server (make cluster-up)",
        "The metastore's PostgreSQL database (METASTORE=postgres; made on first use), a Spark master, "
        "one worker and a Spark Thrift Server on that master, from the installed pyspark, all bound to "
        "127.0.0.1, with PID files and logs in $MOVIELENS_SPARK_DIR/services/. "
        "`up` starts what is not running and waits until each service answers (failing with its log "
        "tail); `down` stops them all; `status` lists them; `master-url` prints the master's URL. "
        "Ports: PostgreSQL's and Spark's usual ones unless set in $METASTORE_PORT, $SPARK_MASTER_PORT, "
        "$SPARK_MASTER_WEBUI_PORT, $SPARK_WORKER_WEBUI_PORT; the Thrift Server's is the thrift "
        "target's ($SPARK_THRIFT_PORT). "
        "Then: `dbt build --target thrift`, `python -m ml <command> --target thrift --master "
        "$(python -m ml cluster master-url)`.",
        add_cluster_arguments,
        run_cluster,
    ),
    "hold": (
        "run a command holding the warehouse's lock (make run and make test run their steps so)",
        "Takes $MOVIELENS_SPARK_DIR/metastore.lock, runs COMMAND (whose dbt and ml steps then go on "
        "under it) and exits with its exit code. Another run on the same warehouse stops at once, "
        "naming this one.",
        add_hold_arguments,
        run_hold,
    ),
    "jvm-archive": (
        "write the class-data archive that makes Spark's driver JVMs start faster (make venv runs it)",
        "Starts a driver on a scratch warehouse that loads what the steps' drivers load (metastore, "
        "Parquet, Arrow, ALS, k-means) and dumps those classes as it exits into the file the profile's "
        "spark.driver.extraJavaOptions names (-XX:SharedArchiveFile). Run it again after changing the "
        "installed jars or the JDK; without the file, the JVMs start as before.",
        add_jvm_archive_arguments,
        run_jvm_archive,
    ),
    "bench": (
        "time the whole pipeline stage by stage against the original recipe; write BENCHMARKS.md",
        "Runs the pipeline's steps (python -m ml pipeline, kmeans and als with --refit) each as a stage "
        "in its own process, in a warehouse under .spark/bench/, recording wall time and peak memory "
        "per stage; then times the original study's recipe on the same marts (bench-original). With "
        "--scale, on synthetic data of ml-25m's shape (generated or reused). Writes <out>/<dataset>.json "
        "and BENCHMARKS.md.",
        add_bench_arguments,
        run_bench,
    ),
    "bench-original": (
        "time the original study's recipe on the built marts (run by `bench`)",
        f"In one SparkSession on JVM BLAS: the k-means sweep with the {ORIGINAL_SOLVER} solver, maxIter "
        f"{ORIGINAL_MAX_ITER}, one fit at a time (on an even slice of the grid when it is long), and ALS "
        f"with {ORIGINAL_ALS_BLOCKS} blocks (one fit per rank, the grid extrapolated), plus the results "
        "of the last kmeans and als runs; as JSON.",
        add_bench_original_arguments,
        run_bench_original,
    ),
}
