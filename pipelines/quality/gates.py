"""The gates themselves, on an open DuckDB connection: what the asset checks and the benchmark run.

Raw tables: the rows the last sync wrote (only the columns the suite reads, a quarter of a million rows
at a time: a first load can be millions) go through their GX suite (one validation, and one
Data Docs page, per chunk), plus two checks GX cannot see (rows read twice in
one sync, timestamps after both clocks, Flywheel's and Salesforce's). Marts: every row of the mart (the columns its suite reads)
through its suite, and the cross-table checks in SQL.
"""

from __future__ import annotations

import gc
from datetime import datetime, timedelta, timezone

import duckdb

from pipelines.extract import raw_store
from pipelines.quality.cross_checks import run_cross_checks
from pipelines.quality.gx_gate import DataDocs, Failure, GateResult, build_docs, load_suite, suite_columns, validate
from pipelines.salesforce.objects import ObjectSpec

FUTURE_TOLERANCE = timedelta(minutes=5)
CHUNK_VECTORS = 122  # DuckDB vectors of 2,048 rows: ~250,000 raw rows validated at a time


def raw_gate(con: duckdb.DuckDBPyConnection, docs: DataDocs | None = None, *, spec: ObjectSpec) -> GateResult:
    suite = load_suite(f"raw_salesforce.{spec.table}")
    state = raw_store.read_state(con, spec.name)
    synced_at, duplicates = (state.last_synced_at, state.duplicate_rows) if state else (None, 0)
    stored = set(raw_store.stored_columns(con, spec))
    wanted = sorted((suite_columns(suite) | {"Id", spec.watermark_field}) & stored)
    rows = raw_store.rows_written_at(con, spec, wanted, synced_at)
    result = GateResult(table=suite["name"], rows=0)
    future_rows, future_ids, future_example = 0, [], None
    # "the future" is after both Flywheel's clock and Salesforce's own when the sync read the object
    # (its Date header): an org whose clock runs ahead of this machine's is not in the future
    wall = datetime.now(timezone.utc).replace(tzinfo=None)
    now = max(wall, state.salesforce_clock if state and state.salesforce_clock else wall) + FUTURE_TOLERANCE
    # a first load can be millions of rows: memory stays that of one chunk
    while not (frame := rows.fetch_df_chunk(CHUNK_VECTORS)).empty:
        part = validate(frame, suite, ("Id",), docs)
        result.rows += part.rows
        result.failures += part.failures
        if spec.watermark_field in frame:
            future = frame[frame[spec.watermark_field] > now]
            future_rows += len(future)
            future_ids += [str(i) for i in future["Id"].head(5 - len(future_ids))]
            if len(future) and future_example is None:
                future_example = future[spec.watermark_field].iloc[0]
        full = len(frame) >= CHUNK_VECTORS * 2048
        del frame, part
        if full:  # another chunk may follow: GX leaves reference cycles behind each validation, free them first
            gc.collect()
    if duplicates:
        result.failures.append(Failure(
            "no_duplicate_ids_within_a_sync", "Id", "error",
            f"{duplicates} rows were read twice with the same Id and {spec.watermark_field}", [],
        ))
    if future_rows:
        result.failures.append(Failure(
            "timestamps_not_in_the_future", spec.watermark_field, "error",
            f"{future_rows} rows dated after {now:%Y-%m-%d %H:%M} UTC (e.g. {future_example})", future_ids,
        ))
    return indexed_if_failed(result, docs)


def mart_gate(con: duckdb.DuckDBPyConnection, docs: DataDocs | None = None, *, mart: str,
              key: tuple[str, ...] = ()) -> GateResult:
    """`key`: the mart's key columns (`mart_keys`), which name the rows that fail."""
    suite = load_suite(f"marts.{mart}")
    stored = [d[0] for d in con.execute(f"SELECT * FROM marts.{mart} LIMIT 0").description]
    wanted = suite_columns(suite) | set(key)
    columns = [c for c in stored if c in wanted] or stored  # only what the suite reads, as for raw rows
    frame = con.execute(f"SELECT {', '.join(raw_store.quote(c) for c in columns)} FROM marts.{mart}").df()
    result = validate(frame, suite, key, docs)
    for check, rows in run_cross_checks(con, mart):
        if rows:
            result.failures.append(Failure(
                check.name, "", "error", f"{len(rows)} rows break it: {check.description} ({rows[0][1]})",
                [str(r[0]) for r in rows[:5]],
            ))
    return indexed_if_failed(result, docs)


def indexed_if_failed(result: GateResult, docs: DataDocs | None) -> GateResult:
    """A failed gate renders the Data Docs now (its page, those of the gates before it, the index):
    the run stops here, before the Data Docs asset renders them."""
    if result.failures and docs is not None:
        build_docs(docs)
    return result
