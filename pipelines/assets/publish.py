"""The `publish` asset: the gated marts, exported for BI tools (see pipelines/publish/publication.py)."""

from pathlib import Path

import dagster as dg

from pipelines.assets.extract import DATA_ENGINEERING, DUCKDB_POOL
from pipelines.dbt.project import dbt_project, metric_definitions_path
from pipelines.storage.exports import ExportDir
from pipelines.publish.publication import DATABASE_NAME, model_versions, publish
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
            "manifest.json, swapped in atomically under FLYWHEEL_EXPORT_DIR/current. Runs only when "
            "every blocking gate upstream passed."
        ),
    )
    def marts_export(
        context: dg.AssetExecutionContext, duckdb: DuckDBWarehouse, exports: ExportDir
    ) -> dg.MaterializeResult:
        return export_marts(context.run_id, list(marts), duckdb, exports)

    return marts_export


def export_marts(run_id: str, marts: list[str], duckdb: DuckDBWarehouse, exports: ExportDir) -> dg.MaterializeResult:
    previous = exports.current / DATABASE_NAME
    docs = metric_definitions_path()
    with duckdb.get_connection() as con:
        if previous.exists():
            con.execute(f"ATTACH '{previous.resolve()}' AS {PREVIOUS} (READ_ONLY)")
        changes = flag_changes(con, previous.exists())
        if previous.exists():
            con.execute(f"DETACH {PREVIOUS}")
        publication = publish(
            con, marts, Path(exports.path), run_id,
            model_versions(dbt_project.manifest_path, marts), {METRIC_DEFINITIONS: docs},
            exports.personal_data,
        )
        teams, critical = teams_preview(con), newest_critical_flags(con)
    manifest = publication.manifest
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(exports.current)),
        "publication": str(publication.path),
        "metric_definitions": dg.MetadataValue.path(str(exports.current / METRIC_DEFINITIONS)),
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
