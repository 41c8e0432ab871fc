"""A throttled progress line for long reads: rows so far, rows/s, and the Bulk job's state."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable


class Progress:
    """Call `advance` as rows arrive; it logs at most once every `every` seconds."""

    def __init__(self, log: logging.Logger, what: str, *, every: float = 5.0,
                 clock: Callable[[], float] = time.monotonic):
        self._log, self._what, self._every, self._clock = log, what, every, clock
        self._start = self._last = clock()
        self.rows = 0

    def advance(self, rows: int = 0, *, state: str | None = None) -> None:
        self.rows += rows
        now = self._clock()
        if now - self._last < self._every:
            return
        self._last = now
        rate = self.rows / (now - self._start) if now > self._start else 0.0
        line = f"{self._what}: {self.rows:,} rows so far, {rate:,.0f} rows/s"
        self._log.info(line + (f", Bulk job {state}" if state else ""))
