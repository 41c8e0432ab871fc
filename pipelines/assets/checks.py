"""Blocking quality gates as Dagster asset checks (the gates: pipelines/quality/gates.py).

A failing `error` expectation fails the check with ERROR
severity, which stops everything downstream (the models, publishing); `warning` expectations
fail it with WARN severity and let the run go on.
"""

from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import dagster as dg

from pipelines.assets.extract import DUCKDB_POOL, asset_key
from pipelines.dbt.project import dbt_project
from pipelines.storage.exports import ExportDir
from pipelines.extract import raw_store
from pipelines.quality.freshness import source_freshness
from pipelines.quality.gates import mart_gate, raw_gate
from pipelines.quality.gx_gate import GateResult
from pipelines.salesforce.objects import OBJECTS, ObjectSpec
from pipelines.storage.warehouse import DuckDBWarehouse

def check_result(result: GateResult, data_docs: Path | None = None) -> dg.AssetCheckResult:
    """What a person reads in the UI: the table, each failing expectation, values and Ids, and
    where the Data Docs page of this validation is."""
    errors, warnings = result.errors, result.warnings
    metadata: dict[str, object] = {"table": result.table, "rows_checked": result.rows}
    if data_docs is not None:
        metadata["data_docs"] = dg.MetadataValue.path(str(data_docs))
    if result.failures:
        first = (errors or warnings)[0]
        metadata.update({
            "failed_expectation": f"{first.expectation} ({first.column})",
            "observed": first.observed,
            "offending_ids": ", ".join(first.sample_ids) or "n/a",
            "failures": dg.MetadataValue.md("\n".join(f"- **{f.severity}** {f.sentence()}" for f in result.failures)),
        })
    return dg.AssetCheckResult(
        passed=not result.failures,
        severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN,
        metadata=metadata,
        description="; ".join(f.sentence() for f in result.failures)[:1000] or None,
    )


def build_gate_check(
    asset: dg.AssetKey, name: str, description: str, gate: Callable[..., GateResult]
) -> dg.AssetChecksDefinition:
    """A blocking check that runs `gate(con, data_docs)` on the warehouse and reports it."""

    @dg.asset_check(asset=asset, name=name, blocking=True, pool=DUCKDB_POOL, description=description)
    def _check(duckdb: DuckDBWarehouse, exports: ExportDir) -> dg.AssetCheckResult:
        with duckdb.get_connection() as con:
            result = gate(con, exports.data_docs)
        return check_result(result, exports.data_docs.index)

    return _check


def build_raw_check(spec: ObjectSpec) -> dg.AssetChecksDefinition:
    return build_gate_check(
        asset_key(spec), "rows_synced_pass_gx_suite",
        f"The {spec.name} rows the last sync wrote pass expectations/raw_salesforce.{spec.table}.json.",
        partial(raw_gate, spec=spec),
    )


def build_freshness_check(spec: ObjectSpec) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset_key(spec),
        name="source_freshness",
        blocking=True,
        pool=DUCKDB_POOL,
        description=(
            f"{spec.name} was synced successfully within the dbt source's freshness thresholds: a last "
            "successful sync older than warn_after warns, older than error_after fails. Rows that did "
            "not change are not judged."
        ),
    )
    def _check(duckdb: DuckDBWarehouse) -> dg.AssetCheckResult:
        rule = source_freshness(dbt_project.manifest_path)[spec.table]
        with duckdb.get_connection() as con:
            state = raw_store.read_state(con, spec.name)
            newest_row = raw_store.newest_row_written(con, spec)
        synced = state.last_synced_at if state else None
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        verdict = rule.verdict(synced, now)
        return dg.AssetCheckResult(
            passed=verdict == "pass",
            severity=dg.AssetCheckSeverity.ERROR if verdict == "error" else dg.AssetCheckSeverity.WARN,
            metadata={
                "last_successful_sync": str(synced) if synced else "never",
                "hours_since_sync": round((now - synced).total_seconds() / 3600, 1) if synced else -1,
                "newest_change": str(state.watermark) if state and state.watermark else "no records",
                "newest_change_written_at": str(newest_row) if newest_row else "no rows",
                "warn_after": str(rule.warn_after), "error_after": str(rule.error_after),
            },
            description=None if synced else f"{spec.name} has never been synced successfully.",
        )

    return _check


def build_mart_check(mart: str, key: tuple[str, ...]) -> dg.AssetChecksDefinition:
    return build_gate_check(
        dg.AssetKey(["marts", mart]), "mart_passes_gx_suite",
        f"marts.{mart} passes expectations/marts.{mart}.json and its cross-table checks.",
        partial(mart_gate, mart=mart, key=key),
    )


def build_quality_checks(mart_keys: Mapping[str, tuple[str, ...]]) -> list[dg.AssetChecksDefinition]:
    """Every blocking gate: each object's raw rows and freshness, each mart's suite (`mart_keys`:
    each mart with its key, from the manifest)."""
    return (
        [build_raw_check(spec) for spec in OBJECTS]
        + [build_freshness_check(spec) for spec in OBJECTS]
        + [build_mart_check(mart, key) for mart, key in mart_keys.items()]
    )
