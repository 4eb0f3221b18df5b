"""tags.csv: a tenth of the users tag, a few of them a lot, from tagging's opening in 2005 on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ml.tools.synth.output import write_csv
from ml.tools.synth.shape import LAST_TIMESTAMP, TAG_VOCABULARY, TAGGING_USERS_SHARE, TAGS_FROM, SynthSpec

TAG_WORDS = (  # noqa: SIM905 (a word list reads best as one string)
    "atmospheric funny dark comedy twist ending based on a book visually appealing "
    "thought-provoking quirky surreal classic sci-fi dystopia space time travel psychology "
    "philosophical cult film great soundtrack violence nudity true story mindfuck stylized satire "
    "romance animation pixar superhero zombies vampire heist revenge mafia boring predictable "
    "overrated underrated"
).split()


def tag_vocabulary(size: int) -> list[str]:
    """Tags as users type them: common words first (some with commas or quotes, which the CSV
    must quote), then a long tail."""
    head = [*TAG_WORDS, "funny, but sad", 'the "twist"', "Oscar (Best Picture)", "dark, gritty"]
    tail = [f"{TAG_WORDS[i % len(TAG_WORDS)]} {i}" for i in range(max(0, size - len(head)))]
    return (head + tail)[: max(size, len(head))]


def write_tags(
    rng: np.random.Generator,
    spec: SynthSpec,
    path: Path,
    weight: np.ndarray,
    movie_ids: np.ndarray,
    first_seen: np.ndarray,
) -> int:
    """The tags (their count returned): tagged movies follow popularity, flattened; tag texts
    follow a Zipf law over the vocabulary."""
    taggers = rng.choice(spec.users, size=max(1, round(spec.users * TAGGING_USERS_SHARE)), replace=False)
    taggers.sort()
    share = rng.lognormal(0.0, 1.8, size=len(taggers))
    per_user = np.maximum(1, np.round(share / share.sum() * spec.tags)).astype(np.int64)
    users = np.repeat(taggers, per_user)
    movie_weight = np.sqrt(weight)
    movies = np.searchsorted(
        np.cumsum(movie_weight), rng.random(len(users)) * movie_weight.sum(), side="right"
    )
    vocabulary = np.array(tag_vocabulary(max(50, round(TAG_VOCABULARY * spec.scale))), dtype=object)
    tag_index = np.minimum(rng.zipf(1.3, size=len(users)) - 1, len(vocabulary) - 1)
    start = np.maximum(first_seen[users], TAGS_FROM)
    timestamps = start + np.floor(rng.random(len(users)) * (LAST_TIMESTAMP - start)).astype(np.int64)
    frame = pd.DataFrame(
        {
            "userId": users + 1,
            "movieId": movie_ids[np.minimum(movies, len(movie_ids) - 1)],
            "tag": vocabulary[tag_index],
            "timestamp": timestamps,
        }
    )
    write_csv(frame, path, header=True)
    return len(frame)
