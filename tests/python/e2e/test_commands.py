"""An ml command before the marts exist says to build them."""

import os
import subprocess
import sys

from ml import PROJECT_DIR


def test_ml_before_the_marts_exist_says_to_build_them(tmp_path):
    environment = {**os.environ, "MOVIELENS_SPARK_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "ml", "kmeans"],
        cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 2
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("error: table movielens.kmeans_movies_train does not exist")
    assert "make run" in last_line
