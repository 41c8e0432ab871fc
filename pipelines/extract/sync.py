"""One incremental sync of one object: describe, query since the watermark, stage, merge.

Reads are streamed: each page goes into a stage table in DuckDB as it arrives, so memory holds
one page however large the object. The merge and the new watermark are committed together;
anything that fails before that commit leaves the raw table and the watermark exactly as they
were.
"""

from __future__ import annotations

import itertools
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

import duckdb

from pipelines.extract import raw_store
from pipelines.extract.columns import Column, plan_columns, relationship_parents
from pipelines.extract.pages import csv_to_arrow, records_to_arrow
from pipelines.salesforce.client import BulkRefused, QueryTimeout, SalesforceClient
from pipelines.salesforce.objects import ObjectSpec
from pipelines.salesforce.soql import UnsafeIdentifier, count_since, identifier, select_since

DEFAULT_OVERLAP = timedelta(minutes=10)
# A first load or full refresh of at least this many records goes through Bulk API 2.0.
DEFAULT_BULK_THRESHOLD = 100_000
# QUERY_TIMEOUT: halve the window at most this often (from 1999, 12 halvings leave ~2 days).
MAX_WINDOW_SPLITS = 12
EARLIEST_RECORD = datetime(1999, 1, 1)  # no Salesforce org holds a record older than this


@dataclass
class SyncReport:
    object_name: str
    table: str
    soql: str
    full_refresh: bool
    watermark_before: datetime | None
    watermark_after: datetime | None = None
    rows_read: int = 0
    rows_new: int = 0
    rows_changed: int = 0
    rows_deleted: int = 0
    pages: int = 0
    api_calls: int = 0
    api_usage: tuple[int, int] | None = None
    seconds: float = 0.0
    missing_fields: list[str] = field(default_factory=list)
    added_columns: list[str] = field(default_factory=list)
    columns_no_longer_read: list[str] = field(default_factory=list)  # kept, null from now on
    path: str = "REST"
    path_reason: str = "incremental read"
    windows_narrowed: int = 0
    duplicate_rows: int = 0
    rows_vanished: int = 0  # hard-deleted rows a full refresh found gone (counted in rows_deleted too)

    @property
    def records_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds else 0.0


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


def choose_path(incremental: bool, records: int | None, threshold: int) -> tuple[str, str]:
    """REST or Bulk API 2.0, and why. Bulk only pays off for a large first load or refresh."""
    if incremental:
        return "REST", "incremental read"
    if records is None:
        return "REST", "Bulk API 2.0 is turned off"
    if records >= threshold:
        return "Bulk", f"{records:,} records to read, at least the Bulk threshold of {threshold:,}"
    return "REST", f"{records:,} records to read, under the Bulk threshold of {threshold:,}"


