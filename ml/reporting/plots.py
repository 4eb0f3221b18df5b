"""The report's figures: one function per plot, pandas aggregates in, a matplotlib Figure out.

Every figure shares one style (STYLE), so the page reads as one document. Inputs are small
aggregates that ml.reporting.aggregates computed in Spark; nothing here touches Spark.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers and in CI

import matplotlib.pyplot as plt
import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

STYLE = {
    "figure.figsize": (9.0, 4.6),
    "figure.dpi": 110,
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.labelsize": 11,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
}
RAW, CLEANED, FINAL = "#9aa5b1", "#1f77b4", "#d62728"  # the same stage, the same colour, everywhere
plt.rcParams.update(STYLE)


def _thousands(axis) -> None:
    axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:,.0f}"))


def genre_distribution(genres: pd.DataFrame) -> Figure:
    """Movies per genre before and after cleaning: counts (left) and shares of all movies (right)."""
    frame = genres.sort_values("movies_raw")
    fig, (counts, shares) = plt.subplots(1, 2, figsize=(11, 6.5), sharey=True)
    y = np.arange(len(frame))
    for axis, raw, cleaned, label in (
        (counts, "movies_raw", "movies_cleaned", "movies"),
        (shares, "share_of_movies_raw", "share_of_movies_cleaned", "share of movies (%)"),
    ):
        scale = 100 if "share" in raw else 1
        axis.barh(y + 0.2, frame[raw] * scale, height=0.4, color=RAW, label="movies.csv")
        axis.barh(y - 0.2, frame[cleaned] * scale, height=0.4, color=CLEANED, label="cleaned")
        axis.set_xlabel(label)
    _thousands(counts.xaxis)
    counts.set_yticks(y, frame["genre"])
    counts.legend(loc="lower right")
    fig.suptitle("Genres before and after cleaning (IMAX and (no genres listed) are dropped)")
    fig.tight_layout()
    return fig


def rating_distribution(ratings: pd.DataFrame) -> Figure:
    """Share of ratings per star value at three stages of the cleaning."""
    fig, axis = plt.subplots()
    x = np.arange(len(ratings))
    for offset, column, colour, label in (
        (-0.27, "share_raw", RAW, "ratings.csv"),
        (0.0, "share_on_cleaned_movies", CLEANED, "of cleaned movies"),
        (0.27, "share_final", FINAL, "final (users within the cap)"),
    ):
        axis.bar(x + offset, ratings[column] * 100, width=0.27, color=colour, label=label)
    axis.set_xticks(x, [f"{value:g}" for value in ratings["rating"]])
    axis.set_xlabel("rating (stars)")
    axis.set_ylabel("share of ratings (%)")
    axis.set_title("Rating values")
    axis.legend()
    fig.tight_layout()
    return fig


def movies_per_decade(decades: pd.DataFrame) -> Figure:
    frame = decades.sort_values("decade", na_position="first")
    labels = ["no year" if np.isnan(value) else f"{int(value)}s" for value in frame["decade"]]
    fig, axis = plt.subplots()
    x = np.arange(len(frame))
    axis.bar(x - 0.2, frame["movies_raw"], width=0.4, color=RAW, label="movies.csv")
    axis.bar(x + 0.2, frame["movies_cleaned"], width=0.4, color=CLEANED, label="cleaned")
    axis.set_xticks(x, labels, rotation=45, ha="right")
    axis.set_xlabel("release decade (year from the title)")
    axis.set_ylabel("movies")
    _thousands(axis.yaxis)
    axis.set_title("Movies per release decade")
    axis.legend()
    fig.tight_layout()
    return fig


def ratings_per_year(years: pd.DataFrame) -> Figure:
    """Ratings per calendar year (bars) with each year's mean rating (lines, right axis)."""
    fig, axis = plt.subplots()
    x = years["rated_year"].to_numpy()
    axis.bar(x - 0.2, years["ratings_raw"], width=0.4, color=RAW, label="ratings.csv")
    axis.bar(x + 0.2, years["ratings_final"], width=0.4, color=FINAL, label="final")
    axis.set_xlabel("year rated (UTC)")
    axis.set_ylabel("ratings")
    _thousands(axis.yaxis)
    means = axis.twinx()
    means.plot(
        x, years["mean_rating_raw"], color="black", marker="o", markersize=3, label="mean, ratings.csv"
    )
    means.plot(x, years["mean_rating_final"], color=FINAL, marker="o", markersize=3, label="mean, final")
    means.set_ylabel("mean rating (stars)")
    lowest = min(years["mean_rating_raw"].min(), years["mean_rating_final"].min())
    highest = max(years["mean_rating_raw"].max(), years["mean_rating_final"].max())
    means.set_ylim(max(0.5, lowest - 0.5), min(5.0, highest + 0.5))
    means.grid(False)
    handles = axis.get_legend_handles_labels()[0] + means.get_legend_handles_labels()[0]
    axis.legend(handles=handles, loc="upper left", fontsize=9)
    axis.set_title("Ratings per year and their mean")
    fig.tight_layout()
    return fig


