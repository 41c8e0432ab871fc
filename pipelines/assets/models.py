"""The dbt models (staging → intermediate → marts) as Dagster assets; dbt tests as asset checks."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from pipelines.assets.extract import DUCKDB_POOL, REVOPS
from pipelines.dbt_project import dbt_project, dbt_vars
from pipelines.warehouse import DuckDBWarehouse

GROUP = "adoption_models"


class FlywheelTranslator(DagsterDbtTranslator):
    """Models go in `adoption_models`, owned by RevOps; sources keep the extract assets' keys
    (`meta.dagster`)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return GROUP

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return [REVOPS]


def build_adoption_models(manifest_path: Path) -> dg.AssetsDefinition:
    """Every dbt model as an asset, from the manifest at `manifest_path`."""

    @dbt_assets(
        manifest=manifest_path,
        project=dbt_project,
        dagster_dbt_translator=FlywheelTranslator(),
        pool=DUCKDB_POOL,
    )
    def adoption_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, duckdb: DuckDBWarehouse):
        yield from dbt.cli(["build", "--vars", dbt_vars(duckdb.database)], context=context).stream()

    return adoption_models
