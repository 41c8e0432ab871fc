"""The lake (`FLYWHEEL_WAREHOUSE=spark`): raw rows as Parquet snapshots Spark reads natively.

Layout of `FLYWHEEL_LAKE_DIR`:

    raw_salesforce/<table>/current -> snapshots/<synced-at>-<id>/     (a symlink, swapped atomically)
    raw_salesforce/<table>/snapshots/<synced-at>-<id>/
        part-0.parquet                  the table: one row per Salesforce Id, as on DuckDB
        _flywheel_sync_state.json       its watermark and last sync (Spark skips `_` files)
    raw_absences/absence/current -> …   the absences file, loaded the same way (the holidays file too)
    raw_salesforce/_sync_state/current -> …   every table's sync state as one Parquet table, rewritten
                                        with each commit, for dbt on Spark (the clock reading)
    spark-warehouse/<schema>.db/<model>/  the tables dbt-spark builds (Parquet), metastore_db beside

The Python steps (extraction, gates, publication) each work on a DuckDB connection of their own: a
scratch file under `_work/`, removed with the connection, in which every lake table is a view
(`raw_salesforce.*` over the current snapshots, `raw_salesforce._sync_state` from their state
files, `intermediate.*` and `marts.*` over Spark's Parquet). So extraction runs exactly as on
DuckDB: pages staged, then merged in one transaction with the watermark. A raw table a merge
changes is first copied out of its view (`raw_store.ensure_table`); on commit, each table changed
is written as a new snapshot folder with its sync state inside, and `current` is swapped to it in
one rename: rows and watermark are committed together. A run killed before the swap leaves
`current` as it was; the half-written folder is never read and the next commit removes it.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import orjson

from pipelines.extract import raw_store
from pipelines.salesforce.objects import OBJECTS
from pipelines.settings import LAKE_DIR_VAR
from pipelines.storage.warehouse import DuckDBWarehouse

RAW_SCHEMAS = (raw_store.SCHEMA, "raw_absences")
MODEL_SCHEMAS = ("intermediate", "marts")
SPARK_WAREHOUSE = "spark-warehouse"
CURRENT = "current"
SNAPSHOTS = "snapshots"
STATE_FILE = "_flywheel_sync_state.json"
KEEP_SNAPSHOTS = 2  # the current one, and the one a reader may still be reading
_OBJECT_OF_TABLE = {spec.table: spec.name for spec in OBJECTS}
_STATE_COLUMNS = ("object_name", "watermark_field", "watermark", "last_synced_at", "last_run_id", "duplicate_rows",
                  "salesforce_clock")
# The sync state as a table of the lake, for Spark (the tables' own state files are the truth).
STATE_FOLDER = "_sync_state"


def table_folder(lake: Path, schema: str, table: str) -> Path:
    return lake / schema / table


def model_folder(lake: Path, schema: str, model: str) -> Path:
    """Where dbt-spark keeps a model's Parquet files (a managed table of the lake's metastore)."""
    return lake / SPARK_WAREHOUSE / f"{schema}.db" / model


def _parquet(folder: Path) -> str:
    return f"read_parquet('{folder.as_posix()}/*.parquet')"


def _has_parquet(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob("*.parquet"))


def attach_lake(con: duckdb.DuckDBPyConnection, lake: Path) -> None:
    """Every lake table as a view in `con`, and the sync state of every raw table."""
    raw_store.ensure_state_table(con)
    for schema in RAW_SCHEMAS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for current in sorted(lake.glob(f"{raw_store.SCHEMA}/*/{CURRENT}")):
        table = current.parent.name
        if table == STATE_FOLDER or not _has_parquet(current):
            continue
        con.execute(f"CREATE VIEW {raw_store.SCHEMA}.{raw_store.quote(table)} AS SELECT * FROM {_parquet(current)}")
        state_file = current / STATE_FILE
        if state_file.is_file():
            state = orjson.loads(state_file.read_bytes())
            con.execute(f"INSERT INTO {raw_store.STATE_TABLE} ({', '.join(_STATE_COLUMNS)}) "
                        f"VALUES ({', '.join('?' for _ in _STATE_COLUMNS)})", [state.get(c) for c in _STATE_COLUMNS])
    for schema in MODEL_SCHEMAS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        for folder in sorted((lake / SPARK_WAREHOUSE / f"{schema}.db").glob("*")):
            if _has_parquet(folder):
                con.execute(f"CREATE VIEW {schema}.{raw_store.quote(folder.name)} AS SELECT * FROM {_parquet(folder)}")


def changed_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The raw tables written in `con` since it was opened: those that are tables, not views
    over the lake (scratch tables, named `_…`, aside)."""
    return con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
        "AND table_catalog = current_database() "
        f"AND table_schema IN ({', '.join(repr(s) for s in RAW_SCHEMAS)}) AND NOT starts_with(table_name, '_') "
        "ORDER BY ALL"
    ).fetchall()


def _state_of(con: duckdb.DuckDBPyConnection, table: str) -> dict | None:
    object_name = _OBJECT_OF_TABLE.get(table)
    row = con.execute(
        f"SELECT {', '.join(_STATE_COLUMNS)} FROM {raw_store.STATE_TABLE} WHERE object_name = ?", [object_name]
    ).fetchone() if object_name else None
    return dict(zip(_STATE_COLUMNS, row)) if row else None


