"""Where Flywheel keeps its data, resolved once from the environment.

dbt runs inside `dbt_project/`, so a relative path would name another file there than here:
every path is made absolute before it is handed to anyone.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from pathlib import Path

DUCKDB_PATH_VAR = "FLYWHEEL_DUCKDB_PATH"
EXPORT_DIR_VAR = "FLYWHEEL_EXPORT_DIR"
PERSONAL_DATA_VAR = "FLYWHEEL_EXPORT_PERSONAL_DATA"
ABSENCES_FILE_VAR = "FLYWHEEL_ABSENCES_FILE"
DEFAULT_DUCKDB_PATH = "data/flywheel.duckdb"
DEFAULT_EXPORT_DIR = "data/exports"


def _absolute(value: str) -> Path:
    return Path(value).expanduser().resolve()


def duckdb_path(env: Mapping[str, str] = os.environ) -> Path:
    """The working DuckDB file (`FLYWHEEL_DUCKDB_PATH`, default `data/flywheel.duckdb`)."""
    return _absolute(env.get(DUCKDB_PATH_VAR) or DEFAULT_DUCKDB_PATH)


def export_dir(env: Mapping[str, str] = os.environ) -> Path:
    """Where published marts go (`FLYWHEEL_EXPORT_DIR`, default `data/exports`)."""
    return _absolute(env.get(EXPORT_DIR_VAR) or DEFAULT_EXPORT_DIR)


def export_personal_data(env: Mapping[str, str] = os.environ) -> bool:
    """Whether exports keep emails and phone numbers (`FLYWHEEL_EXPORT_PERSONAL_DATA=true`)."""
    return env.get(PERSONAL_DATA_VAR, "").strip().lower() in {"1", "true", "yes"}


def absences_file(env: Mapping[str, str] = os.environ) -> Path | None:
    """The absences CSV (`FLYWHEEL_ABSENCES_FILE`), or None when it is not set."""
    value = env.get(ABSENCES_FILE_VAR, "").strip()
    return _absolute(value) if value else None


def export_paths(env: MutableMapping[str, str] = os.environ) -> None:
    """Write both paths back as absolute values, for the processes Flywheel starts (dbt runs
    inside `dbt_project/` and reads `FLYWHEEL_DUCKDB_PATH` from its environment)."""
    env[DUCKDB_PATH_VAR] = str(duckdb_path(env))
    env[EXPORT_DIR_VAR] = str(export_dir(env))
