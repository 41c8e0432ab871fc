"""SOQL built from validated identifiers and typed values only.

Names come from Flywheel's object specs and are checked against the org's `describe` before
they get here; this module checks their shape once more, and formats every value itself, so
no configuration string can bend a query.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timezone

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,79}")


class UnsafeIdentifier(ValueError):
    """A name that is not a plain Salesforce identifier reached the query builder."""


def identifier(name: str) -> str:
    """`name` if it is a Salesforce identifier (`Field`, `Parent.Field`), else an error."""
    parts = name.split(".")
    if len(parts) > 2 or not all(_IDENTIFIER.fullmatch(p) for p in parts):
        raise UnsafeIdentifier(
            f"{name!r} is not a Salesforce field or object name (letters, digits and "
            "underscores, optionally one `Parent.` prefix)"
        )
    return name


def datetime_literal(value: datetime) -> str:
    """A SOQL dateTime literal in UTC, to the second (`2024-01-15T10:20:30Z`).

    SOQL's documented literal has no fractional seconds, so the value is floored to the
    second: a lower bound only gets wider, never skips a record.
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def select_since(
    object_name: str,
    fields: Sequence[str],
    watermark_field: str,
    since: datetime | None,
    until: datetime | None = None,
) -> str:
    """`SELECT fields FROM object [WHERE since <= watermark < until] ORDER BY watermark, Id`.

    The lower bound is inclusive, and rows come in (watermark, Id) order, so records that
    share a boundary timestamp are all read and the order of pages is stable. `until` (exclusive)
    cuts a window when Salesforce needs a narrower query.
    """
    if not fields:
        raise ValueError(f"no fields to select from {object_name}")
    columns = ", ".join(identifier(f) for f in fields)
    mark = identifier(watermark_field)
    bounds = []
    if since is not None:
        bounds.append(f"{mark} >= {datetime_literal(since)}")
    if until is not None:
        bounds.append(f"{mark} < {datetime_literal(until)}")
    where = f" WHERE {' AND '.join(bounds)}" if bounds else ""
    return f"SELECT {columns} FROM {identifier(object_name)}{where} ORDER BY {mark} ASC, Id ASC"


def count_since(object_name: str, watermark_field: str, since: datetime | None) -> str:
    """`SELECT COUNT() FROM object [WHERE watermark >= since]`: what a read would bring."""
    mark = identifier(watermark_field)
    where = f" WHERE {mark} >= {datetime_literal(since)}" if since is not None else ""
    return f"SELECT COUNT() FROM {identifier(object_name)}{where}"
