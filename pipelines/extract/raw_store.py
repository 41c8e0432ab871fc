"""The raw tables in DuckDB (`raw_salesforce.*`) and the sync state beside them.

A raw table holds one row per Salesforce Id: the latest version Flywheel has read, including
soft-deleted rows (`IsDeleted`). A sync appends its pages to a scratch stage table as they
arrive, each page committed on its own (DuckDB keeps a transaction's small appends in memory, so
one transaction around a ten-million-row read would grow without bound); then one transaction
merges the stage into the raw table and moves the watermark. A run killed while staging leaves
the raw table and the watermark as they were, and only a scratch table the next sync replaces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from pipelines.extract.columns import Column
from pipelines.salesforce.objects import ObjectSpec

SCHEMA = "raw_salesforce"
STATE_TABLE = f"{SCHEMA}._sync_state"
SYNCED_AT = "_flywheel_synced_at"
_PAGE = "_flywheel_page"


def _stage(spec: ObjectSpec) -> str:
    """The scratch table a sync stages its pages in (in the file, not TEMP, which stays in memory)."""
    return f"{SCHEMA}._flywheel_stage_{spec.table}"


def _changes(spec: ObjectSpec) -> str:
    return f"{SCHEMA}._flywheel_changes_{spec.table}"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_name(spec: ObjectSpec) -> str:
    return f"{SCHEMA}.{quote(spec.table)}"


def display_name(spec: ObjectSpec) -> str:
    """The raw table as a person reads it: `raw_salesforce.lead`."""
    return f"{SCHEMA}.{spec.table}"


@dataclass(frozen=True)
class SyncState:
    object_name: str
    watermark: datetime | None
    last_synced_at: datetime
    duplicate_rows: int = 0  # rows the last sync read twice (a paging anomaly the raw gate reports)
    salesforce_clock: datetime | None = None  # Salesforce's clock when the last sync read the object


@dataclass(frozen=True)
class MergeCounts:
    new: int
    changed: int
    deleted: int
    watermark: datetime | None
    duplicates: int  # rows read twice with the same Id and watermark: a paging anomaly
    vanished: int = 0  # stored rows a complete read no longer returns (hard-deleted), now marked deleted


_EXAMPLES = {
    "TIMESTAMP": "2024-01-15T10:20:30.000+0000",
    "DATE": "2024-01-15",
    "BOOLEAN": "true",
    "DOUBLE": "675000.0",
    "BIGINT": "30",
}


class MalformedValue(ValueError):
    """A datetime or date in a page that DuckDB cannot read as one."""


def ensure_state_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {STATE_TABLE} (
            object_name VARCHAR PRIMARY KEY,
            watermark_field VARCHAR NOT NULL,
            watermark TIMESTAMP,
            last_synced_at TIMESTAMP NOT NULL,
            last_run_id VARCHAR
        )"""
    )
    con.execute(f"ALTER TABLE {STATE_TABLE} ADD COLUMN IF NOT EXISTS duplicate_rows BIGINT DEFAULT 0")
    # Salesforce's clock when the sync read the object (the `Date` header of the run's first
    # answer): the models judge the day before its UTC date, the last complete day
    con.execute(f"ALTER TABLE {STATE_TABLE} ADD COLUMN IF NOT EXISTS salesforce_clock TIMESTAMP")


def read_state(con: duckdb.DuckDBPyConnection, object_name: str) -> SyncState | None:
    """The object's watermark and last successful sync; None when it was never synced."""
    try:
        row = con.execute(
            f"SELECT watermark, last_synced_at, duplicate_rows, salesforce_clock FROM {STATE_TABLE} WHERE object_name = ?",
            [object_name],
        ).fetchone()
    except duckdb.CatalogException:  # no sync ever ran here
        return None
    return SyncState(object_name, row[0], row[1], row[2] or 0, row[3]) if row else None


def row_count(con: duckdb.DuckDBPyConnection, spec: ObjectSpec) -> int:
    (count,) = con.execute(f"SELECT count(*) FROM {table_name(spec)}").fetchone()
    return count


def stored_columns(con: duckdb.DuckDBPyConnection, spec: ObjectSpec) -> list[str]:
    """The raw table's columns, in order (none when it does not exist)."""
    return [name for (name,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
        "ORDER BY ordinal_position",
        [SCHEMA, spec.table],
    ).fetchall()]


def rows_written_at(
    con: duckdb.DuckDBPyConnection, spec: ObjectSpec, columns: Sequence[str], synced_at: datetime | None
) -> duckdb.DuckDBPyConnection:
    """A cursor over `columns` of the rows the sync at `synced_at` wrote (to fetch in chunks)."""
    return con.execute(
        f"SELECT {', '.join(quote(c) for c in columns)} FROM {table_name(spec)} WHERE {SYNCED_AT} = ?", [synced_at]
    )


