"""Source freshness of each raw table: how long since its object was last synced successfully.

Fresh means synced, not changed: the merge writes only new or changed rows, so an object nobody
touched for a week (Events over a holiday) has old rows and is fresh all the same when its sync
ran this morning. What is judged is the sync state's `last_synced_at`, written in the same
transaction as the rows. The thresholds are the dbt sources' own (`warn_after`, `error_after` in
`_salesforce__sources.yml`, read from the dbt manifest), so there is one place to change them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import orjson

_PERIODS = {"minute": dt.timedelta(minutes=1), "hour": dt.timedelta(hours=1), "day": dt.timedelta(days=1)}


@dataclass(frozen=True)
class Freshness:
    table: str
    loaded_at_field: str
    warn_after: dt.timedelta | None
    error_after: dt.timedelta | None

    def verdict(self, last_synced: dt.datetime | None, now: dt.datetime) -> str:
        """`pass`, `warn` or `error` for the object's last successful sync; never synced fails."""
        if last_synced is None:
            return "error"
        age = now - last_synced
        if self.error_after is not None and age > self.error_after:
            return "error"
        if self.warn_after is not None and age > self.warn_after:
            return "warn"
        return "pass"


def _period(rule: dict | None) -> dt.timedelta | None:
    if not rule or rule.get("count") is None:
        return None
    return rule["count"] * _PERIODS[rule["period"]]


def source_freshness(manifest_path: Path, schema: str = "raw_salesforce") -> dict[str, Freshness]:
    """Freshness rules of every dbt source in `schema` that has some, by table name."""
    sources = orjson.loads(manifest_path.read_bytes())["sources"].values()
    return {
        s["identifier"]: Freshness(
            s["identifier"], s["loaded_at_field"],
            _period((s.get("freshness") or {}).get("warn_after")),
            _period((s.get("freshness") or {}).get("error_after")),
        )
        for s in sources
        if s["schema"] == schema and s.get("loaded_at_field") and s.get("freshness")
    }
