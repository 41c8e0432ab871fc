"""Stale data, decided as a pure function: has a successful run been missing for too long, and
has that changed since the last look?

The stale-data sensor (pipelines/alerts/sensors.py) keeps `Watch` in its cursor between
evaluations, so a stale spell is announced once when it starts and once when it ends.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from typing import Literal


@dataclass(frozen=True)
class Watch:
    watching_since: dt.datetime
    """When the sensor first looked: the reference while no run has ever succeeded."""
    stale_since: dt.datetime | None = None
    """The last success (or `watching_since`) of the stale spell announced, or None: fresh."""

    def to_cursor(self) -> str:
        return json.dumps({"watching_since": self.watching_since.isoformat(),
                           "stale_since": self.stale_since.isoformat() if self.stale_since else None})

    @classmethod
    def from_cursor(cls, cursor: str | None, now: dt.datetime) -> Watch:
        if not cursor:
            return cls(watching_since=now)
        data = json.loads(cursor)
        stale = data.get("stale_since")
        return cls(dt.datetime.fromisoformat(data["watching_since"]), dt.datetime.fromisoformat(stale) if stale else None)


Change = Literal["stale", "fresh"] | None


def look(watch: Watch, last_success: dt.datetime | None, now: dt.datetime, after: dt.timedelta) -> tuple[Change, Watch]:
    """What changed since the last look, and the watch to keep: "stale" when no run has succeeded
    for `after` (counted from the last success, or from when watching began), "fresh" when a run
    succeeded after a stale spell was announced, None otherwise."""
    reference = last_success or watch.watching_since
    stale = now - reference >= after
    if stale and watch.stale_since is None:
        return "stale", replace(watch, stale_since=reference)
    if not stale and watch.stale_since is not None:
        return "fresh", replace(watch, stale_since=None)
    return None, watch