def newest_row_written(con: duckdb.DuckDBPyConnection, spec: ObjectSpec) -> datetime | None:
    """When a sync last wrote a row of the object (a new or changed record), or None."""
    try:
        (newest,) = con.execute(f"SELECT max({SYNCED_AT}) FROM {table_name(spec)}").fetchone()
    except duckdb.CatalogException:  # never synced
        return None
    return newest


def write_state(
    con: duckdb.DuckDBPyConnection,
    spec: ObjectSpec,
    watermark: datetime | None,
    synced_at: datetime,
    run_id: str,
    duplicate_rows: int,
    salesforce_clock: datetime | None = None,
) -> None:
    con.execute(f"DELETE FROM {STATE_TABLE} WHERE object_name = ?", [spec.name])
    con.execute(
        f"INSERT INTO {STATE_TABLE} (object_name, watermark_field, watermark, last_synced_at, last_run_id, "
        "duplicate_rows, salesforce_clock) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [spec.name, spec.watermark_field, watermark, synced_at, run_id, duplicate_rows, salesforce_clock],
    )


def ensure_table(
    con: duckdb.DuckDBPyConnection, spec: ObjectSpec, columns: Sequence[Column]
) -> tuple[list[str], list[str]]:
    """Create the raw table, or add the columns a field new to the org brings. Returns those
    added, and the stored columns this sync no longer reads (a field the org dropped or hid:
    the column stays, and rows written from now on hold null in it)."""
    definitions = ", ".join(f"{quote(c.name)} {c.duckdb_type}" for c in columns)
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    _writable(con, spec)
    con.execute(f"CREATE TABLE IF NOT EXISTS {table_name(spec)} ({definitions}, {SYNCED_AT} TIMESTAMP)")
    existing = stored_columns(con, spec)
    stored = {name.lower() for name in existing}
    synced = {c.name.lower() for c in columns} | {SYNCED_AT.lower()}
    added = [c for c in columns if c.name.lower() not in stored]
    for column in added:
        con.execute(f"ALTER TABLE {table_name(spec)} ADD COLUMN {quote(column.name)} {column.duckdb_type}")
    return [c.name for c in added], [name for name in existing if name.lower() not in synced]


def _writable(con: duckdb.DuckDBPyConnection, spec: ObjectSpec) -> None:
    """A raw table that is a view over a lake snapshot (`pipelines/storage/lake.py`) is copied into a
    table here, so the merge can change it; the lake writes it back as a new snapshot on commit."""
    kind = con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [SCHEMA, spec.table],
    ).fetchone()
    if kind and kind[0] == "VIEW":
        copy = f"_flywheel_copy_{spec.table}"
        con.execute(f"CREATE OR REPLACE TABLE {SCHEMA}.{quote(copy)} AS SELECT * FROM {table_name(spec)}")
        con.execute(f"DROP VIEW {table_name(spec)}")
        con.execute(f"ALTER TABLE {SCHEMA}.{quote(copy)} RENAME TO {quote(spec.table)}")


def _cast(column: Column) -> str:
    """The staging expression for a page column: REST pages bring typed booleans and numbers,
    Bulk pages bring text; datetimes and dates are text in both."""
    source = quote(column.name)
    if column.duckdb_type == "TIMESTAMP":
        return f"timezone('UTC', CAST({source} AS TIMESTAMPTZ)) AS {source}"
    if column.duckdb_type == "VARCHAR":
        return source
    return f"CAST({source} AS {column.duckdb_type}) AS {source}"


def create_stage(con: duckdb.DuckDBPyConnection, spec: ObjectSpec, columns: Sequence[Column]) -> None:
    """A fresh, empty stage (whatever a killed run left behind is replaced)."""
    definitions = ", ".join(f"{quote(c.name)} {c.duckdb_type}" for c in columns)
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    con.execute(f"CREATE OR REPLACE TABLE {_stage(spec)} ({definitions})")


def drop_stage(con: duckdb.DuckDBPyConnection, spec: ObjectSpec) -> None:
    con.execute(f"DROP TABLE IF EXISTS {_stage(spec)}")
    con.execute(f"DROP TABLE IF EXISTS {_changes(spec)}")


