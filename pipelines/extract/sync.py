"""Incremental syncs of a run's objects: describe, query since each watermark, stage, merge.

Orchestration only: the options are `options.py`, the outcomes (and the REST/Bulk `ReadPath`)
`outcomes.py`, the SQL `raw_store.py`. The objects are synced together, so their small requests share Composite calls: one call
describes them all, and their REST reads travel five queries to a call
(`pipelines/extract/rest_reads.py`). A large read goes through Bulk API 2.0 instead, object by
object: a first load or full refresh whose COUNT() reaches the Bulk threshold, or an incremental
read whose first page says it holds that many changes.

Reads are streamed: each page goes into the object's stage table in DuckDB as it arrives, so
memory holds a call's pages however large the object (and the next calls', fetched while these
are stored: `read_ahead.py`). Each object's merge and new watermark are committed together, as
soon as its read ends; anything that fails before that commit leaves its raw table and watermark
exactly as they were, and the other objects go on. A quota stop (`REQUEST_LIMIT_EXCEEDED`, or
the share of it Flywheel may use) ends the run for every object not yet committed.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb

from pipelines.extract import raw_store
from pipelines.extract.columns import Column, MissingRequiredField, picklist_values, plan_columns, relationship_parents
from pipelines.extract.options import SyncOptions, lower_bound
from pipelines.extract.outcomes import ReadPath, SyncFailure, SyncReport
from pipelines.extract.pages import MalformedRecord, csv_to_arrow, records_to_arrow
from pipelines.extract.read_ahead import read_ahead
from pipelines.extract.rest_reads import Restart, RestRead, Window, read_pages
from pipelines.salesforce.client import (
    MAX_QUERY_SUBREQUESTS,
    BulkRefused,
    RequestLimitExceeded,
    SalesforceApiError,
    SalesforceClient,
)
from pipelines.salesforce.progress import Progress
from pipelines.salesforce.objects import ObjectSpec
from pipelines.salesforce.soql import count_since, select_since

# What one object's sync can meet and still leave the other objects to go on.
OBJECT_FAILURES = (SalesforceApiError, MalformedRecord, raw_store.MalformedValue, MissingRequiredField)


def choose_path(incremental: bool, records: int | None, threshold: int) -> tuple[ReadPath, str]:
    """REST or Bulk API 2.0, and why. Bulk only pays off for a large first load or refresh."""
    if incremental:
        return ReadPath.REST, "incremental read"
    if records is None:
        return ReadPath.REST, "Bulk API 2.0 is turned off"
    if records >= threshold:
        return ReadPath.BULK, f"{records:,} records to read, at least the Bulk threshold of {threshold:,}"
    return ReadPath.REST, f"{records:,} records to read, under the Bulk threshold of {threshold:,}"


@dataclass
class _Sync:
    """One object's sync in progress: what it reads, and its report so far."""

    spec: ObjectSpec
    columns: list[Column]
    incremental: bool
    since: datetime | None
    watermark: datetime | None
    report: SyncReport
    # An incremental read this large goes to Bulk API 2.0, once its first page tells its size.
    bulk_threshold: int | None = None

    def soql(self, window: Window | None = None) -> str:
        low, high = (window.low, window.high) if window else (self.since, None)
        return select_since(self.spec.name, [c.field for c in self.columns], self.spec.watermark_field, low, high)


