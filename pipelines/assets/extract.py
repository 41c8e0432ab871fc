"""The Salesforce extract: one asset per object, `raw_salesforce.<object>` in DuckDB, all made
by one step so that the objects' small requests share Composite calls (one describe call for
all; their REST pages five queries to a call). Each object is committed, and its materialization
reported, as soon as its own read ends; one object's failure leaves the others synced.
"""

from contextlib import contextmanager
from datetime import timedelta

import dagster as dg

from pipelines.dbt.picklists import picklist_warnings, project_vars
from pipelines.extract import raw_store
from pipelines.extract.options import InvalidConfiguration, SyncOptions, parse_start_date, with_extra_fields
from pipelines.extract.outcomes import SyncFailure, SyncReport
from pipelines.extract.sync import sync_objects
from pipelines.salesforce.auth import SalesforceLoginError
from pipelines.salesforce.client import RequestLimitExceeded
from pipelines.salesforce.objects import OBJECTS, OBJECTS_BY_NAME, ObjectSpec
from pipelines.salesforce.resource import SalesforceOrg
from pipelines.storage.warehouse import DuckDBWarehouse, table_metadata

GROUP = "salesforce_raw"
DUCKDB_POOL = "duckdb"
EXTRACT_STEP = "extract_salesforce"
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
    extra_fields: dict[str, list[str]] = {}
    """More fields to extract, by object, e.g. `{"Lead": ["Region__c"]}` (custom fields); each is
    checked against the org's describe, and one the org lacks is skipped and reported."""

    def options(self, run_id: str) -> SyncOptions:
        return SyncOptions(
            overlap=timedelta(minutes=self.overlap_minutes), full_refresh=self.full_refresh,
            start=parse_start_date(self.start_date), batch_size=self.batch_size,
            bulk_threshold=self.bulk_threshold or None, run_id=run_id,
        )

    def specs(self, selected: list[ObjectSpec]) -> list[ObjectSpec]:
        """The selected objects with their extra fields; a name that is not a plain field or
        object name is refused here, before any call."""
        unknown = sorted(set(self.extra_fields) - set(OBJECTS_BY_NAME))
        if unknown:
            raise InvalidConfiguration(
                f"extra_fields names {', '.join(unknown)}, which Flywheel does not extract "
                f"(it extracts {', '.join(OBJECTS_BY_NAME)})."
            )
        return [with_extra_fields(spec, self.extra_fields.get(spec.name, [])) for spec in selected]


def report_metadata(report: SyncReport) -> dict[str, object]:
    """What a person reads in the UI after a sync, with the rules' vars that name a value the
    org's picklists lack (held against dbt_project.yml's values)."""
    warnings = picklist_warnings(report.object_name, report.picklists, project_vars())
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
        "path": report.path.value,
        "path_reason": report.path_reason,
        "query_windows_narrowed": report.windows_narrowed,
        "read_restarts": len(report.restarts),
        "read_restarted_because": "; ".join(report.restarts) or "not restarted",
        "duplicate_rows_read": report.duplicate_rows,
        "pages": report.pages,
        "seconds": round(report.seconds, 2),
        "records_per_second": round(report.records_per_second),
        "missing_fields": ", ".join(report.missing_fields) or "none",
        "columns_added": ", ".join(report.added_columns) or "none",
        "columns_no_longer_in_org": ", ".join(report.columns_no_longer_read) or "none",
        "in_org": report.not_in_org or "yes",
        "salesforce_clock": f"{report.salesforce_clock:%Y-%m-%d %H:%M:%S} UTC" if report.salesforce_clock else "not reported",
        "picklist_warnings": dg.MetadataValue.text("\n".join(warnings) or "none"),
        "soql": dg.MetadataValue.text(report.soql or "none"),
        "dagster/row_count": report.rows_stored,
    }


def asset_key(spec: ObjectSpec) -> dg.AssetKey:
    return dg.AssetKey(["raw_salesforce", spec.table])


# Each object's sync state (raw_salesforce._sync_state): its watermark, and Salesforce's clock
# when the sync read it, from which the models take the last complete day.
SYNC_STATE_KEY = dg.AssetKey(["raw_salesforce", "sync_state"])


