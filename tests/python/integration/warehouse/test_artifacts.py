"""Saved models and their fingerprints."""

from pyspark.ml.clustering import KMeans, KMeansModel
from pyspark.ml.linalg import Vectors

from ml.warehouse import artifacts


def test_a_saved_model_is_found_only_under_its_own_fingerprint(spark, tmp_path):
    points = spark.createDataFrame([(Vectors.dense([1.0, 0.0]),), (Vectors.dense([0.0, 1.0]),)], ["features"])
    model = KMeans(k=2, seed=0).fit(points)
    fingerprint = {"table": "2:123", "settings": {"k": 2, "ranks": (50, 75)}}
    assert artifacts.find_current("step", fingerprint, root=tmp_path) is None
    artifacts.save("step", model, fingerprint, {"sweep": [1, 2]}, root=tmp_path)
    saved = artifacts.find_current("step", fingerprint, root=tmp_path)
    assert saved.meta["sweep"] == [1, 2]
    assert len(KMeansModel.load(str(saved.model_path)).clusterCenters()) == 2
    assert artifacts.find_current("step", {**fingerprint, "table": "2:124"}, root=tmp_path) is None
    # saving again replaces the folder, leaving no staging folder behind
    artifacts.save("step", model, {"new": True}, {}, root=tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["step"]
    assert artifacts.find_current("step", fingerprint, root=tmp_path) is None
