"""Fitted models on disk, reused while their inputs are unchanged.

`<state dir>/artifacts/<step>/` holds `model/` (pyspark.ml's own format) and `meta.json`: the
fingerprint of what the model was fitted on (input table hashes and parameters), when, and the
step's selection results (sweep, tuning), so that a later command can skip the fitting.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ml.warehouse.session import state_dir

META_FILE = "meta.json"
MODEL_DIR = "model"


def artifacts_dir() -> Path:
    return state_dir() / "artifacts"


@dataclass
class Saved:
    """A model folder whose fingerprint matched: load the model from `model_path`."""

    model_path: Path
    meta: dict[str, Any]


def saved_meta(step: str, root: Path | None = None) -> dict[str, Any] | None:
    """The meta of the model saved for `step` (its fingerprint, when it was fitted, its search's
    results), or None if none is saved."""
    try:
        return json.loads(((root or artifacts_dir()) / step / META_FILE).read_text())
    except (OSError, ValueError):
        return None


def find_current(step: str, fingerprint: dict[str, Any], root: Path | None = None) -> Saved | None:
    """The saved model of `step` if it was fitted with exactly `fingerprint`, else None."""
    folder = (root or artifacts_dir()) / step
    meta = saved_meta(step, root)
    if meta is None:
        return None
    # compared as JSON, as it was saved (tuples come back as lists)
    if meta.get("fingerprint") != json.loads(json.dumps(fingerprint)) or not (folder / MODEL_DIR).is_dir():
        return None
    return Saved(folder / MODEL_DIR, meta)


def reuse(step: str, fingerprint: dict[str, Any], model_class: Any, label: str, refit: bool = False):
    """(model, meta) of the saved model of `step` if it was fitted with `fingerprint` (and `refit`
    is off), saying so; else None."""
    saved = None if refit else find_current(step, fingerprint)
    if saved is None:
        return None
    print(
        f"{label}: inputs unchanged since {saved.meta['fitted_at']}; reusing the model and its search "
        f"results in {saved.model_path.parent} (--refit fits again)"
    )
    return model_class.load(str(saved.model_path)), saved.meta


def save(
    step: str, model: Any, fingerprint: dict[str, Any], results: dict[str, Any], root: Path | None = None
) -> Path:
    """Save `model` and its meta under `step`, replacing the previous one only once both are
    written (a failed save leaves the previous model in place)."""
    folder = (root or artifacts_dir()) / step
    staging = folder.with_name(f"{step}.saving-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    model.write().overwrite().save(str(staging / MODEL_DIR))
    meta = {"fingerprint": fingerprint, "fitted_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"), **results}
    (staging / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True))
    previous = folder.with_name(f"{step}.previous-{os.getpid()}")
    if folder.exists():
        folder.rename(previous)
    staging.rename(folder)
    shutil.rmtree(previous, ignore_errors=True)
    return folder
