"""`python -m ml report`: one static HTML page (reports/index.html, images beside it) with the
EDA, the k-means clusters and the ALS results, read from the tables alone (no refitting).

Every aggregate is computed in Spark; only small results (at most a few tens of thousands of
rows, e.g. the movie map) reach the driver, so the 25M ratings are never collected.
"""

from __future__ import annotations

import html
import json
import platform
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ml import PROJECT_DIR, UserError
from ml.clustering.features import assemble_features
from ml.progress import clock
from ml.recommenders.evaluation import clip_rating
from ml.reporting.summary import ML_HINT, recommending_model
from ml.warehouse.tables import read_table

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure
    from pyspark.ml.recommendation import ALSModel
    from pyspark.sql import DataFrame, SparkSession

DEFAULT_OUT = PROJECT_DIR / "reports"
PAGE = "index.html"
IMAGE_DIR = "img"
MAP_MOVIES = 20_000  # movies drawn on the cluster map at most (a deterministic sample beyond)
LARGEST_CLUSTERS = 12
SAMPLE_USERS = 3
MOVIES_PER_LIST = 5
USER_ACTIVITY_BINS_PER_DECADE = 10
PACKAGES = ("dbt-core", "dbt-spark", "pyspark", "pandas", "matplotlib")
OK = ("success", "pass")  # dbt's statuses of a node that built or a test that passed

# (anchor, heading): the page's sections in order; the table of contents and the browser test
# read this list
SECTIONS = (
    ("data", "1. Data and cleaning"),
    ("row-accounting", "1.1 Row accounting"),
    ("genres", "1.2 Genres"),
    ("rating-values", "1.3 Rating values"),
    ("decades", "1.4 Movies per release decade"),
    ("ratings-per-year", "1.5 Ratings per year"),
    ("tenure", "1.6 Ratings by years since the first rating"),
    ("user-activity", "1.7 Ratings per user"),
    ("tags", "1.8 Tags and movies without ratings"),
    ("kmeans", "2. K-means movie clusters"),
    ("silhouette", "2.1 Silhouette vs k"),
    ("cluster-sizes", "2.2 Cluster sizes"),
    ("cluster-composition", "2.3 Composition of the largest clusters"),
    ("cluster-map", "2.4 Map of the movies"),
    ("als", "3. ALS recommendations"),
    ("tuning", "3.1 Tuning"),
    ("predicted-vs-actual", "3.2 Predicted vs actual"),
    ("metrics", "3.3 Metrics: ALS and baselines"),
    ("sample-users", "3.4 Three users and their recommendations"),
    ("run-facts", "4. Run facts"),
)


@dataclass
class Page:
    """The page being written: HTML parts in order and the figures to save beside it."""

    parts: list[str] = field(default_factory=list)
    figures: dict[str, Figure] = field(default_factory=dict)

    def heading(self, anchor: str) -> None:
        title = dict(SECTIONS)[anchor]
        level = 2 if _is_part(title) else 3
        self.parts.append(f'<h{level} id="{anchor}">{html.escape(title)}</h{level}>')

    def text(self, text: str) -> None:
        """A paragraph of our own wording (not escaped: it holds no table values)."""
        self.parts.append(f"<p>{text}</p>")

    def figure(self, name: str, fig: Figure, caption: str) -> None:
        self.figures[name] = fig
        self.parts.append(
            f'<figure><img src="{IMAGE_DIR}/{name}.png" alt="{html.escape(caption)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )

    def table(self, frame: pd.DataFrame, formats: dict[str, str] | None = None) -> None:
        formats = formats or {}
        head = "".join(f"<th>{html.escape(str(name))}</th>" for name in frame.columns)
        rows = []
        for record in frame.itertuples(index=False):
            cells = []
            for name, value in zip(frame.columns, record, strict=True):
                shown = _cell(value, formats.get(name))
                numeric = isinstance(value, int | float) and not isinstance(value, bool)
                cells.append(f'<td class="{"num" if numeric else ""}">{html.escape(shown)}</td>')
            rows.append(f"<tr>{''.join(cells)}</tr>")
        self.parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _is_part(title: str) -> bool:
    """Whether a heading opens a part ("2. K-means ...") rather than a section ("2.1 ...")."""
    return title.split(" ", 1)[0].endswith(".")


def _cell(value: Any, spec: str | None) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if spec:
        return format(value, spec)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}"
    return str(value)


