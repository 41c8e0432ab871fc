"""The `publish` asset: the gated marts, exported for BI tools (see pipelines/publish.py)."""

from pathlib import Path

import dagster as dg

from pipelines.assets.checks import MARTS
from pipelines.assets.extract import DATA_ENGINEERING, DUCKDB_POOL
from pipelines.dbt_project import dbt_project
from pipelines.exports import ExportDir
from pipelines.publish import model_versions, publish
from pipelines.warehouse import DuckDBWarehouse


@dg.asset(
    key=["publish", "marts_export"],
    deps=[dg.AssetKey(["marts", m]) for m in MARTS],
    group_name="publish",
    owners=[DATA_ENGINEERING],
    kinds={"parquet", "csv", "duckdb"},
    pool=DUCKDB_POOL,
    description=(
        "Parquet and CSV per mart, a read-only DuckDB file and manifest.json, swapped in atomically "
        "under FLYWHEEL_EXPORT_DIR/current. Runs only when every blocking gate upstream passed."
    ),
)
def marts_export(context: dg.AssetExecutionContext, duckdb: DuckDBWarehouse, exports: ExportDir) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        publication = publish(
            con, list(MARTS), Path(exports.path), context.run_id, model_versions(dbt_project.manifest_path, list(MARTS))
        )
    manifest = publication.manifest
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(exports.current)),
        "data_docs": dg.MetadataValue.path(str(exports.data_docs.index)),
        "publication": str(publication.path),
        "as_of_date": manifest["as_of_date"] or "none",
        "row_counts": dg.MetadataValue.json(manifest["row_counts"]),
        "files": len(manifest["files"]),
    })
