"""One folder of synthetic data: the draws in their order (movies, users, ratings, tags, links,
each from the one seeded stream, so the same scale and seed give the same bytes), then synth.json;
or the folder reused when it already holds this scale and seed."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ml import PROJECT_DIR, UserError
from ml.tools.data_files import DATA_FILES
from ml.tools.synth.links import write_links
from ml.tools.synth.movies import make_movies
from ml.tools.synth.output import MANIFEST, describe, existing_shape, write_csv, write_manifest
from ml.tools.synth.popularity import Choosers, sampling_weights
from ml.tools.synth.ratings import RatedMovies, write_ratings
from ml.tools.synth.shape import check_spec
from ml.tools.synth.tags import write_tags
from ml.tools.synth.taste import draw_tastes
from ml.tools.synth.users import make_users


def generate(
    out_dir: Path, scale: float, seed: int, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """Write movies.csv, ratings.csv, tags.csv, links.csv and synth.json into `out_dir`; return
    the shape of what was written (also in synth.json)."""
    spec = check_spec(scale, seed)
    started = time.monotonic()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MANIFEST).unlink(missing_ok=True)  # written last: its presence means complete
    rng = np.random.default_rng(spec.seed)

    movies = make_movies(rng, spec)
    write_csv(movies[["movieId", "title", "genres"]], out_dir / "movies.csv", header=True)
    users = make_users(rng, spec)
    tastes = draw_tastes(rng, movies["weight"].to_numpy(), users.counts)
    rated = RatedMovies(
        ids=movies["movieId"].to_numpy(),
        weight=sampling_weights(movies["weight"].to_numpy(), Choosers.of(users.counts, tastes), spec),
        bias=movies["bias"].to_numpy(),
        tastes=tastes,
    )
    tally = write_ratings(rng, spec, out_dir / "ratings.csv", users, rated, progress, started)
    tags = write_tags(rng, spec, out_dir / "tags.csv", rated.weight, rated.ids, users.first_seen)
    write_links(rng, out_dir / "links.csv", rated.ids)

    shape = describe(spec, movies["genres"], users.counts, tally, tags, time.monotonic() - started)
    write_manifest(out_dir, shape)
    progress(
        f"  synth: {shape['ratings']:,} ratings, {spec.users:,} users, {shape['movies']:,} movies, "
        f"{tags:,} tags in {out_dir} ({shape['seconds']:.0f} s)"
    )
    return shape


def default_dir(scale: float, seed: int) -> Path:
    return PROJECT_DIR / ".spark" / "synthetic" / f"scale-{scale:g}-seed-{seed}"


def ensure_synthetic(
    out_dir: Path | None, scale: float, seed: int, progress: Callable[[str], None] = print
) -> tuple[Path, dict[str, Any]]:
    """The folder of synthetic data for this scale and seed, generated unless already there.
    A folder holding other MovieLens files (no manifest of ours) is never overwritten."""
    check_spec(scale, seed)
    out_dir = (out_dir or default_dir(scale, seed)).expanduser().resolve()
    shape = existing_shape(out_dir, scale, seed)
    if shape is not None:
        progress(f"ok: synthetic data (scale {scale:g}, seed {seed}) already in {out_dir}, reused")
        return out_dir, shape
    if not (out_dir / MANIFEST).is_file() and any((out_dir / name).exists() for name in DATA_FILES):
        raise UserError(
            f"{out_dir} holds MovieLens files that this generator did not write; "
            "choose an empty folder with --out"
        )
    progress(f"synth: generating scale {scale:g} (seed {seed}) into {out_dir}")
    return out_dir, generate(out_dir, scale, seed, progress)
