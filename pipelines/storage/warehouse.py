"""The working DuckDB file as a Dagster resource.

Connections live only inside `with` blocks and close however the block ends (dagster-duckdb's
resource leaves its connection open when the block raises, which keeps the file locked), and
every session works in UTC, as the raw tables do. Another process holding the file is waited for,
named in the run's log, and named in the failure when it does not let go (pipelines/storage/lock.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from pipelines.settings import DEFAULT_LOCK_WAIT_SECONDS, DUCKDB_PATH_VAR
from pipelines.storage.lock import WarehouseLocked, wait_for_lock


def dbt_target_path(database: Path | str) -> Path:
    """The dbt target folder of the runs on `database`, kept beside it (`data/flywheel.duckdb` →
    `data/flywheel.dbt/`): each run's `run_results.json` and `dbt.log`, and dbt's parse, which
    dagster-dbt seeds from the prepared one and dbt keeps up to date."""
    database = Path(database)
    return database.with_name(f"{database.stem}.dbt")


class DuckDBWarehouse(dg.ConfigurableResource):
    """`database`: an absolute path (see `pipelines.settings`)."""

    database: str
    lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS
    """How long to wait for another process to let go of the file (`FLYWHEEL_LOCK_WAIT_SECONDS`)."""
    memory_limit: str = "512MB"
    """DuckDB's working memory; larger merges spill to disk beside the database."""
    dbt_target: str | None = None
    """The target in dbt_project/profiles.yml the models are built with; None: its default (this
    DuckDB file), which keeps the prepared parse valid (`pipelines/dbt/project.py`)."""

    _log: Any = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._log = context.log  # waiting for a lock shows in the run's log

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        con = self._connect()
        try:
            con.execute("SET TimeZone = 'UTC'")
            con.execute(f"SET memory_limit = '{self.memory_limit}'")
            yield con
        finally:
            con.close()

    def dbt_env(self) -> dict[str, str]:
        """What dbt's environment says of where the data is (profiles.yml): the DuckDB file."""
        return {DUCKDB_PATH_VAR: self.database}

    @property
    def dbt_target_path(self) -> Path:
        return dbt_target_path(self.database)

    def wait_until_free(self) -> None:
        """Return once no other process holds the file (a step that hands the file to another
        process, dbt, waits here first), or fail naming the one that does."""
        with self.get_connection():
            pass

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """DuckDB lets one process write at a time: wait (bounded) for another to let go; past the
        wait, the step fails with who holds the file and what to do (no traceback)."""
        try:
            return wait_for_lock(lambda: duckdb.connect(self.database), _lock_conflict, self.database,
                                 self.lock_wait_seconds, self._log or logging.getLogger(__name__))
        except WarehouseLocked as locked:
            raise dg.Failure(description=str(locked), allow_retries=False) from None


def _lock_conflict(error: Exception) -> str | None:
    """DuckDB's message when `error` is another process's lock on the file."""
    message = str(error)
    return message if isinstance(error, duckdb.IOException) and "lock" in message.lower() else None


def table_metadata(con: duckdb.DuckDBPyConnection, schema: str, table: str, *, count_rows: bool = True) -> dict:
    """What Dagster's catalog shows of a table: its name, its columns with their types and (for a
    table, not a view) its row count."""
    columns = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, table],
    ).fetchall()
    metadata: dict = {
        "dagster/table_name": f"{schema}.{table}",
        "dagster/column_schema": dg.TableSchema(columns=[dg.TableColumn(name, kind) for name, kind in columns]),
    }
    if count_rows and columns:
        metadata["dagster/row_count"] = con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0]
    return metadata
