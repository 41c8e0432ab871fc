"""The dbt models (staging → intermediate → marts) as Dagster assets; dbt tests as asset checks."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from pipelines.assets.extract import DUCKDB_POOL, REVOPS
from pipelines.dbt_project import dbt_project
from pipelines.dbt_vars import declared_vars, vars_arguments

GROUP = "adoption_models"


class FlywheelTranslator(DagsterDbtTranslator):
    """Models go in `adoption_models`, owned by RevOps; sources keep the extract assets' keys
    (`meta.dagster`)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return GROUP

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return [REVOPS]


class DbtVarsConfig(dg.Config):
    vars: dict[str, Any] = {}
    """Thresholds and windows for this run, by the names `dbt_project.yml` declares under `vars`
    (e.g. `{dormant_days: 21}`); an unknown name is refused with the list of known ones."""


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=FlywheelTranslator(),
    pool=DUCKDB_POOL,
)
def adoption_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtVarsConfig):
    arguments = vars_arguments(config.vars, declared_vars(dbt_project.project_dir / "dbt_project.yml"))
    yield from dbt.cli(["build", *arguments], context=context).stream()
