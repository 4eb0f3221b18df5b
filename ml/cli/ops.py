"""`cluster`, `hold`, `bench` and `bench-original`: running the project (a local Spark cluster,
one run at a time per warehouse) and timing it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ml import UserError
from ml.cli.arguments import add_data_dir, add_spark, data_dir


def register(commands: argparse._SubParsersAction) -> None:
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
    cluster.set_defaults(run=run_cluster)

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
    hold.set_defaults(run=run_hold)

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
    add_data_dir(bench)
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
    bench.set_defaults(run=run_bench)

    original = commands.add_parser(
        "bench-original",
        help="time the original study's recipe on the built marts (run by `bench`)",
        description=(
            "In one SparkSession on JVM BLAS: the k-means sweep with the row solver, maxIter 1000, one fit "
            "at a time (on an even slice of the grid when it is long), and ALS with 10 blocks (one fit per "
            "rank, the grid extrapolated), plus the results of the last kmeans and als runs; as JSON."
        ),
    )
    add_spark(original)
    original.add_argument("--json", type=Path, required=True, help="file to write the results to")
    original.add_argument(
        "--results-only", action="store_true", help="collect our run's results, time nothing"
    )
    original.set_defaults(run=run_bench_original)


def run_cluster(args: argparse.Namespace) -> None:
    from ml.tools import spark_cluster

    services = spark_cluster.from_environment()
    if args.action == "up":
        spark_cluster.up(services)
    elif args.action == "down":
        spark_cluster.down(services)
    else:
        for service, pid in spark_cluster.status(services).items():
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


def run_bench(args: argparse.Namespace) -> None:
    from ml.tools import bench
    from ml.warehouse.project import project_vars

    project_vars(args.vars)  # a misspelt var fails here, not after an hour of stages
    if args.scale is not None:
        from ml.tools.synth import check_spec, default_dir

        check_spec(args.scale, args.seed)
        folder = (args.data_dir or default_dir(args.scale, args.seed)).expanduser().resolve()
        dataset, synth = f"synthetic-scale-{args.scale:g}", (args.scale, args.seed)
    else:
        folder, synth = data_dir(args), None
        dataset = folder.name
    if args.vars:
        dataset = f"{dataset}-{bench.vars_slug(args.vars)}"  # its own folder and JSON beside the default run
    out = (args.out or bench.RESULTS_DIR).resolve()
    bench.run(folder, dataset, args.vars, out, synth, not args.no_original)


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
