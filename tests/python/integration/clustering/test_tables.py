"""The k-means result tables: kmeans_sweep and cluster_profiles, on hand-made rows."""

import pytest

from ml.clustering.sweep import SweepPoint
from ml.clustering.tables import cluster_profiles, sweep_table


def point(k, validation):
    return SweepPoint(k, k, 3, 0.1, validation, 0.5)


def test_the_sweep_table_lists_every_k_of_the_grid_with_the_choice(spark):
    table = sweep_table(
        spark, [point(10, 0.3), point(20, 0.5)], [30], selected_k=20, test_silhouette=0.4, training_movies=25
    )
    rows = {row.k: row for row in table.collect()}
    assert sorted(rows) == [10, 20, 30]
    assert rows[30].status == "skipped" and rows[30].iterations is None
    assert rows[20].is_selected and rows[20].test_silhouette == 0.4
    assert not rows[10].is_selected and rows[10].test_silhouette is None


def test_cluster_profiles_give_sizes_genre_shares_and_rating_spread(spark):
    movies = spark.createDataFrame(
        [(1, 1, 0, 4.0), (2, 1, 1, 3.0), (3, 0, 1, 2.0), (4, 1, 0, 5.0)],
        "movie_id int, genre_drama int, genre_sci_fi int, avg_rating double",
    )
    clusters = spark.createDataFrame(
        [(1, "train", 0), (2, "test", 0), (3, "train", 1), (4, "train", 0)],
        "movie_id int, split string, cluster int",
    )
    profiles = {
        row.cluster: row
        for row in cluster_profiles(
            clusters, movies, {"genre_drama": "Drama", "genre_sci_fi": "Sci-Fi"}
        ).collect()
    }
    first = profiles[0]
    assert (first.movie_count, first.train_movies, first.test_movies) == (3, 2, 1)
    assert first.share_genre_drama == 1.0 and first.share_genre_sci_fi == pytest.approx(1 / 3)
    assert first.top_genres == "Drama 100%, Sci-Fi 33%"
    assert (first.avg_rating_mean, first.avg_rating_min, first.avg_rating_max) == (4.0, 3.0, 5.0)
    assert first.avg_rating_std == pytest.approx(1.0)
    assert profiles[1].top_genres == "Sci-Fi 100%"
    assert profiles[1].avg_rating_std is None