def ratings_by_tenure(tenure: pd.DataFrame) -> Figure:
    """Ratings by whole years since the user's first rating: counts and shares."""
    fig, (counts, shares) = plt.subplots(1, 2, figsize=(11, 4.4))
    x = tenure["years_since_first_rating"]
    counts.bar(x, tenure["ratings"], color=CLEANED)
    counts.set_ylabel("ratings")
    counts.set_yscale("log")
    shares.plot(x, tenure["share_of_ratings"].cumsum() * 100, color=CLEANED, marker="o", markersize=3)
    shares.set_ylabel("cumulative share of ratings (%)")
    shares.set_ylim(0, 101)
    for axis in (counts, shares):
        axis.set_xlabel("years since the user's first rating")
    fig.suptitle("When users rate: most ratings come in the user's first year")
    fig.tight_layout()
    return fig


def user_activity(histogram: pd.DataFrame, rating_cap: int | None) -> Figure:
    """Users per (log-spaced) bin of ratings per user, all ratings and ratings of cleaned movies,
    with the rating cap marked."""
    fig, axis = plt.subplots()
    for column, colour, label in (
        ("users_raw", RAW, "all ratings"),
        ("users_on_cleaned_movies", CLEANED, "ratings of cleaned movies"),
    ):
        axis.step(
            histogram["bin_start"], histogram[column], where="post", color=colour, label=label, linewidth=1.6
        )
    if rating_cap is not None:
        axis.axvline(rating_cap, color=FINAL, linestyle="--", label=f"rating_cap = {rating_cap}")
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("ratings per user (log scale)")
    axis.set_ylabel("users per bin (log scale)")
    axis.set_title("User activity: users with at most the cap are kept")
    axis.legend()
    fig.tight_layout()
    return fig


def top_tags(tags: pd.DataFrame, shown: int = 25) -> Figure:
    frame = tags.nsmallest(shown, "tag_rank").iloc[::-1]
    fig, axis = plt.subplots(figsize=(9, 0.28 * len(frame) + 1.2))
    axis.barh(frame["tag"], frame["tag_rows"], color=CLEANED)
    axis.set_xlabel("times applied")
    _thousands(axis.xaxis)
    axis.set_title(
        f"The {len(frame)} most used tags (lower-cased)" if len(frame) else "No tags read (row accounting)"
    )
    fig.tight_layout()
    return fig


def silhouette_sweep(sweep: pd.DataFrame) -> Figure:
    fitted = sweep[sweep["status"] == "fitted"].sort_values("k")
    chosen = sweep[sweep["is_selected"]].iloc[0]
    fig, axis = plt.subplots()
    axis.plot(fitted["k"], fitted["validation_silhouette"], color=CLEANED, label="validation")
    if fitted["train_silhouette"].notna().any():
        axis.plot(fitted["k"], fitted["train_silhouette"], color=RAW, label="train")
    axis.axvline(chosen["k"], color=FINAL, linestyle="--", label=f"chosen k = {chosen['k']}")
    axis.set_xlabel("k (clusters)")
    axis.set_ylabel("silhouette (cosine)")
    axis.set_title(f"K-means sweep: {len(fitted)} values of k fitted")
    axis.legend()
    fig.tight_layout()
    return fig


def cluster_sizes(profiles: pd.DataFrame) -> Figure:
    """Histogram of cluster sizes (movies per cluster), train and test side by side."""
    fig, axis = plt.subplots()
    largest = max(int(profiles["train_movies"].max()), 1)
    bins = np.unique(np.geomspace(1, largest + 1, 30).astype(int))
    axis.hist(
        [profiles["train_movies"].clip(lower=1), profiles["test_movies"].clip(lower=1)],
        bins=bins,
        color=[CLEANED, FINAL],
        label=["train (kmeans_movies_train)", "test (kmeans_movies_test)"],
    )
    axis.set_xscale("log")
    axis.set_xlabel("movies in the cluster (log scale; an empty test side counts as 1)")
    axis.set_ylabel("clusters")
    axis.set_title(f"Cluster sizes ({len(profiles)} clusters)")
    axis.legend()
    fig.tight_layout()
    return fig


def cluster_composition(shares: pd.DataFrame, ratings: pd.DataFrame) -> Figure:
    """Genre mix (heatmap, share of the cluster's movies) and average-rating spread (boxes of
    min, quartiles, max) of the largest clusters. `shares`: cluster x genre; `ratings`: per
    cluster min, q1, median, q3, max."""
    fig, (heat, boxes) = plt.subplots(
        1, 2, figsize=(12, 0.42 * len(shares) + 2.2), gridspec_kw={"width_ratios": [3, 1]}, sharey=True
    )
    image = heat.imshow(shares.to_numpy() * 100, aspect="auto", cmap="Blues", vmin=0, vmax=100)
    heat.set_xticks(range(len(shares.columns)), shares.columns, rotation=60, ha="right")
    heat.grid(False)
    fig.colorbar(image, ax=heat, label="share of the cluster's movies (%)", fraction=0.04)
    stats = [
        {"med": row["median"], "q1": row["q1"], "q3": row["q3"], "whislo": row["min"], "whishi": row["max"]}
        for _, row in ratings.iterrows()
    ]
    boxes.bxp(stats, positions=range(len(stats)), orientation="horizontal", showfliers=False, widths=0.6)
    boxes.set_xlabel("average rating (stars)")
    # after bxp, which sets its own ticks on the shared axis
    heat.set_yticks(range(len(shares)), [f"cluster {cluster}" for cluster in shares.index])
    fig.suptitle("Composition of the largest clusters")
    fig.tight_layout()
    return fig


