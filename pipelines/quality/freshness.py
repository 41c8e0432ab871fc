"""dbt source freshness, judged the way `dbt source freshness` does, for each raw table.

The thresholds are the sources' own (`warn_after`, `error_after`, `loaded_at_field` in
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

    def verdict(self, newest: dt.datetime | None, now: dt.datetime) -> str:
        """`pass`, `warn` or `error` for the newest `loaded_at_field` value. An empty table
        (an object the org holds no records of) cannot be judged: it warns."""
        if newest is None:
            return "warn"
        age = now - newest
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
    """Freshness rules of every dbt source in `schema`, by table name."""
    sources = orjson.loads(manifest_path.read_bytes())["sources"].values()
    return {
        s["identifier"]: Freshness(
            s["identifier"], s["loaded_at_field"],
            _period((s.get("freshness") or {}).get("warn_after")),
            _period((s.get("freshness") or {}).get("error_after")),
        )
        for s in sources
        if s["schema"] == schema and s.get("loaded_at_field")
    }
