"""A sync's options, and the configuration values checked before they reach a query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from pipelines.salesforce.objects import ObjectSpec
from pipelines.salesforce.soql import UnsafeIdentifier, identifier

DEFAULT_OVERLAP = timedelta(minutes=10)
# A first load or full refresh of at least this many records goes through Bulk API 2.0.
DEFAULT_BULK_THRESHOLD = 100_000


@dataclass(frozen=True)
class SyncOptions:
    overlap: timedelta = DEFAULT_OVERLAP
    full_refresh: bool = False
    start: datetime | None = None  # a first load or full refresh reads from here (None: all)
    batch_size: int = 2000
    bulk_threshold: int | None = DEFAULT_BULK_THRESHOLD  # None: never Bulk
    run_id: str | None = None


class InvalidConfiguration(ValueError):
    """A configuration value that cannot be put into a query: refused before any call."""


def lower_bound(
    watermark: datetime | None, overlap: timedelta, full_refresh: bool, start: datetime | None = None
) -> datetime | None:
    """Where the next query starts, inclusive: the watermark less the overlap; on a first load or
    full refresh, `start` (None reads all)."""
    if full_refresh or watermark is None:
        return start
    return watermark - overlap


def parse_start_date(value: str) -> datetime | None:
    """A configured start date (`YYYY-MM-DD`, UTC midnight), or None when empty. Anything else is
    refused before it can reach a query."""
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise InvalidConfiguration(f"start_date {value!r:.80} is not a date written YYYY-MM-DD.") from None


def with_extra_fields(spec: ObjectSpec, extra_fields: Sequence[str]) -> ObjectSpec:
    """`spec` asking for `extra_fields` too (custom fields such as `Region__c`); each must be a
    plain field name. Like every field, one the org's describe lacks is skipped and reported."""
    for name in extra_fields:
        try:
            identifier(name)
        except UnsafeIdentifier as refused:
            raise InvalidConfiguration(f"{spec.name} extra_fields: {refused}.") from None
    added = tuple(f for f in dict.fromkeys(extra_fields) if f not in spec.fields)
    return replace(spec, fields=spec.fields + added) if added else spec