def sync_objects(
    client: SalesforceClient,
    con: duckdb.DuckDBPyConnection,
    specs: Sequence[ObjectSpec],
    options: SyncOptions = SyncOptions(),
    log: logging.Logger | None = None,
) -> Iterator[SyncReport | SyncFailure]:
    """Sync each object; yield its report once its rows and watermark are committed, or its
    failure, one outcome per object, in the order their reads end. A call that fails for all
    (an outage past the retries, the quota) fails every object not yet committed."""
    log = log or client.log
    synced_at = datetime.now(timezone.utc).replace(tzinfo=None)
    raw_store.ensure_state_table(con)
    ended: set[str] = set()
    pending: list[_Sync] = []

    def end(outcome: SyncReport | SyncFailure) -> SyncReport | SyncFailure:
        ended.add(outcome.object_name)
        pending[:] = [s for s in pending if s.spec.name != outcome.object_name]
        if isinstance(outcome, SyncReport):
            outcome.api_usage = client.api_usage
        return outcome

    try:
        by_name = {spec.name: spec for spec in specs}
        for planned in _plan(client, con, specs, options, log):
            if isinstance(planned, SyncFailure) and not_in_org(by_name[planned.object_name], planned.error):
                yield end(_note_absent(con, by_name[planned.object_name], options, synced_at, client.clock, log))
            elif isinstance(planned, SyncFailure):
                yield end(planned)
            else:
                # Salesforce's clock at the describe, before any read: every record created
                # before it is in what the reads return
                planned.report.salesforce_clock = client.clock
                pending.append(planned)
        for failure in list(_choose_paths(client, pending, options)):
            yield end(failure)
        for sync in pending:
            raw_store.create_stage(con, sync.spec, sync.columns)
        for outcome in _read_rest(client, con, [s for s in pending if s.report.path is ReadPath.REST], options, synced_at, log):
            yield end(outcome)
        for sync in [s for s in pending if s.report.path is ReadPath.BULK]:
            for outcome in _read_bulk(client, con, sync, options, synced_at, log):
                yield end(outcome)
    except SalesforceApiError as stop:  # the quota (the org's: stop here), or an outage
        for spec in specs:
            if spec.name not in ended:
                yield end(SyncFailure(spec.name, stop))
    finally:
        for spec in specs:
            if spec.name not in ended:
                raw_store.drop_stage(con, spec)


def not_in_org(spec: ObjectSpec, error: Exception) -> bool:
    """An optional object the org does not have: describe answers NOT_FOUND for it."""
    return bool(spec.optional) and isinstance(error, SalesforceApiError) and error.error_code == "NOT_FOUND"


def _note_absent(
    con: duckdb.DuckDBPyConnection, spec: ObjectSpec, options: SyncOptions, synced_at: datetime,
    clock: datetime | None, log: logging.Logger,
) -> SyncReport:
    """An optional object this org lacks: a sync that found nothing to read. Its raw table is
    there (empty, or as an earlier sync left it) so the models read it, and its state says it was
    synced now, with the watermark it had, so it is fresh and read in full once the org has it."""
    state = raw_store.read_state(con, spec.name)
    watermark = state.watermark if state else None
    con.begin()
    try:
        raw_store.ensure_table(con, spec, [Column("Id", "id")])
        raw_store.write_state(con, spec, watermark, synced_at, options.run_id or uuid.uuid4().hex, 0, clock)
        rows = raw_store.row_count(con, spec)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    why = f"the org's describe does not list {spec.name} ({spec.optional}); nothing to read, which is normal"
    log.info("%s: %s.", spec.name, why)
    return SyncReport(
        object_name=spec.name, table=raw_store.display_name(spec), soql="", full_refresh=options.full_refresh,
        watermark_before=watermark, watermark_after=watermark, rows_stored=rows, not_in_org=why,
        path_reason="not in this org", salesforce_clock=clock,
    )


