"""One run's tables belong together (ml/warehouse/runs.py): the committed runs, and what a mix is."""

from ml.warehouse.runs import committed_rows, mixed_tables, new_run_id


def test_a_commit_replaces_its_steps_row_and_keeps_the_others():
    rows = [
        {"step": "kmeans", "run_id": "kmeans-1", "tables": "kmeans_sweep", "committed_at": "then"},
        {"step": "als", "run_id": "als-1", "tables": "als_tuning", "committed_at": "then"},
    ]
    committed = committed_rows(rows, "kmeans", "kmeans-2", ["kmeans_sweep", "movie_clusters"])
    assert [(row["step"], row["run_id"], row["tables"]) for row in committed] == [
        ("als", "als-1", "als_tuning"),
        ("kmeans", "kmeans-2", "kmeans_sweep,movie_clusters"),
    ]
    assert committed_rows([], "als", "als-1", ["als_tuning"])[0]["run_id"] == "als-1"  # the first commit


def test_a_table_of_another_run_is_a_mix():
    committed = {"als_tuning": "als-2", "user_recommendations": "als-2", "similar_movies": "als-2"}
    found = {"als_tuning": "als-2", "user_recommendations": "als-1", "similar_movies": None}
    assert mixed_tables(committed, found) == ["user_recommendations"]


def test_counterpart_one_runs_tables_and_empty_tables_are_no_mix():
    committed = {"als_tuning": "als-2", "similar_movies": "als-2"}
    assert mixed_tables(committed, {"als_tuning": "als-2", "similar_movies": None}) == []


def test_run_ids_name_the_step_and_differ_within_a_second():
    first, second = new_run_id("als"), new_run_id("als")
    assert first.startswith("als-20") and second.startswith("als-20")
    assert first != second
