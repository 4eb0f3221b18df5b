"""Progress lines for long loops (the k sweep, the ALS grid): what finished, elapsed, ETA."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def clock(seconds: float) -> str:
    """Seconds as h:mm:ss (or m:ss under an hour)."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Counts finished items of a known total and prints one line per item."""

    def __init__(self, label: str, total: int, stream: TextIO = sys.stdout) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.stream = stream
        self.started = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def eta(self) -> float | None:
        """Seconds left, assuming the remaining items take as long as the finished ones."""
        if self.done == 0:
            return None
        return self.elapsed() / self.done * (self.total - self.done)

    def step(self, message: str) -> None:
        self.done += 1
        eta = self.eta()
        remaining = f", eta {clock(eta)}" if eta is not None and self.done < self.total else ""
        width = len(str(self.total))
        print(
            f"  {self.label} [{self.done:>{width}}/{self.total}] {message}  "
            f"(elapsed {clock(self.elapsed())}{remaining})",
            file=self.stream,
            flush=True,
        )