def _plan(
    client: SalesforceClient,
    con: duckdb.DuckDBPyConnection,
    specs: Sequence[ObjectSpec],
    options: SyncOptions,
    log: logging.Logger,
) -> Iterator[_Sync | SyncFailure]:
    """Describe every object (and the parents its relationship fields read), then plan each sync."""
    started, calls_before = time.monotonic(), client.calls
    # A relationship is usually named for its parent (Profile, UserRole): describe those in the
    # same call; a parent named otherwise is described in a second one.
    guesses = [f.split(".")[0] for spec in specs for f in spec.fields if "." in f]
    describes = client.describe_many([s.name for s in specs] + guesses)
    parents = {
        spec.name: relationship_parents(spec, describes[spec.name])
        for spec in specs if isinstance(describes[spec.name], dict)
    }
    unknown = [p for wanted in parents.values() for p in wanted.values() if p not in describes]
    if unknown:
        describes |= client.describe_many(unknown)
    calls, seconds = client.calls - calls_before, (time.monotonic() - started) / max(len(specs), 1)
    for spec in specs:
        describe = describes[spec.name]
        if isinstance(describe, Exception):
            yield SyncFailure(spec.name, describe)
            continue
        parent_describes = {
            rel: describes[parent] for rel, parent in parents[spec.name].items() if isinstance(describes[parent], dict)
        }
        try:
            columns, missing = plan_columns(spec, describe, parent_describes)
        except MissingRequiredField as error:
            yield SyncFailure(spec.name, error)
            continue
        if missing:
            log.warning(
                "%s: the org does not expose %s; these fields are skipped (field-level security or "
                "absent in this org).", spec.name, ", ".join(missing),
            )
        state = raw_store.read_state(con, spec.name)
        watermark = state.watermark if state else None
        incremental = watermark is not None and not options.full_refresh and not spec.read_whole
        since = None if spec.read_whole else lower_bound(watermark, options.overlap, options.full_refresh, options.start)
        path, reason = (ReadPath.REST, f"read whole every run: {spec.read_whole}") if spec.read_whole \
            else choose_path(incremental, None, 0)
        report = SyncReport(
            object_name=spec.name, table=raw_store.display_name(spec), soql="",
            full_refresh=options.full_refresh, watermark_before=watermark, missing_fields=missing,
            path=path, path_reason=reason, api_calls=calls, seconds=seconds, picklists=picklist_values(describe),
        )
        sync = _Sync(spec, columns, incremental, since, watermark, report,
                     bulk_threshold=options.bulk_threshold if incremental else None)
        report.soql = sync.soql()
        yield sync


def _choose_paths(client: SalesforceClient, syncs: Sequence[_Sync], options: SyncOptions) -> Iterator[SyncFailure]:
    """A first load or full refresh counts its records (five counts to a call) to choose Bulk
    or REST; an object whose count fails is not synced."""
    full = [s for s in syncs if not s.incremental and not s.spec.read_whole]  # a whole read is small: REST
    if options.bulk_threshold is None or not full:
        return
    started, calls_before = time.monotonic(), client.calls
    counts = client.count_many({s.spec.name: count_since(s.spec.name, s.spec.watermark_field, s.since) for s in full})
    calls, seconds = client.calls - calls_before, (time.monotonic() - started) / len(full)
    for sync in full:
        sync.report.api_calls += calls
        sync.report.seconds += seconds
        records = counts[sync.spec.name]
        if isinstance(records, SalesforceApiError) and records.error_code == "QUERY_TIMEOUT":
            sync.report.path, sync.report.path_reason = ReadPath.BULK, "SELECT COUNT() timed out, so the object is large"
        elif isinstance(records, SalesforceApiError):
            yield SyncFailure(sync.spec.name, records)
        else:
            sync.report.path, sync.report.path_reason = choose_path(False, records, options.bulk_threshold)


def _read_rest(
    client: SalesforceClient,
    con: duckdb.DuckDBPyConnection,
    syncs: Sequence[_Sync],
    options: SyncOptions,
    synced_at: datetime,
    log: logging.Logger,
) -> Iterator[SyncReport | SyncFailure]:
    """Read the objects' pages together, staging each as it comes; commit each object once its
    read has ended. The time between two pages is counted to the object of the later one. A call
    that fails (past its retries) is raised: it carried every open read."""
    of_read = {RestRead(s.spec.name, s.soql, [Window(s.since)], s.bulk_threshold): s for s in syncs}
    settled: set[RestRead] = set()

    def settle(read: RestRead) -> SyncReport | SyncFailure | None:
        """The read's outcome; None when it was too large for REST and is left to Bulk."""
        settled.add(read)
        sync = of_read[read]
        sync.report.api_calls += read.calls
        sync.report.windows_narrowed = read.windows_narrowed
        sync.report.restarts = list(read.restarts)
        if read.error is not None:
            return _fail(con, sync, read.error)
        if read.too_large:
            sync.report.path, sync.report.path_reason = ReadPath.BULK, (
                f"{read.too_large:,} records changed since the watermark, at least the Bulk threshold "
                f"of {sync.bulk_threshold:,}"
            )
            return None
        return _commit(con, sync, options, synced_at, log)

    tick = time.monotonic()
    progress = Progress(log, f"REST read of {', '.join(s.spec.name for s in syncs)}")
    pages = read_pages(client, list(of_read), batch_size=options.batch_size)
    for read, page in read_ahead(pages, depth=2 * MAX_QUERY_SUBREQUESTS):  # two calls ahead
        if read in settled:
            continue  # it failed while its pages were being stored: the rest are moot
        if page is None:  # its last page is staged: commit it, or report how it failed
            outcome = settle(read)
            if outcome is not None:
                yield outcome
            continue
        sync = of_read[read]
        if isinstance(page, Restart):  # what it staged is discarded: the read starts again
            raw_store.create_stage(con, sync.spec, sync.columns)
            sync.report.rows_read = sync.report.pages = 0
            continue
        try:
            if page.records:
                table = records_to_arrow(page.records, sync.columns, sync.spec.name)
                raw_store.stage_page(con, sync.spec, table, sync.columns)
        except (MalformedRecord, raw_store.MalformedValue) as error:
            read.error = error
            settled.add(read)
            yield _fail(con, sync, error)
            continue
        sync.report.rows_read += len(page.records)
        sync.report.pages += 1
        progress.advance(len(page.records))
        now = time.monotonic()
        sync.report.seconds, tick = sync.report.seconds + now - tick, now


