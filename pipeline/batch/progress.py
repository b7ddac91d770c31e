"""Progress of a batch: a tqdm bar on a terminal, else a plain log line every few seconds.

Time-based, not count-based: a cron log gets a steady heartbeat whether documents take
0.1 s or a minute each, and the last line always says the batch is through.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

LOG_EVERY_S = 5.0


class LogProgress:
    """`processed N/TOTAL files (T s)` at most once per `every` seconds, and once at the end."""

    def __init__(self, total: int, log: logging.Logger, every: float = LOG_EVERY_S, clock: Callable[[], float] = time.monotonic):
        self.total, self.log, self.every, self.clock = total, log, every, clock
        self.started = self.last = clock()
        self.done = 0

    def update(self, n: int = 1) -> None:
        self.done += n
        now = self.clock()
        if self.done >= self.total or now - self.last >= self.every:
            self.last = now
            self.log.info("processed %d/%d files (%.1f s)", self.done, self.total, now - self.started)

    def close(self) -> None:
        """Nothing to tidy: log lines stay as written."""


def progress(total: int, log: logging.Logger):
    """A tqdm bar when stderr is a terminal, else LogProgress; None when there is nothing to do."""
    if not total:
        return None
    if sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(total=total, unit="pdf", desc="extract", leave=False)
    return LogProgress(total, log)