# --- aggregates (Spark DataFrames in, small DataFrames out) ---


def user_activity_histogram(
    activity: DataFrame, bins_per_decade: int = USER_ACTIVITY_BINS_PER_DECADE
) -> DataFrame:
    """Users per log-spaced bin of their rating count: bin_start, users_raw (all ratings),
    users_on_cleaned_movies (ratings of cleaned movies; users with none leave that count)."""
    from pyspark.sql import functions as F

    def binned(column: str, name: str) -> DataFrame:
        edge = F.floor(F.log10(F.col(column)) * bins_per_decade)
        return activity.where(F.col(column) > 0).groupBy(edge.alias("bin")).agg(F.count(F.lit(1)).alias(name))

    both = binned("ratings_raw", "users_raw").join(
        binned("ratings_on_cleaned_movies", "users_on_cleaned_movies"), "bin", "full"
    )
    return both.select(
        F.pow(F.lit(10.0), F.col("bin") / bins_per_decade).alias("bin_start"),
        F.coalesce("users_raw", F.lit(0)).alias("users_raw"),
        F.coalesce("users_on_cleaned_movies", F.lit(0)).alias("users_on_cleaned_movies"),
    ).orderBy("bin_start")


def cluster_rating_spread(clusters: DataFrame, chosen: list[int]) -> DataFrame:
    """min, quartiles and max of the movies' average ratings in each of the `chosen` clusters."""
    from pyspark.sql import functions as F

    quartiles = F.percentile_approx("avg_rating", [0.25, 0.5, 0.75], 10_000)
    return (
        clusters.where(F.col("cluster").isin(chosen))
        .groupBy("cluster")
        .agg(F.min("avg_rating").alias("min"), quartiles.alias("q"), F.max("avg_rating").alias("max"))
        .select(
            "cluster",
            "min",
            F.col("q")[0].alias("q1"),
            F.col("q")[1].alias("median"),
            F.col("q")[2].alias("q3"),
            "max",
        )
    )


def movie_map(movies: DataFrame, clusters: DataFrame, most: int = MAP_MOVIES, seed: int = 0) -> DataFrame:
    """movie_id, cluster, pc1, pc2: the movies' k-means features scaled to unit length (cosine
    distance compares directions) projected on their first two principal components; at most
    `most` movies, a hash-seeded sample beyond."""
    from pyspark.ml.feature import PCA, Normalizer
    from pyspark.ml.functions import vector_to_array
    from pyspark.sql import functions as F

    features = Normalizer(inputCol="features", outputCol="unit", p=2.0).transform(assemble_features(movies))
    total = features.count()
    if total > most:
        keep = F.abs(F.xxhash64("movie_id", F.lit(seed))) % total < most
        features = features.where(keep)
    projected = PCA(k=2, inputCol="unit", outputCol="pcs").fit(features).transform(features)
    pcs = vector_to_array("pcs")
    return projected.select("movie_id", pcs[0].alias("pc1"), pcs[1].alias("pc2")).join(
        clusters.select("movie_id", "cluster"), "movie_id"
    )


def prediction_cells(model: ALSModel, test: DataFrame, bin_width: float = 0.1) -> DataFrame:
    """Test ratings counted per (actual rating, predicted bin), with the mean prediction of each
    actual rating: predictions clipped to the rating scale, bins `bin_width` wide; pairs ALS
    cannot score (cold users or movies) leave."""
    from pyspark.sql import functions as F

    predicted = (
        model.transform(test).where(~F.isnan("prediction")).withColumn("clipped", clip_rating("prediction"))
    )
    bin_start = F.round(F.floor(F.col("clipped") / bin_width) * bin_width, 2)
    cells = predicted.groupBy("rating", bin_start.alias("predicted_bin")).agg(
        F.count(F.lit(1)).alias("ratings")
    )
    means = predicted.groupBy("rating").agg(F.avg("clipped").alias("mean_prediction"))
    return cells.join(means, "rating").orderBy("rating", "predicted_bin")