def _read_bulk(
    client: SalesforceClient,
    con: duckdb.DuckDBPyConnection,
    sync: _Sync,
    options: SyncOptions,
    synced_at: datetime,
    log: logging.Logger,
) -> Iterator[SyncReport | SyncFailure]:
    """Read one object through a Bulk API 2.0 job; through REST when Bulk refuses it."""
    report, started, calls_before = sync.report, time.monotonic(), client.calls
    try:
        for csv_page in read_ahead(client.bulk_query_pages(sync.soql(), object_name=sync.spec.name), depth=2):
            table = csv_to_arrow(csv_page, sync.columns, sync.spec.name)
            if table.num_rows:
                raw_store.stage_page(con, sync.spec, table, sync.columns)
            report.rows_read += table.num_rows
            report.pages += 1
    except BulkRefused as refused:
        log.warning("%s: %s; reading through REST instead.", sync.spec.name, refused)
        raw_store.create_stage(con, sync.spec, sync.columns)  # drop whatever Bulk pages were staged
        report.path, report.path_reason = ReadPath.REST, f"Bulk API 2.0 refused: {refused}"
        report.rows_read = report.pages = 0
        sync.bulk_threshold = None  # however large, it stays with REST now
        report.api_calls += client.calls - calls_before
        report.seconds += time.monotonic() - started
        yield from _read_rest(client, con, [sync], options, synced_at, log)
        return
    except RequestLimitExceeded:
        raise
    except OBJECT_FAILURES as error:
        yield _fail(con, sync, error)
        return
    report.api_calls += client.calls - calls_before
    report.seconds += time.monotonic() - started
    yield _commit(con, sync, options, synced_at, log)


def _fail(con: duckdb.DuckDBPyConnection, sync: _Sync, error: Exception) -> SyncFailure:
    raw_store.drop_stage(con, sync.spec)
    return SyncFailure(sync.spec.name, error)


def _commit(
    con: duckdb.DuckDBPyConnection, sync: _Sync, options: SyncOptions, synced_at: datetime, log: logging.Logger
) -> SyncReport:
    """Merge the stage into the raw table and move the watermark, in one transaction."""
    spec, report, started = sync.spec, sync.report, time.monotonic()
    con.begin()
    try:
        report.added_columns, report.columns_no_longer_read = raw_store.ensure_table(con, spec, sync.columns)
        counts = raw_store.merge_stage(con, spec, sync.columns, synced_at, complete=sync.since is None)
        report.watermark_after = max(filter(None, (sync.watermark, counts.watermark)), default=None)
        raw_store.write_state(
            con, spec, report.watermark_after, synced_at, options.run_id or uuid.uuid4().hex, counts.duplicates,
            report.salesforce_clock,
        )
        report.rows_stored = raw_store.row_count(con, spec)
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
    report.seconds += time.monotonic() - started
    log.info(
        "%s: read %d rows in %d %s pages (%d new, %d changed, %d deleted) with %d API calls in %.1fs; "
        "watermark %s → %s",
        spec.name, report.rows_read, report.pages, report.path, report.rows_new, report.rows_changed,
        report.rows_deleted, report.api_calls, report.seconds, sync.watermark, report.watermark_after,
    )
    return report
