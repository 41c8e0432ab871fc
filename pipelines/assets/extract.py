"""One extract asset per Salesforce object: `raw_salesforce.<object>` in DuckDB."""

from contextlib import contextmanager
from datetime import timedelta

import dagster as dg
from pipelines.warehouse import DuckDBWarehouse

from pipelines.extract.columns import MissingRequiredField
from pipelines.extract.pages import MalformedRecord
from pipelines.extract.raw_store import MalformedValue
from pipelines.extract.sync import InvalidConfiguration, SyncReport, parse_start_date, sync_object
from pipelines.salesforce.auth import SalesforceLoginError
from pipelines.salesforce.client import RequestLimitExceeded, SalesforceApiError
from pipelines.salesforce.objects import OBJECTS, ObjectSpec
from pipelines.salesforce.resource import SalesforceResource

GROUP = "salesforce_raw"
DUCKDB_POOL = "duckdb"
# Who answers for what, shown in the Dagster UI: pipes and gates, and the adoption numbers.
DATA_ENGINEERING = "team:data-engineering"
REVOPS = "team:revops"


class ExtractConfig(dg.Config):
    full_refresh: bool = False
    """Read every record again instead of starting from the watermark."""
    overlap_minutes: int = 10
    """How far before the watermark each incremental read starts, to catch late commits."""
    batch_size: int = 2000
    """Records per REST page asked for (Salesforce allows 200–2,000; it may send fewer)."""
    bulk_threshold: int = 100_000
    """A first load or full refresh of at least this many records uses Bulk API 2.0 (0: never)."""
    start_date: str = ""
    """YYYY-MM-DD: a first load or full refresh reads records from this date on (empty: all)."""
    extra_fields: list[str] = []
    """More fields of this object to extract, e.g. custom fields (`Region__c`); each is checked
    against the org's describe, and one the org lacks is skipped and reported."""


def report_metadata(report: SyncReport, table_rows: int) -> dict[str, object]:
    """What a person reads in the UI after a sync."""
    usage = f"{report.api_usage[0]:,} of {report.api_usage[1]:,}" if report.api_usage else "not reported"
    return {
        "rows_read": report.rows_read,
        "rows_new": report.rows_new,
        "rows_changed": report.rows_changed,
        "rows_deleted": report.rows_deleted,
        "rows_hard_deleted": report.rows_vanished,
        "api_calls": report.api_calls,
        "org_daily_api_usage": usage,
        "watermark": str(report.watermark_after) if report.watermark_after else "none",
        "watermark_before": str(report.watermark_before) if report.watermark_before else "none (first sync)",
        "full_refresh": report.full_refresh,
        "path": report.path,
        "path_reason": report.path_reason,
        "query_windows_narrowed": report.windows_narrowed,
        "duplicate_rows_read": report.duplicate_rows,
        "pages": report.pages,
        "seconds": round(report.seconds, 2),
        "records_per_second": round(report.records_per_second),
        "missing_fields": ", ".join(report.missing_fields) or "none",
        "columns_added": ", ".join(report.added_columns) or "none",
        "columns_no_longer_in_org": ", ".join(report.columns_no_longer_read) or "none",
        "soql": dg.MetadataValue.text(report.soql),
        "dagster/row_count": table_rows,
    }


def build_extract_asset(spec: ObjectSpec) -> dg.AssetsDefinition:
    @dg.asset(
        name=spec.table,
        key_prefix=["raw_salesforce"],
        group_name=GROUP,
        owners=[DATA_ENGINEERING],
        kinds={"salesforce", "duckdb"},
        pool=DUCKDB_POOL,
        description=(
            f"Salesforce `{spec.name}` records, one row per Id (soft-deleted rows kept with "
            f"IsDeleted), synced incrementally by `{spec.watermark_field}`."
        ),
    )
    def _extract(
        context: dg.AssetExecutionContext,
        config: ExtractConfig,
        salesforce: SalesforceResource,
        duckdb: DuckDBWarehouse,
    ) -> dg.MaterializeResult:
        with duckdb.get_connection() as con, _explained_failures(spec):
            report = sync_object(
                salesforce.client(),
                con,
                spec,
                overlap=timedelta(minutes=config.overlap_minutes),
                full_refresh=config.full_refresh,
                start=parse_start_date(config.start_date),
                extra_fields=config.extra_fields,
                batch_size=config.batch_size,
                bulk_threshold=config.bulk_threshold or None,
                run_id=context.run_id,
                log=context.log,
            )
            (table_rows,) = con.execute(f"SELECT count(*) FROM {report.table}").fetchone()
        return dg.MaterializeResult(metadata=report_metadata(report, table_rows))

    return _extract


# Errors that name what was wrong and what to do: shown as the step's failure, not a traceback.
_EXPLAINED = (
    SalesforceApiError, SalesforceLoginError, MalformedRecord, MalformedValue, MissingRequiredField, InvalidConfiguration,
)


@contextmanager
def _explained_failures(spec: ObjectSpec):
    """A failed sync leaves the raw table and the watermark as they were; say so, and why."""
    try:
        yield
    except _EXPLAINED as exc:
        raise dg.Failure(
            description=f"{exc} {spec.name} was not synced in this run; its watermark is unchanged.",
            metadata={"object": spec.name, "error": type(exc).__name__,
                      "error_code": getattr(exc, "error_code", None) or "n/a"},
            # the org's quota is a shared resource: running out is a clean stop, never retried
            allow_retries=not isinstance(exc, RequestLimitExceeded),
        ) from None


extract_assets = [build_extract_asset(spec) for spec in OBJECTS]