def sample_user_ids(
    recommendations: DataFrame, test: DataFrame, seed: int, count: int = SAMPLE_USERS
) -> list[int]:
    """`count` users with recommendations and test ratings, the same for the same seed and tables."""
    from pyspark.sql import functions as F

    candidates = (
        recommendations.select("user_id").distinct().join(test.select("user_id").distinct(), "user_id")
    )
    chosen = candidates.orderBy(F.xxhash64("user_id", F.lit(seed)), "user_id").limit(count)
    return [row["user_id"] for row in chosen.collect()]


# --- the page ---


def write_report(
    spark: SparkSession,
    values: dict[str, Any],
    out_dir: Path = DEFAULT_OUT,
    dbt_results: Path | None = None,
    log: Any = print,
) -> Path:
    """Write the page and its images into `out_dir` (replaced only once all is written); its path."""
    started = time.monotonic()
    page = Page()
    page.parts.append(_header(values))
    _data_section(spark, page, values)
    log(f"report: data section ({clock(time.monotonic() - started)})")
    _kmeans_section(spark, page, values)
    log(f"report: k-means section ({clock(time.monotonic() - started)})")
    _als_section(spark, page, values)
    log(f"report: ALS section ({clock(time.monotonic() - started)})")
    _run_facts(spark, page, values, dbt_results)
    page.parts.append("</main></body></html>")
    written = _save(page, out_dir)
    log(f"report: wrote {written} ({len(page.figures)} figures) in {clock(time.monotonic() - started)}")
    return written


def _save(page: Page, out_dir: Path) -> Path:
    """Write into a sibling staging folder, then swap it in: a failed run keeps the last page."""
    import matplotlib.pyplot as plt

    out_dir = out_dir.resolve()
    staging = out_dir.with_name(f".{out_dir.name}.writing")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / IMAGE_DIR).mkdir(parents=True)
    for name, fig in page.figures.items():
        fig.savefig(staging / IMAGE_DIR / f"{name}.png")
        plt.close(fig)
    (staging / PAGE).write_text("\n".join(page.parts), encoding="utf-8")
    # keep files the page does not own (e.g. a screenshot the browser test saved) out of the swap
    old = out_dir.with_name(f".{out_dir.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out_dir.exists():
        out_dir.rename(old)
    staging.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)
    return out_dir / PAGE


CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1d2329;
       line-height: 1.45; background: #fafbfc; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5rem 2rem 4rem; background: white; }
