"""The dbt-duckdb plugin that opens Flywheel's DuckDB file for dbt (`plugins:` in profiles.yml).

dbt reads the file from `FLYWHEEL_DUCKDB_PATH` in its own environment (Flywheel sets it for each
dbt call, `pipelines/dbt/project.py`; by hand, export it) and works in it under the fixed name
`flywheel`. The path is read here, in the dbt process, rather than written into profiles.yml:
dbt keys its parse on every value of the profile's connection (`profile_hash` in dbt-core's
`build_manifest_state_check`), so a path there would make each new database parse the whole
project again, where a fixed profile lets every run reuse one parse.
"""

from __future__ import annotations

import os

from dbt.adapters.duckdb.plugins import BasePlugin

from pipelines.settings import DUCKDB_PATH_VAR

ALIAS = "flywheel"  # `database` in profiles.yml: the name every model's relation carries


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        path = os.environ.get(DUCKDB_PATH_VAR)
        if not path:
            raise RuntimeError(
                f"{DUCKDB_PATH_VAR} is not set: dbt builds in the DuckDB file it names "
                f"(export {DUCKDB_PATH_VAR}=$PWD/data/flywheel.duckdb, the file the extraction writes)"
            )
        # profiles.yml's own `attach` of `:memory:` under the same name (it only lets dbt-duckdb
        # accept the name) comes after this with IF NOT EXISTS; were it first, it is replaced here.
        conn.execute(f"DETACH DATABASE IF EXISTS {ALIAS}")
        conn.execute(f"ATTACH '{_quoted(path)}' AS {ALIAS}")


def _quoted(path: str) -> str:
    return path.replace("'", "''")