def sync_object(
    client: SalesforceClient,
    con: duckdb.DuckDBPyConnection,
    spec: ObjectSpec,
    *,
    overlap: timedelta = DEFAULT_OVERLAP,
    full_refresh: bool = False,
    start: datetime | None = None,
    extra_fields: Sequence[str] = (),
    batch_size: int = 2000,
    bulk_threshold: int | None = DEFAULT_BULK_THRESHOLD,
    run_id: str | None = None,
    log: logging.Logger | None = None,
) -> SyncReport:
    log = log or logging.getLogger(__name__)
    spec = with_extra_fields(spec, extra_fields)  # refuses a crafted name before any call
    started, calls_before = time.monotonic(), client.calls
    synced_at = datetime.now(timezone.utc).replace(tzinfo=None)

    describe = client.describe(spec.name)
    parents = {
        relationship: client.describe(parent)
        for relationship, parent in relationship_parents(spec, describe).items()
    }
    columns, missing = plan_columns(spec, describe, parents)
    if missing:
        log.warning(
            "%s: the org does not expose %s; these fields are skipped (field-level security or "
            "absent in this org).", spec.name, ", ".join(missing),
        )

    raw_store.ensure_state_table(con)
    state = raw_store.read_state(con, spec.name)
    watermark = state.watermark if state else None
    incremental = watermark is not None and not full_refresh
    since = lower_bound(watermark, overlap, full_refresh, start)
    soql = select_since(spec.name, [c.field for c in columns], spec.watermark_field, since)
    if not incremental and bulk_threshold is not None:
        try:
            records = client.count(count_since(spec.name, spec.watermark_field, since), object_name=spec.name)
            path, reason = choose_path(incremental, records, bulk_threshold)
        except QueryTimeout:
            path, reason = "Bulk", "SELECT COUNT() timed out, so the object is large"
    else:
        path, reason = choose_path(incremental, None, bulk_threshold or 0)
    report = SyncReport(
        object_name=spec.name, table=f"{raw_store.SCHEMA}.{spec.table}", soql=soql,
        full_refresh=full_refresh, watermark_before=watermark, missing_fields=missing,
        path=path, path_reason=reason,
    )

    raw_store.create_stage(con, spec, columns)
    try:
        try:
            _stage_all(con, client, spec, columns, report, since, batch_size)
        except BulkRefused as refused:
            log.warning("%s: %s; reading through REST instead.", spec.name, refused)
            raw_store.create_stage(con, spec, columns)  # drop whatever Bulk pages were staged
            report.path, report.path_reason = "REST", f"Bulk API 2.0 refused: {refused}"
            report.rows_read = report.pages = 0
            _stage_all(con, client, spec, columns, report, since, batch_size)
        # The raw table and the watermark move together, or not at all.
        con.begin()
        try:
            report.added_columns, report.columns_no_longer_read = raw_store.ensure_table(con, spec, columns)
            counts = raw_store.merge_stage(con, spec, columns, synced_at, complete=since is None)
            report.watermark_after = max(filter(None, (watermark, counts.watermark)), default=None)
            raw_store.write_state(
                con, spec, report.watermark_after, synced_at, run_id or uuid.uuid4().hex, counts.duplicates
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
    finally:
        raw_store.drop_stage(con, spec)

    if report.added_columns or report.columns_no_longer_read:
        log.warning(
            "%s: the org's fields changed since the last sync: new columns %s; columns no longer read "
            "(kept, null for rows written from now on) %s.", spec.name,
            ", ".join(report.added_columns) or "none", ", ".join(report.columns_no_longer_read) or "none",
        )
    report.rows_new, report.rows_changed, report.rows_deleted = counts.new, counts.changed, counts.deleted
    report.duplicate_rows = counts.duplicates
    report.rows_vanished = counts.vanished
    report.api_calls = client.calls - calls_before
    report.api_usage = client.api_usage
    report.seconds = time.monotonic() - started
    log.info(
        "%s: read %d rows in %d %s pages (%d new, %d changed, %d deleted) with %d API calls in %.1fs; "
        "watermark %s → %s",
        spec.name, report.rows_read, report.pages, report.path, report.rows_new, report.rows_changed,
        report.rows_deleted, report.api_calls, report.seconds, watermark, report.watermark_after,
    )
    return report


def _stage_all(
    con: duckdb.DuckDBPyConnection,
    client: SalesforceClient,
    spec: ObjectSpec,
    columns: list[Column],
    report: SyncReport,
    since: datetime | None,
    batch_size: int,
) -> None:
    """Stream every page of the sync's read into the stage, by the report's path."""
    fields = [c.field for c in columns]
    if report.path == "Bulk":
        soql = select_since(spec.name, fields, spec.watermark_field, since)
        for csv_page in client.bulk_query_pages(soql, object_name=spec.name):
            table = csv_to_arrow(csv_page, columns, spec.name)
            if table.num_rows:
                raw_store.stage_page(con, spec, table, columns)
            report.rows_read += table.num_rows
            report.pages += 1
        return
    # REST, window by window: a window Salesforce times out on (QUERY_TIMEOUT) is halved.
    windows: list[tuple[datetime | None, datetime | None, int]] = [(since, None, 0)]
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    while windows:
        low, high, splits = windows.pop(0)
        soql = select_since(spec.name, fields, spec.watermark_field, low, high)
        pages = client.query_pages(soql, object_name=spec.name, batch_size=batch_size)
        try:
            first = next(pages)  # Salesforce runs the query when its first page is asked for
        except QueryTimeout:
            if splits >= MAX_WINDOW_SPLITS:
                raise
            middle = (low or EARLIEST_RECORD) + ((high or now) - (low or EARLIEST_RECORD)) / 2
            windows[0:0] = [(low, middle, splits + 1), (middle, high, splits + 1)]
            report.windows_narrowed += 1
            continue
        for page in itertools.chain([first], pages):
            if page.records:
                raw_store.stage_page(con, spec, records_to_arrow(page.records, columns, spec.name), columns)
            report.rows_read += len(page.records)
            report.pages += 1
