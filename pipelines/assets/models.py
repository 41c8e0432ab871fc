"""The dbt models (staging → intermediate → marts) as Dagster assets; dbt tests as asset checks."""

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, dbt_assets

from pipelines.assets.extract import DUCKDB_POOL, REVOPS
from pipelines.dbt.project import FlywheelDbtCli, dbt_project, dbt_vars_args
from pipelines.dbt.run_notes import run_notes
from pipelines.dbt.vars import MODELS_STEP, checked_vars, declared_vars
from pipelines.storage.warehouse import DuckDBWarehouse, table_metadata

GROUP = "adoption_models"


class FlywheelTranslator(DagsterDbtTranslator):
    """Models go in `adoption_models`, owned by RevOps; sources keep the extract assets' keys
    (`meta.dagster`)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return GROUP

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return [REVOPS]


def with_table_metadata(events: list, manifest: Mapping[str, Any], duckdb: DuckDBWarehouse) -> Iterator:
    """Each model's output with its table name, column schema and row count, and what a few models
    say about the run (`run_notes`: kinds of login, who is not measured). dagster-dbt's own
    `fetch_row_counts` opens the DuckDB file while dbt still holds it: DuckDB takes one writing
    process, so the tables are read here once dbt has let go of the file."""
    with duckdb.get_connection() as con:
        for event in events:
            node = manifest["nodes"].get(event.metadata.get("unique_id", dg.TextMetadataValue("")).value) \
                if isinstance(event, dg.Output) else None
            if node is None:
                yield event
                continue
            extra = table_metadata(con, node["schema"], node["alias"],
                                   count_rows=node["config"]["materialized"] != "view")
            yield event.with_metadata({**event.metadata, **extra, **run_notes(con, node["name"], node["schema"])})


class DbtVarsConfig(dg.Config):
    vars: dict[str, Any] = {}
    """Thresholds and windows for this run, by the names `dbt_project.yml` declares under `vars`
    (e.g. `{dormant_days: 21}`); an unknown name is refused with the list of known ones."""


def build_adoption_models(manifest_path: Path) -> dg.AssetsDefinition:
    """Every dbt model as an asset, from the manifest at `manifest_path`."""

    @dbt_assets(
        name=MODELS_STEP,
        manifest=manifest_path,
        project=dbt_project,
        dagster_dbt_translator=FlywheelTranslator(),
        pool=DUCKDB_POOL,
    )
    def adoption_models(context: dg.AssetExecutionContext, dbt: FlywheelDbtCli, duckdb: DuckDBWarehouse,
                        config: DbtVarsConfig):
        overrides = checked_vars(config.vars, declared_vars(dbt_project.project_dir / "dbt_project.yml"))
        duckdb.wait_until_free()  # dbt opens the file itself: a reader holding it is named here first
        # Unit tests check the SQL of the rules against fixed inputs: they run in development and
        # CI (`dbt build`, tests/dbt), not against every day's data, as dbt recommends.
        build = dbt.cli(["build", "--exclude-resource-type", "unit_test", *dbt_vars_args(overrides)],
                        env=duckdb.dbt_env(), context=context, target_path=duckdb.dbt_target_path)
        events, failure = [], None
        try:
            events.extend(build.stream())
        except Exception as error:  # a failed model or test: report what was built, then fail
            failure = error
        yield from with_table_metadata(events, build.manifest, duckdb)
        if failure is not None:
            raise failure

    return adoption_models
