"""The study's exploratory queries in analyses/ compile, and their SQL runs on the built tables."""

from pathlib import Path

import pytest

ANALYSES = ("movies_without_ratings", "ratings_lost_to_no_genre", "cleaning_preview", "tags_overview")


@pytest.fixture(scope="module")
def compiled(run_dbt, tmp_path_factory) -> Path:
    # no relation cache to fill: the analyses compile without opening a Spark session
    result = run_dbt(
        "compile",
        "--no-populate-cache",
        "--select",
        "resource_type:analysis",
        spark_dir=tmp_path_factory.mktemp("compile"),
    )
    assert result.returncode == 0, result.stdout[-3000:]
    target = Path(result.args[result.args.index("--target-path") + 1])
    return target / "compiled" / "movielens" / "analyses"


@pytest.mark.parametrize("analysis", ANALYSES)
def test_analysis_compiles_and_runs(spark, table, compiled, analysis):
    sql = (compiled / f"{analysis}.sql").read_text()
    assert "{{" not in sql
    rows = spark.sql(sql).collect()
    assert rows, f"{analysis} returned nothing"


def test_ratings_lost_to_no_genre_agrees_with_the_accounting(spark, table, compiled):
    lost = spark.sql((compiled / "ratings_lost_to_no_genre.sql").read_text()).first()
    accounting = table("row_accounting").where("step = 6").first()
    assert lost.ratings_lost == accounting.rows_removed == 47
