"""The one dbt project: shared by `@dbt_assets` and the `DbtCliResource`.

dagster-dbt needs the project's manifest before the Definitions load. `prepare_if_dev()` makes
it under `dg dev`; `flywheel demo`/`run`, the tests and CI call `prepare_manifest()` first.
"""

from __future__ import annotations

from pathlib import Path

from dagster_dbt import DbtProject

from pipelines import settings

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"

settings.export_paths()  # dbt's profiles.yml reads the same, absolute, database path
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


def prepare_manifest() -> Path:
    """Parse the dbt project (no database needed) and return the manifest's path."""
    dbt_project.preparer.prepare(dbt_project)
    return dbt_project.manifest_path