@dg.multi_asset(
    name=EXTRACT_STEP,
    specs=[
        dg.AssetSpec(
            asset_key(spec),
            group_name=GROUP,
            owners=[DATA_ENGINEERING],
            kinds={"salesforce", "duckdb"},
            description=(
                f"Salesforce `{spec.name}` records, one row per Id (soft-deleted rows kept with "
                f"IsDeleted), " + (f"read whole every run ({spec.read_whole})." if spec.read_whole
                                   else f"synced incrementally by `{spec.watermark_field}`.")
            ),
        )
        for spec in OBJECTS
    ] + [
        dg.AssetSpec(
            SYNC_STATE_KEY,
            group_name=GROUP,
            owners=[DATA_ENGINEERING],
            kinds={"duckdb"},
            description=(
                "Each object's sync state: its watermark, its last successful sync and Salesforce's own clock "
                "(the Date header of its answers) when the sync read it. The models judge the day before that "
                "clock's date, the last complete day."
            ),
            skippable=True,  # nothing to say when no object was synced
        ),
    ],
    can_subset=True,
    pool=DUCKDB_POOL,
)
def salesforce_extract(
    context: dg.AssetExecutionContext,
    config: ExtractConfig,
    salesforce: SalesforceOrg,
    duckdb: DuckDBWarehouse,
):
    selected = [spec for spec in OBJECTS if asset_key(spec) in context.selected_asset_keys]
    failures: list[SyncFailure] = []
    clock = None
    with _explained_failures(), duckdb.get_connection() as con:
        specs = config.specs(selected)
        client = salesforce.client(log=context.log)  # retries, Bulk job states, progress: in the run's log
        calls_before = client.calls
        for outcome in sync_objects(client, con, specs, config.options(context.run_id)):
            if isinstance(outcome, SyncFailure):
                if str(outcome.error) not in {str(f.error) for f in failures}:  # an outage or the quota stops every object: said once
                    context.log.error(f"{outcome.object_name} was not synced: {outcome.error}")
                failures.append(outcome)
                continue
            spec = OBJECTS_BY_NAME[outcome.object_name]
            clock = outcome.salesforce_clock or clock
            metadata = report_metadata(outcome)
            if metadata["picklist_warnings"].value != "none":
                context.log.warning(f"{spec.name}: {metadata['picklist_warnings'].value}")
            yield dg.MaterializeResult(asset_key=asset_key(spec), metadata={
                **metadata,
                **table_metadata(con, raw_store.SCHEMA, spec.table, count_rows=False),  # rows: the report's
            })
        context.log.info(f"{len(specs) - len(failures)} of {len(specs)} objects synced with "
                         f"{client.calls - calls_before} API calls.")
        if SYNC_STATE_KEY in context.selected_asset_keys and len(specs) > len(failures):
            yield dg.MaterializeResult(asset_key=SYNC_STATE_KEY, metadata={
                "objects_synced": len(specs) - len(failures),
                "salesforce_clock": f"{clock:%Y-%m-%d %H:%M:%S} UTC" if clock else "not reported",
                **table_metadata(con, raw_store.SCHEMA, "_sync_state"),
            })
    if failures:
        by_error: dict[str, list[str]] = {}  # one error (an outage, the quota) often stops every object
        for f in failures:
            by_error.setdefault(str(f.error), []).append(f.object_name)
        raise dg.Failure(
            description=" ".join(
                f"{error} Not synced in this run, watermark unchanged: {', '.join(names)}."
                for error, names in by_error.items()
            ),
            metadata={"objects_not_synced": ", ".join(f.object_name for f in failures),
                      "errors": ", ".join(sorted({type(f.error).__name__ for f in failures})),
                      "error_codes": ", ".join(sorted({getattr(f.error, "error_code", None) or "n/a" for f in failures}))},
            # the org's quota is a shared resource: running out is a clean stop, never retried
            allow_retries=not any(isinstance(f.error, RequestLimitExceeded) for f in failures),
        )


# Errors that name what was wrong and what to do: shown as the step's failure, not a traceback.
# (what one object's sync meets is its own SyncFailure: sync_objects reports it per object)
_EXPLAINED = (SalesforceLoginError, InvalidConfiguration)


@contextmanager
def _explained_failures():
    """A failure before any object is synced (configuration, login) is shown as the step's
    failure, not a traceback; nothing was written."""
    try:
        yield
    except _EXPLAINED as exc:
        raise dg.Failure(
            description=f"{exc} No object was synced in this run; every watermark is unchanged.",
            metadata={"error": type(exc).__name__},
        ) from None
