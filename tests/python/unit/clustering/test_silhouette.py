"""The driver-side cosine silhouette against the textbook pairwise one."""

import numpy as np
import pytest

from ml.clustering.silhouette import cosine_silhouette


def brute_force_silhouette(rows: np.ndarray, labels: np.ndarray) -> float:
    """The textbook silhouette with cosine distance, pair by pair (0 for a row alone in its cluster)."""
    unit = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    distance = 1 - unit @ unit.T
    scores = []
    for i, label in enumerate(labels):
        mates = (labels == label) & (np.arange(len(labels)) != i)
        if not mates.any():
            scores.append(0.0)
            continue
        own = distance[i, mates].mean()
        neighbour = min(distance[i, labels == other].mean() for other in set(labels) - {label})
        scores.append((neighbour - own) / max(own, neighbour))
    return float(np.mean(scores))


def test_the_driver_silhouette_is_the_textbook_one(monkeypatch):
    rng = np.random.default_rng(3)
    rows = rng.random((60, 5)) + 0.01
    labels = np.concatenate([rng.integers(0, 6, 58), [9, 10]])  # two clusters of one row
    monkeypatch.setattr("ml.clustering.silhouette.BLOCK_ROWS", 7)  # several blocks, a ragged last one
    assert cosine_silhouette(rows, labels) == pytest.approx(brute_force_silhouette(rows, labels), abs=1e-12)