def cluster_map(points: pd.DataFrame, shown_clusters: int = 10) -> Figure:
    """Movies on the first two principal components of their (normalised) features, the largest
    clusters in colour and the rest in grey."""
    fig, axis = plt.subplots(figsize=(9, 6.5))
    largest = points["cluster"].value_counts().index[:shown_clusters]
    rest = points[~points["cluster"].isin(largest)]
    axis.scatter(rest["pc1"], rest["pc2"], s=4, color="#cccccc", label="other clusters", rasterized=True)
    colours = plt.get_cmap("tab10")
    for index, cluster in enumerate(largest):
        chosen = points[points["cluster"] == cluster]
        axis.scatter(chosen["pc1"], chosen["pc2"], s=5, color=colours(index % 10), label=f"cluster {cluster}")
    axis.set_xlabel("first principal component")
    axis.set_ylabel("second principal component")
    axis.set_title(f"Movies by cluster (PCA of the k-means features; {len(points):,} movies)")
    axis.legend(markerscale=3, fontsize=9, loc="best")
    fig.tight_layout()
    return fig


def tuning_heatmap(tuning: pd.DataFrame) -> Figure:
    """Validation RMSE per (rank, regParam); the configs the search did not fit are marked so."""
    grid = tuning.pivot(index="rank", columns="reg_param", values="validation_rmse").sort_index()
    chosen = tuning[tuning["is_selected"]].iloc[0]
    fig, axis = plt.subplots(figsize=(7.5, 4.8))
    image = axis.imshow(grid.to_numpy(), cmap="viridis_r", aspect="auto")
    axis.set_xticks(range(len(grid.columns)), [f"{value:g}" for value in grid.columns])
    axis.set_yticks(range(len(grid.index)), grid.index)
    axis.set_xlabel("regParam")
    axis.set_ylabel("rank")
    axis.grid(False)
    for row, rank in enumerate(grid.index):
        for column, reg in enumerate(grid.columns):
            value = grid.loc[rank, reg]
            fitted = not math.isnan(value)
            bold = rank == chosen["rank"] and reg == chosen["reg_param"]
            axis.text(
                column,
                row,
                f"{value:.4f}" if fitted else "not fitted",
                ha="center",
                va="center",
                # readable on light and dark cells
                color="black" if not fitted or image.norm(value) < 0.5 else "white",
                fontsize=9,
                fontweight="bold" if bold else "normal",
            )
    fig.colorbar(image, ax=axis, label="validation RMSE (stars)")
    axis.set_title(f"ALS tuning: chosen rank {chosen['rank']}, regParam {chosen['reg_param']:g} (bold)")
    fig.tight_layout()
    return fig


def predicted_vs_actual(cells: pd.DataFrame) -> Figure:
    """Test ratings: share of each actual rating's predictions per predicted-rating bin, and the
    mean prediction per actual rating. `cells`: rating, predicted_bin (0.1 wide), ratings,
    mean_prediction (of all the rating's pairs)."""
    table = cells.pivot(index="predicted_bin", columns="rating", values="ratings")
    # every bin and star value, so that the image's rows and columns are evenly spaced
    bins = np.round(np.arange(table.index.min(), table.index.max() + 0.05, 0.1), 2)
    table = table.reindex(index=bins, columns=np.arange(0.5, 5.01, 0.5)).fillna(0)
    shares = table / table.sum(axis=0).replace(0, 1)
    fig, axis = plt.subplots(figsize=(8, 5.5))
    extent = (
        table.columns.min() - 0.25,
        table.columns.max() + 0.25,
        table.index.min(),
        table.index.max() + 0.1,
    )
    image = axis.imshow(shares.to_numpy() * 100, origin="lower", aspect="auto", cmap="Blues", extent=extent)
    means = cells.groupby("rating")["mean_prediction"].first()
    axis.plot(means.index, means, color=FINAL, marker="o", label="mean prediction")
    axis.plot([0.5, 5], [0.5, 5], color="black", linestyle=":", label="prediction = rating")
    axis.set_xlabel("actual rating (stars)")
    axis.set_ylabel("predicted rating (stars, clipped to 0.5-5)")
    axis.grid(False)
    fig.colorbar(image, ax=axis, label="share of the column's test ratings (%)")
    axis.set_title("ALS on the test split: predicted vs actual")
    axis.legend(loc="upper left")
    fig.tight_layout()
    return fig
