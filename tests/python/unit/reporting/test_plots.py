"""The tuning heatmap: every config of the grid a cell, those the search did not fit marked so;
the tags chart without tags."""

import pandas as pd

from ml.reporting.plots import top_tags, tuning_heatmap


def test_the_heatmap_marks_the_configs_the_search_did_not_fit():
    tuning = pd.DataFrame(
        [(50, 0.1, 0.95, False), (50, 0.2, 0.90, True), (75, 0.2, 0.92, False)],
        columns=["rank", "reg_param", "validation_rmse", "is_selected"],
    )
    figure = tuning_heatmap(tuning)
    texts = [text.get_text() for text in figure.axes[0].texts]
    assert sorted(texts) == ["0.9000", "0.9200", "0.9500", "not fitted"]  # (75, 0.1) was not fitted
    bold = [text.get_text() for text in figure.axes[0].texts if text.get_fontweight() == "bold"]
    assert bold == ["0.9000"]


def test_the_tags_chart_of_a_folder_without_tags_says_so():
    no_tags = pd.DataFrame({"tag_rank": [], "tag": [], "tag_rows": []})
    assert top_tags(no_tags).axes[0].get_title() == "No tags read (row accounting)"
    some = pd.DataFrame({"tag_rank": [1, 2], "tag": ["funny", "dark"], "tag_rows": [9, 4]})
    assert top_tags(some).axes[0].get_title() == "The 2 most used tags (lower-cased)"
