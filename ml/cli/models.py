"""`kmeans` and `als`: the model steps on the dbt marts."""

from __future__ import annotations

import argparse

from ml.cli.arguments import CommandTable, add_refit, add_spark, check_at_least_one, spark_session


def add_kmeans_arguments(parser: argparse.ArgumentParser) -> None:
    add_spark(parser)
    add_refit(parser)
    parser.add_argument(
        "--parallelism",
        type=int,
        default=None,
        help="fits of the sweep run at once (default: the cores Spark has)",
    )


def add_als_arguments(parser: argparse.ArgumentParser) -> None:
    add_spark(parser)
    add_refit(parser)
    parser.add_argument(
        "--blocks", type=int, default=None, help="ALS user and item blocks (default: the cores Spark has)"
    )


def run_kmeans(args: argparse.Namespace) -> None:
    from ml.clustering import step as kmeans
    from ml.warehouse.project import project_vars

    values = project_vars(args.vars)
    check_at_least_one(args, "parallelism")
    kmeans.run(spark_session(args, "kmeans"), values, refit=args.refit, parallelism=args.parallelism)


def run_als(args: argparse.Namespace) -> None:
    from ml.recommenders import step as als
    from ml.warehouse.project import project_vars

    values = project_vars(args.vars)
    check_at_least_one(args, "blocks")
    als.run(spark_session(args, "als"), values, refit=args.refit, blocks=args.blocks)


COMMANDS: CommandTable = {
    "kmeans": (
        "sweep k, fit the movie clusters, write kmeans_sweep, movie_clusters, cluster_profiles",
        "K-means on kmeans_movies_train (genre flags + average rating, cosine distance): every k of "
        "the grid (vars kmeans_k_min/_max/_step) fitted on its fit part and scored by silhouette on "
        "its validation part (column is_validation); the best k refitted on all of train, scored on "
        "kmeans_movies_test, and every movie assigned a cluster.",
        add_kmeans_arguments,
        run_kmeans,
    ),
    "als": (
        "tune and fit the ALS models, score them against baselines, write recommendations",
        "The study's ALS (explicit, non-negative) and bias-aware ALS on als_ratings_train: the rank x "
        "regParam grid (vars als_ranks, als_reg_params) tuned by RMSE on the validation part; the "
        "ranking models (implicit ALS, vars implicit_*; bias-aware ALS reranked by popularity, var "
        "rerank_popularity_weights) tuned by NDCG@top_n; each best refitted on all of train. RMSE, "
        "MAE and ranking metrics on als_ratings_test with the bias and most-popular baselines; "
        "top-N movies per user and users per movie from var recommendation_model (var top_n), and "
        "similar movies.",
        add_als_arguments,
        run_als,
    ),
}