def _swap_in(folder: Path, write: Callable[[Path], None]) -> Path:
    """A new snapshot of `folder`, its files written by `write(staging folder)`, swapped in as
    `current` in one rename; returns the snapshot folder."""
    snapshots = folder / SNAPSHOTS
    snapshots.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    name = f"{stamp}-{uuid.uuid4().hex[:8]}"
    staging = snapshots / f".staging-{name}"
    staging.mkdir()
    write(staging)
    _fsync_folder(staging)
    final = snapshots / name
    staging.rename(final)
    link = folder / f".{CURRENT}-{name}"
    link.symlink_to(final.relative_to(folder))
    os.replace(link, folder / CURRENT)  # the commit: readers see the old snapshot or the new one
    prune(folder)
    return final


def _copy_to(con: duckdb.DuckDBPyConnection, relation: str, staging: Path) -> None:
    con.execute(f"COPY (SELECT * FROM {relation}) TO '{(staging / 'part-0.parquet').as_posix()}' (FORMAT parquet)")


def write_snapshot(con: duckdb.DuckDBPyConnection, lake: Path, schema: str, table: str) -> Path:
    """Write the table (and its sync state) as a new snapshot, swap `current` to it, and make the
    table a view over it again; returns the snapshot folder."""
    folder = table_folder(lake, schema, table)
    quoted = f"{schema}.{raw_store.quote(table)}"
    state = _state_of(con, table)

    def write(staging: Path) -> None:
        _copy_to(con, quoted, staging)
        if state is not None:
            (staging / STATE_FILE).write_bytes(orjson.dumps(state, default=str, option=orjson.OPT_INDENT_2))

    final = _swap_in(folder, write)
    con.execute(f"DROP TABLE {quoted}")
    con.execute(f"CREATE VIEW {quoted} AS SELECT * FROM {_parquet(folder / CURRENT)}")
    return final


def write_state_snapshot(con: duckdb.DuckDBPyConnection, lake: Path) -> Path:
    """Every raw table's sync state (read back from their snapshots' state files) as one Parquet
    table of the lake, which dbt on Spark reads as the source `salesforce.sync_state`."""
    return _swap_in(table_folder(lake, raw_store.SCHEMA, STATE_FOLDER),
                    lambda staging: _copy_to(con, raw_store.STATE_TABLE, staging))


def _fsync_folder(folder: Path) -> None:
    for path in folder.iterdir():
        with path.open("rb") as f:
            os.fsync(f.fileno())


def prune(folder: Path, keep: int = KEEP_SNAPSHOTS) -> None:
    """Remove a table's older snapshots and whatever a killed commit left half-written."""
    current = (folder / CURRENT).resolve()
    snapshots = folder / SNAPSHOTS
    done = sorted(p for p in snapshots.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in [p for p in done[:-keep] if p.resolve() != current] + [p for p in snapshots.glob(".staging-*")]:
        shutil.rmtree(old, ignore_errors=True)
    for link in folder.glob(f".{CURRENT}-*"):
        link.unlink(missing_ok=True)


def write_changed(con: duckdb.DuckDBPyConnection, lake: Path) -> list[Path]:
    """Commit every raw table changed in `con` to the lake, then the sync state Spark reads."""
    written = [write_snapshot(con, lake, schema, table) for schema, table in changed_tables(con)]
    if written:
        write_state_snapshot(con, lake)
    return written


class LakeConnection:
    """A DuckDB connection whose commits reach the lake: `commit()` writes each changed raw table as
    a snapshot (with its sync state) before DuckDB commits, so a failed write rolls back both."""

    def __init__(self, con: duckdb.DuckDBPyConnection, lake: Path):
        self._con, self._lake = con, lake

    def __getattr__(self, name: str):
        return getattr(self._con, name)

    def commit(self) -> None:
        write_changed(self._con, self._lake)
        self._con.commit()


class LakeWarehouse(DuckDBWarehouse):
    """`FLYWHEEL_WAREHOUSE=spark`: the lake at `lake_dir` (an absolute path), dbt on Spark.
    `database`: the folder of the connections' scratch DuckDB files (`<lake>/_work`)."""

    lake_dir: str
    dbt_target: str = "spark"

    @classmethod
    def at(cls, lake: Path) -> LakeWarehouse:
        return cls(database=str(lake / "_work"), lake_dir=str(lake))

    @property
    def dbt_target_path(self) -> Path:
        return Path(self.lake_dir) / "dbt-target"

    @contextmanager
    def get_connection(self) -> Iterator[LakeConnection]:
        lake = Path(self.lake_dir)
        work = Path(self.database)
        work.mkdir(parents=True, exist_ok=True)
        _remove_orphans(work)
        scratch = work / f"{os.getpid()}-{uuid.uuid4().hex[:8]}.duckdb"
        con = duckdb.connect(str(scratch))
        try:
            con.execute("SET TimeZone = 'UTC'")
            con.execute(f"SET memory_limit = '{self.memory_limit}'")
            attach_lake(con, lake)
            wrapped = LakeConnection(con, lake)
            yield wrapped  # type: ignore[misc]
            write_changed(con, lake)  # writes committed with a plain COMMIT statement
        finally:
            con.close()
            for leftover in work.glob(f"{scratch.name}*"):
                leftover.unlink(missing_ok=True)

    def dbt_env(self) -> dict[str, str]:
        return {LAKE_DIR_VAR: self.lake_dir}

    def wait_until_free(self) -> None:
        """Nothing to wait for: every step works on a scratch file of its own."""


def _remove_orphans(work: Path) -> None:
    """Scratch files of processes that no longer run (a killed run)."""
    for path in work.glob("*.duckdb*"):
        pid = path.name.split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            path.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
