"""The `quality` group: where every gate stands, beside the Data Docs the gates render."""

import dagster as dg

from pipelines.assets.extract import DATA_ENGINEERING
from pipelines.storage.exports import ExportDir
from pipelines.quality.gx_gate import build_docs, latest_statuses


def build_data_docs(marts: tuple[str, ...]) -> dg.AssetsDefinition:
    """The Data Docs asset, after every mart in `marts`."""
    return dg.asset(
        data_docs,
        key=["quality", "data_docs"],
        deps=[dg.AssetKey(["marts", m]) for m in marts],
        group_name="quality",
        owners=[DATA_ENGINEERING],
        kinds={"great_expectations", "html"},
        description=(
            "Great Expectations Data Docs under FLYWHEEL_EXPORT_DIR/data_docs: every gate's validations "
            "(raw rows and marts), failed ones included; its metadata lists each suite's newest result. "
            "Renders the run's validations and the index in one pass after the marts' blocking gates passed "
            "(a gate that fails renders them itself, so its page is listed there although the run stops)."
        ),
    )


def data_docs(exports: ExportDir) -> dg.MaterializeResult:
    build_docs(exports.data_docs)
    statuses = latest_statuses(exports.data_docs)
    table = "\n".join(
        ["| suite | newest validation | result | failed / evaluated |", "| --- | --- | --- | --- |"]
        + [f"| {s.suite} | {s.validated_at} | {'passed' if s.success else '**failed**'} | "
           f"{s.failed_expectations} / {s.evaluated_expectations} |" for s in statuses]
    )
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(exports.data_docs.index)),
        "suites": len(statuses),
        "suites_failing": sum(not s.success for s in statuses),
        "newest_results": dg.MetadataValue.md(table),
    })
