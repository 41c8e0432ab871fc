"""The one dbt project, shared by `@dbt_assets` and the `DbtCliResource`, and what its manifest
says the rest of Flywheel needs (the marts).

dagster-dbt needs the project's manifest before the Definitions are built: `ensure_manifest()`
parses the project when the manifest is missing or under `dg dev` (no database needed). Nothing
here runs at import.
"""

from __future__ import annotations

import json
from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
MARTS_FOLDER = "marts"
# dbt's profiles.yml reads the DuckDB file from this var, which every dbt call is given.
DUCKDB_PATH_DBT_VAR = "flywheel_duckdb_path"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def prepare_manifest() -> Path:
    """Parse the dbt project (no database needed) and return the manifest's path."""
    dbt_project.preparer.prepare(dbt_project)
    return dbt_project.manifest_path


def ensure_manifest() -> Path:
    """The manifest, parsed now when it is missing (or the project is being edited under `dg dev`)."""
    if not dbt_project.manifest_path.exists():
        return prepare_manifest()
    dbt_project.prepare_if_dev()
    return dbt_project.manifest_path


def published_marts(manifest_path: Path | None = None) -> tuple[str, ...]:
    """The marts, read from the manifest: every model in `models/marts/`, in name order. Each is
    gated (`expectations/marts.<mart>.json`), exported and published; adding a mart is adding a
    model there and its suite."""
    manifest = json.loads(Path(manifest_path or dbt_project.manifest_path).read_text())
    return tuple(sorted(
        node["name"] for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1:2] == [MARTS_FOLDER]
    ))


def dbt_vars(database: Path | str, overrides: dict | None = None) -> str:
    """The `--vars` of a dbt call: the run's DuckDB file (the one channel by which dbt learns it)
    and any thresholds given for this run."""
    return json.dumps({**(overrides or {}), DUCKDB_PATH_DBT_VAR: str(database)})
