"""The working DuckDB file as a Dagster resource.

Connections live only inside `with` blocks and close however the block ends (dagster-duckdb's
resource leaves its connection open when the block raises, which keeps the file locked), and
every session works in UTC, as the raw tables do.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.dbt.project import dbt_target_path
from pipelines.settings import DUCKDB_PATH_VAR


class DuckDBWarehouse(dg.ConfigurableResource):
    """`database`: an absolute path (see `pipelines.settings`)."""

    database: str
    lock_retries: int = 10
    memory_limit: str = "512MB"
    """DuckDB's working memory; larger merges spill to disk beside the database."""
    dbt_target: str | None = None
    """The target in dbt_project/profiles.yml the models are built with; None: its default (this
    DuckDB file), which keeps the prepared parse valid (`pipelines/dbt/project.py`)."""

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

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """DuckDB lets one process write at a time: wait (bounded) for another to let go."""
        for attempt in range(self.lock_retries):
            try:
                return duckdb.connect(self.database)
            except duckdb.IOException:
                if attempt == self.lock_retries - 1:
                    raise
                time.sleep(min(0.25 * 2**attempt, 5.0))
        raise AssertionError("unreachable")


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