def stage_page(
    con: duckdb.DuckDBPyConnection, spec: ObjectSpec, page: pa.Table, columns: Sequence[Column]
) -> None:
    """Append a page to the stage, parsing its datetimes and dates."""
    con.register(_PAGE, page)
    try:
        con.execute(f"INSERT INTO {_stage(spec)} SELECT {', '.join(_cast(c) for c in columns)} FROM {_PAGE}")
    except (duckdb.ConversionException, duckdb.InvalidInputException):
        raise MalformedValue(_describe_bad_value(page, columns, spec.name)) from None
    con.unregister(_PAGE)


def _describe_bad_value(page: pa.Table, columns: Sequence[Column], object_name: str) -> str:
    targets = {"TIMESTAMP": "TIMESTAMPTZ", "DATE": "DATE", "BOOLEAN": "BOOLEAN", "DOUBLE": "DOUBLE", "BIGINT": "BIGINT"}
    with duckdb.connect() as scratch:
        scratch.register(_PAGE, page)
        for column in columns:
            target = targets.get(column.duckdb_type)
            if target is None:
                continue
            row = scratch.execute(
                f"SELECT Id, {quote(column.name)} FROM {_PAGE} WHERE {quote(column.name)} IS NOT NULL "
                f"AND TRY_CAST({quote(column.name)} AS {target}) IS NULL LIMIT 1"
            ).fetchone()
            if row:
                return (
                    f"{object_name}.{column.field} of record {row[0]} holds {row[1]!r:.80}, which is "
                    f"not a Salesforce {column.sf_type} (expected e.g. {_EXAMPLES[column.duckdb_type]})"
                )
    return f"{object_name}: a page holds a value DuckDB cannot read"


def merge_stage(
    con: duckdb.DuckDBPyConnection,
    spec: ObjectSpec,
    columns: Sequence[Column],
    synced_at: datetime,
    complete: bool = False,
) -> MergeCounts:
    """Upsert the staged rows into the raw table; rows identical to what is stored stay untouched.

    The stage may hold an Id twice (a record modified while it was being paged): the newest
    version by watermark wins. When the stage is a `complete` read of the object (a full
    refresh), stored rows it lacks were hard-deleted or purged from the recycle bin, which
    `queryAll` no longer returns: objects that have `IsDeleted` get them marked deleted.
    Objects without it (LoginHistory, User) keep them: Salesforce ages LoginHistory out, and
    that history is worth keeping.
    """
    names = [quote(c.name) for c in columns]
    mark = quote(spec.watermark_field)
    differs = " OR ".join(f"s.{n} IS DISTINCT FROM r.{n}" for n in names)
    deletable = any(c.name == "IsDeleted" for c in columns)
    is_deleted = 's."IsDeleted"' if deletable else "false"
    con.execute(
        f"""CREATE OR REPLACE TABLE {_changes(spec)} AS
        WITH latest AS (
            SELECT * FROM {_stage(spec)}
            QUALIFY row_number() OVER (PARTITION BY "Id" ORDER BY {mark} DESC NULLS LAST) = 1
        )
        SELECT s.*, r."Id" IS NULL AS _is_new, coalesce({is_deleted}, false) AS _is_deleted
        FROM latest s LEFT JOIN {table_name(spec)} r ON r."Id" = s."Id"
        WHERE r."Id" IS NULL OR {differs}"""
    )
    new, changed, deleted = con.execute(
        "SELECT count(*) FILTER (WHERE _is_new), count(*) FILTER (WHERE NOT _is_new), "
        f"count(*) FILTER (WHERE _is_deleted) FROM {_changes(spec)}"
    ).fetchone()
    con.execute(
        f'DELETE FROM {table_name(spec)} WHERE "Id" IN (SELECT "Id" FROM {_changes(spec)} WHERE NOT _is_new)'
    )
    column_list = ", ".join(names)
    con.execute(
        f"INSERT INTO {table_name(spec)} ({column_list}, {SYNCED_AT}) "
        f"SELECT {column_list}, ? FROM {_changes(spec)}",
        [synced_at],
    )
    vanished = 0
    if complete and deletable:
        (vanished,) = con.execute(
            f'UPDATE {table_name(spec)} AS r SET "IsDeleted" = true, {SYNCED_AT} = ? '
            f'WHERE NOT coalesce(r."IsDeleted", false) '
            f'AND NOT EXISTS (SELECT 1 FROM {_stage(spec)} s WHERE s."Id" = r."Id")',
            [synced_at],
        ).fetchone()
    watermark, duplicates = con.execute(
        f'SELECT max({mark}), count(*) - count(DISTINCT ("Id", {mark})) FROM {_stage(spec)}'
    ).fetchone()
    drop_stage(con, spec)
    return MergeCounts(
        new=new, changed=changed, deleted=deleted + vanished, watermark=watermark, duplicates=duplicates,
        vanished=vanished,
    )
