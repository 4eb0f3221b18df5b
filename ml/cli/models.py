"""`kmeans` and `als`: the model steps on the dbt marts."""

from __future__ import annotations

import argparse

from ml.cli.arguments import add_refit, add_spark, check_at_least_one, spark_session


def register(commands: argparse._SubParsersAction) -> None:
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
    add_spark(kmeans)
    add_refit(kmeans)
    kmeans.add_argument(
        "--parallelism",
        type=int,
        default=None,
        help="fits of the sweep run at once (default: the cores Spark has)",
    )
    kmeans.set_defaults(run=run_kmeans)

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
    add_spark(als)
    add_refit(als)
    als.add_argument(
        "--blocks", type=int, default=None, help="ALS user and item blocks (default: the cores Spark has)"
    )
    als.set_defaults(run=run_als)


def run_kmeans(args: argparse.Namespace) -> None:
    from ml.clustering import kmeans
    from ml.warehouse.project import project_vars

    values = project_vars(args.vars)
    check_at_least_one(args, "parallelism")
    kmeans.run(spark_session(args, "kmeans"), values, refit=args.refit, parallelism=args.parallelism)


def run_als(args: argparse.Namespace) -> None:
    from ml.recommenders import rating_models as als
    from ml.warehouse.project import project_vars

    values = project_vars(args.vars)
    check_at_least_one(args, "blocks")
    als.run(spark_session(args, "als"), values, refit=args.refit, blocks=args.blocks)