h1 { margin-bottom: 0.2rem; }
h2 { border-bottom: 2px solid #1f77b4; padding-bottom: 0.2rem; margin-top: 2.5rem; }
h3 { margin-top: 2rem; } nav ul { columns: 2; } nav li.sub { margin-left: 1.2rem; }
figure { margin: 1rem 0; } img { max-width: 100%; height: auto; border: 1px solid #e1e4e8; }
figcaption { font-size: 0.9rem; color: #57606a; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #d0d7de; padding: 0.25rem 0.55rem; text-align: left; vertical-align: top; }
th { background: #f0f3f6; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.lead { color: #57606a; }
"""


def _header(values: dict[str, Any]) -> str:
    items = []
    for anchor, title in SECTIONS:
        items.append(
            f'<li class="{"" if _is_part(title) else "sub"}">'
            f'<a href="#{anchor}">{html.escape(title)}</a></li>'
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>MovieLens on dbt + Spark: report</title><style>{CSS}</style></head><body><main>"
        "<h1>MovieLens on dbt + Spark</h1>"
        f'<p class="lead">Cleaning, exploratory analysis, k-means movie clusters and ALS recommendations, '
        f"written {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} from the tables of the run "
        "(section 4 says which).</p>"
        f'<nav><h2 id="contents">Contents</h2><ul>{"".join(items)}</ul></nav>'
    )


def _data_section(spark: SparkSession, page: Page, values: dict[str, Any]) -> None:
    from ml.reporting import plots

    page.heading("data")
    page.heading("row-accounting")
    page.text(
        "Rows before and after each cleaning rule, as the dbt models applied them (table row_accounting)."
    )
    accounting = read_table(spark, "row_accounting").orderBy("step").toPandas()
    page.table(accounting)

    page.heading("genres")
    genres = read_table(spark, "eda_genre_counts").toPandas()
    page.figure(
        "genres", plots.genre_distribution(genres), "Movies per genre in movies.csv and after cleaning."
    )
    page.table(
        genres.sort_values("movies_raw", ascending=False)[
            [
                "genre",
                "is_kept",
                "movies_raw",
                "share_of_movies_raw",
                "movies_cleaned",
                "share_of_movies_cleaned",
            ]
        ],
        {"share_of_movies_raw": ".1%", "share_of_movies_cleaned": ".1%"},
    )

    page.heading("rating-values")
    ratings = read_table(spark, "eda_rating_distribution").orderBy("rating").toPandas()
    page.figure(
        "rating_values",
        plots.rating_distribution(ratings),
        f"{ratings['ratings_raw'].sum():,} ratings read, {ratings['ratings_on_cleaned_movies'].sum():,} of "
        f"cleaned movies, {ratings['ratings_final'].sum():,} final.",
    )

    page.heading("decades")
    decades = read_table(spark, "eda_movies_per_decade").toPandas()
    page.figure("decades", plots.movies_per_decade(decades), "Release decade from the year in the title.")

    page.heading("ratings-per-year")
    years = read_table(spark, "eda_ratings_per_year").orderBy("rated_year").toPandas()
    page.figure(
        "ratings_per_year", plots.ratings_per_year(years), "Bars: ratings per year; lines: their mean."
    )

    page.heading("tenure")
    tenure = read_table(spark, "eda_ratings_by_user_tenure").orderBy("years_since_first_rating").toPandas()
    page.figure(
        "tenure",
        plots.ratings_by_tenure(tenure),
        "Ratings by whole years between the user's first rating and this one (all ratings read).",
    )

    page.heading("user-activity")
    histogram = user_activity_histogram(read_table(spark, "eda_user_activity")).toPandas()
    page.figure(
        "user_activity",
        plots.user_activity(histogram, values["rating_cap"]),
        f"Users per bin of ratings per user ({USER_ACTIVITY_BINS_PER_DECADE} bins per factor of 10).",
    )
    page.table(
        read_table(spark, "eda_user_activity_summary").orderBy("stage_order").drop("stage_order").toPandas()
    )

    page.heading("tags")
    tags = read_table(spark, "eda_tag_counts").toPandas()
    page.figure("tags", plots.top_tags(tags), "Tags lower-cased and trimmed before counting.")
    page.table(read_table(spark, "eda_tags_overview").toPandas())
    unrated = read_table(spark, "eda_movies_without_ratings")
    with_genre = unrated.where("has_genre").count()
    page.text(
        f"Movies nobody rated: {unrated.count():,} ({with_genre:,} of them with a kept genre); "
        "they cannot reach the cleaned movies, which need at least min_ratings "
        f"({values['min_ratings']}) ratings."
    )


def _kmeans_section(spark: SparkSession, page: Page, values: dict[str, Any]) -> None:
    from pyspark.sql import functions as F

    from ml.reporting import plots

    page.heading("kmeans")
    sweep = read_table(spark, "kmeans_sweep", ML_HINT).toPandas()
    chosen = sweep[sweep["is_selected"]].iloc[0]
    page.heading("silhouette")
    page.figure(
        "silhouette",
        plots.silhouette_sweep(sweep),
        f"Silhouette (cosine) on the validation part of kmeans_movies_train; k = {chosen['k']} scores "
        f"{chosen['validation_silhouette']:.4f} there and {chosen['test_silhouette']:.4f} on "
        "kmeans_movies_test.",
    )
    profiles = read_table(spark, "cluster_profiles", ML_HINT)
    page.heading("cluster-sizes")
    page.figure(
        "cluster_sizes",
        plots.cluster_sizes(profiles.select("cluster", "train_movies", "test_movies").toPandas()),
        "Movies per cluster, training movies and test movies (assigned to the nearest centre).",
    )

    page.heading("cluster-composition")
    largest = profiles.orderBy(F.desc("movie_count"), "cluster").limit(LARGEST_CLUSTERS).toPandas()
    order = [int(cluster) for cluster in largest["cluster"]]
    names = {row["column_name"]: row["genre"] for row in read_table(spark, "movielens_genres").collect()}
    shares = largest.set_index("cluster")[[name for name in largest.columns if name.startswith("share_")]]
    shares.columns = [names.get(name.removeprefix("share_"), name) for name in shares.columns]
    clusters = read_table(spark, "movie_clusters", ML_HINT)
    spread = cluster_rating_spread(clusters, order).toPandas().set_index("cluster").loc[order]
    page.figure(
        "cluster_composition",
        plots.cluster_composition(shares, spread),
        f"The {len(order)} largest clusters: share of their movies in each genre, and the spread of the "
        "movies' average ratings (box: quartiles; whiskers: min and max).",
    )
    page.table(
        largest[
            [
                "cluster",
                "movie_count",
                "train_movies",
                "test_movies",
                "top_genres",
                "avg_rating_mean",
                "avg_rating_std",
            ]
        ],
        {"avg_rating_mean": ".2f", "avg_rating_std": ".2f"},
    )

    page.heading("cluster-map")
    movies = read_table(spark, "kmeans_movies_train").unionByName(read_table(spark, "kmeans_movies_test"))
    points = movie_map(movies, clusters, seed=values["split_seed"]).toPandas()
    page.figure(
        "cluster_map",
        plots.cluster_map(points),
        "Each movie's 19 features (genre flags and average rating) scaled to unit length, then projected "
        "on their first two principal components; the ten largest clusters in colour.",
    )


def _als_section(spark: SparkSession, page: Page, values: dict[str, Any]) -> None:
    from pyspark.ml.recommendation import ALSModel
    from pyspark.sql import functions as F

    from ml.reporting import plots
    from ml.warehouse import artifacts

    page.heading("als")
    page.heading("tuning")
    tuning = read_table(spark, "als_tuning", ML_HINT).toPandas()
    for model, label in (("als", "The study's ALS"), ("bias_als", "Bias-aware ALS")):
        page.figure(
            f"tuning_{model}",
            plots.tuning_heatmap(tuning[tuning["model"] == model]),
            f"{label}: validation RMSE per config (search: {values['als_search']}); '(n it.)' marks "
            "configs stopped after n iterations by successive halving.",
        )
    ranking = read_table(spark, "ranking_tuning", ML_HINT).orderBy(F.desc("validation_ndcg")).toPandas()
    page.text(
        f"The ranking models (implicit ALS; bias-aware ALS reranked by popularity): validation "
        f"NDCG@{values['top_n']} per config, best first; the selected one makes the recommendations."
    )
    page.table(
        ranking, {"alpha": "g", "popularity_weight": "g", "validation_ndcg": ".4f", "fit_seconds": ".1f"}
    )

    page.heading("predicted-vs-actual")
    model_dir = artifacts.artifacts_dir() / "als" / artifacts.MODEL_DIR
    if not model_dir.is_dir():
        raise UserError(f"no saved ALS model in {model_dir}; {ML_HINT}")
    model = ALSModel.load(str(model_dir))
    test = read_table(spark, "als_ratings_test")
    cells = prediction_cells(model, test).toPandas()
    page.figure(
        "predicted_vs_actual",
        plots.predicted_vs_actual(cells),
        f"{int(cells['ratings'].sum()):,} test ratings whose user and movie ALS knows; each column adds "
        "up to 100%.",
    )

    page.heading("metrics")
    metrics = read_table(spark, "model_metrics").orderBy(F.col("rmse").isNull(), "model").toPandas()
    page.text(
        f"All models on the same test split; ranking metrics at k = {values['top_n']} with test ratings of "
        f"{values['relevant_rating']} or more as relevant; coverage: share of the train catalogue "
        "recommended; mean popularity: mean train ratings of the recommended movies."
    )
    page.table(
        metrics.drop(columns=["split"], errors="ignore"),
        dict.fromkeys(("rmse", "mae", "precision_at_k", "recall_at_k", "ndcg_at_k", "map_at_k"), ".4f")
        | {"coverage": ".1%", "mean_popularity": ".0f"},
    )

    page.heading("sample-users")
    recommendations = read_table(spark, "user_recommendations", ML_HINT)
    users = sample_user_ids(recommendations, test, values["split_seed"])
    titles = read_table(spark, "movies").select("movie_id", "title")
    train = read_table(spark, "als_ratings_train")
    page.text(f"Users chosen by a hash of split_seed ({values['split_seed']}) among those with test ratings.")
    for user in users:
        liked = (
            train.where(F.col("user_id") == user)
            .join(titles, "movie_id")
            .orderBy(F.desc("rating"), F.desc("rated_at"), "movie_id")
            .select("title", "rating")
            .limit(MOVIES_PER_LIST)
            .toPandas()
        )
        held_out = (
            model.transform(test.where(F.col("user_id") == user))
            .join(titles, "movie_id")
            .orderBy(F.desc("rating"), "movie_id")
            .select("title", "rating", clip_rating(F.nanvl("prediction", F.lit(None))).alias("predicted"))
            .limit(MOVIES_PER_LIST)
            .toPandas()
        )
        recommended = (
            recommendations.where(F.col("user_id") == user)
            .orderBy("rank")
            .select("rank", "title", "genres", "predicted_rating")
            .toPandas()
        )
        page.parts.append(f"<h4>User {user}</h4>")
        page.text(f"Highest-rated train movies (of {train.where(F.col('user_id') == user).count():,}):")
        page.table(liked, {"rating": ".1f"})
        page.text("Test movies (held out), with the ALS prediction:")
        page.table(held_out, {"rating": ".1f", "predicted": ".2f"})
        page.text(
            f"Recommended by {recommending_model(spark, values)} (not rated in train), with predicted "
            "ratings:"
        )
        page.table(recommended, {"predicted_rating": ".2f"})


def _versions(spark: SparkSession) -> str:
    installed = []
    for name in PACKAGES:
        try:
            installed.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return f"Spark {spark.version}, Python {platform.python_version()}, " + ", ".join(installed)


def _run_facts(spark: SparkSession, page: Page, values: dict[str, Any], dbt_results: Path | None) -> None:
    import pandas as pd

    from ml.warehouse import artifacts
    from ml.warehouse.project import project_vars

    page.heading("run-facts")
    defaults = project_vars()
    changed = {name: value for name, value in values.items() if defaults.get(name) != value}
    ratings = read_table(spark, "eda_rating_distribution").agg({"ratings_raw": "sum"}).first()[0]
    facts = [
        ("data folder", str(values["movielens_dir"])),
        ("vars", json.dumps(changed) if changed else "defaults (dbt_project.yml)"),
        ("ratings read", f"{int(ratings):,}"),
        ("versions", _versions(spark)),
        ("report written", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())),
    ]
    for step, key, label in (
        ("kmeans", "sweep_seconds", "k-means sweep"),
        ("als", "tuning_seconds", "ALS tuning"),
    ):
        meta_file = artifacts.artifacts_dir() / step / artifacts.META_FILE
        if meta_file.is_file():
            meta = json.loads(meta_file.read_text())
            facts.append((label, f"{clock(meta[key])} (model fitted {meta['fitted_at']})"))
    if dbt_results and dbt_results.is_file():
        results = json.loads(dbt_results.read_text())
        # exposures are listed as no-op: they are documentation, nothing ran
        statuses = Counter(node["status"] for node in results["results"] if node["status"] != "no-op")
        others = ", ".join(
            f"{count} {status}" for status, count in sorted(statuses.items()) if status not in OK
        )
        facts.append(
            (
                "dbt build",
                f"{clock(results['elapsed_time'])} for {sum(statuses.values())} seeds, models and tests "
                f"({others or 'all passed'}), started {results['metadata']['invocation_started_at']}",
            )
        )
    page.table(pd.DataFrame(facts, columns=["what", "value"]))
