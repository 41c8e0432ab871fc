"""The `publish` asset: the gated marts, exported for BI tools (see pipelines/publish/publication.py)."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.assets.extract import DATA_ENGINEERING, DUCKDB_POOL
from pipelines.dbt.project import dbt_project, metric_definitions_path
from pipelines.dbt.vars import declared_vars, effective_vars, run_vars, what_if_name
from pipelines.storage.exports import ExportDir
from pipelines.publish.publication import DATABASE_NAME, mart_docs, model_versions, publish, what_if_root
from pipelines.publish.changes import PREVIOUS, changes_markdown, flag_changes, newest_critical_flags, teams_preview
from pipelines.storage.warehouse import DuckDBWarehouse

METRIC_DEFINITIONS = "metric_definitions.html"


def build_marts_export(marts: tuple[str, ...]) -> dg.AssetsDefinition:
    """The publication of every mart in `marts`, after each of them."""

    @dg.asset(
        key=["publish", "marts_export"],
        deps=[dg.AssetKey(["marts", m]) for m in marts],
        group_name="publish",
        owners=[DATA_ENGINEERING],
        kinds={"parquet", "csv", "duckdb"},
        pool=DUCKDB_POOL,
        description=(
            "Parquet and CSV per mart, a read-only DuckDB file, the metric definitions (dbt docs) and "
            "manifest.json, swapped in atomically under FLYWHEEL_EXPORT_DIR/current (a run with dbt vars "
            "of its own: under what_if/<vars>/current, beside it). Runs only when every blocking gate "
            "upstream passed."
        ),
    )
    def marts_export(
        context: dg.AssetExecutionContext, duckdb: DuckDBWarehouse, exports: ExportDir
    ) -> dg.MaterializeResult:
        return export_marts(context.run_id, list(marts), duckdb, exports, run_vars(context.run.run_config))

    return marts_export


def export_marts(run_id: str, marts: list[str], duckdb: DuckDBWarehouse, exports: ExportDir,
                 overrides: Mapping[str, Any] = {}) -> dg.MaterializeResult:
    """Publish the marts: in place of the real publication, or, for a run given dbt vars of its
    own (`overrides`), as a what-if beside it. Flag changes are counted against the real one."""
    what_if = what_if_name(overrides)
    root = what_if_root(Path(exports.path), what_if)
    previous = exports.current / DATABASE_NAME
    docs = metric_definitions_path()
    recorded = {
        "what_if": what_if,
        "dbt_vars": effective_vars(declared_vars(dbt_project.project_dir / "dbt_project.yml"), overrides),
        "dbt_vars_overridden": dict(overrides),
    }
    with duckdb.get_connection() as con:
        if previous.exists():
            con.execute(f"ATTACH '{previous.resolve()}' AS {PREVIOUS} (READ_ONLY)")
        changes = flag_changes(con, previous.exists())
        if previous.exists():
            con.execute(f"DETACH {PREVIOUS}")
        publication = publish(
            con, marts, root, run_id,
            model_versions(dbt_project.manifest_path, marts), {METRIC_DEFINITIONS: docs},
            exports.personal_data, mart_docs(dbt_project.manifest_path, marts), recorded,
        )
        teams, critical = teams_preview(con), newest_critical_flags(con)
    manifest = publication.manifest
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(root / "current")),
        "publication": str(publication.path),
        "what_if": what_if or "no: the real publication",
        "dbt_vars_overridden": dg.MetadataValue.json(dict(overrides)),
        "metric_definitions": dg.MetadataValue.path(str(root / "current" / METRIC_DEFINITIONS)),
        "data_docs": dg.MetadataValue.path(str(exports.data_docs.index)),
        "as_of_date": manifest["as_of_date"],
        "as_of_date_source": manifest["as_of_date_source"],
        "salesforce_clock": manifest["salesforce_clock"] or "not read (no clock reading stored)",
        "row_counts": dg.MetadataValue.json(manifest["row_counts"]),
        "files": len(manifest["files"]),
        "personal_data": "included" if exports.personal_data else "left out",
        "flags_opened": len(changes.opened),
        "flags_closed": len(changes.closed),
        "flag_changes": dg.MetadataValue.md(changes_markdown(changes)),
        "teams": dg.MetadataValue.md(teams),
        "newest_critical_flags": dg.MetadataValue.md(critical),
    })
