"""The Dagster code location: every asset, check, resource, job and schedule of Flywheel.

`build_defs(settings)` assembles them from one `Settings`; the code location (`defs`, loaded by
`dg dev`, `dg launch`, `dg check defs` and `workspace.yaml`) calls it with the environment's
settings, the tests with their own. Nothing is built, read or started at import.
"""

from __future__ import annotations

import dagster as dg

from pipelines.alerts.hook import build_failure_hook
from pipelines.alerts.sensors import build_alert_sensors
from pipelines.assets.absences import build_absences_file, build_holidays_file
from pipelines.assets.checks import build_quality_checks
from pipelines.assets.digest import DIGEST_JOB, DIGEST_KEY, build_manager_digest
from pipelines.assets.extract import EXTRACT_STEP, salesforce_extract
from pipelines.assets.models import build_adoption_models
from pipelines.assets.publish import build_marts_export
from pipelines.assets.quality import build_data_docs
from pipelines.assets.report import adoption_report
from pipelines.dbt.project import dbt_cli, ensure_manifest, mart_keys, published_marts
from pipelines.storage.exports import ExportDir
from pipelines.storage.lake import LakeWarehouse
from pipelines.salesforce.resource import SalesforceOrg, salesforce_resource_from_env
from pipelines.sample_org.resource import SampleOrgResource
from pipelines.settings import Settings
from pipelines.storage.warehouse import DuckDBWarehouse

JOB = "adoption_refresh"


def salesforce_org(settings: Settings) -> SalesforceOrg:
    """The org a run reads: the real one the `SALESFORCE_*` variables name, else the sample org."""
    if settings.uses_sample_org:
        return SampleOrgResource(ground_truth_path=str(settings.ground_truth_path), **dict(settings.sample_size))
    return salesforce_resource_from_env(settings.salesforce_vars)


def warehouse(settings: Settings) -> DuckDBWarehouse:
    """Where the raw rows land and the models are read: the DuckDB file, or the lake Spark reads.
    The Python steps work on a DuckDB connection either way (`pipelines/storage/lake.py`)."""
    if settings.warehouse == "spark":
        return LakeWarehouse.at(settings.lake)
    return DuckDBWarehouse(database=str(settings.duckdb_path), lock_wait_seconds=settings.lock_wait_seconds)


def resources(settings: Settings, salesforce: SalesforceOrg | None = None) -> dict[str, object]:
    store = warehouse(settings)
    return {
        "salesforce": salesforce or salesforce_org(settings),
        "duckdb": store,
        "dbt": dbt_cli(store.dbt_target),
        "exports": ExportDir(path=str(settings.export_dir), personal_data=settings.export_personal_data),
    }


def build_defs(settings: Settings, *, salesforce: SalesforceOrg | None = None) -> dg.Definitions:
    """Everything Flywheel runs, for `settings` (and, in tests, a given `salesforce` resource)."""
    manifest = ensure_manifest()
    marts = published_marts(manifest)
    # On DuckDB one process runs the whole refresh: DuckDB takes one writer at a time, so parallel
    # steps would only queue on the `duckdb` pool, and the built-in sample org starts once per run.
    # On Spark each step is a process of its own (the gates of the raw tables and of the marts run
    # side by side, each reading the lake); see docs/spark.md.
    # a failed or gate-stopped run sends its one alert itself, however it was launched
    failure_alert = build_failure_hook(settings.alerts, settings.alert_ledger)
    adoption_refresh = dg.define_asset_job(
        JOB,
        selection=dg.AssetSelection.all() - dg.AssetSelection.assets(DIGEST_KEY),
        executor_def=dg.multiprocess_executor if settings.warehouse == "spark" else dg.in_process_executor,
        hooks={failure_alert},
        description=(
            "Extract from Salesforce, build and test the adoption models, gate them, publish the marts "
            "and the adoption report."
        ),
    )
    manager_digest = dg.define_asset_job(
        DIGEST_JOB,
        selection=dg.AssetSelection.assets(DIGEST_KEY),
        executor_def=dg.in_process_executor,
        hooks={failure_alert},
        description=(
            "Send each manager their own team's weekly digest from the newest good publication, once per team "
            "and week (FLYWHEEL_DIGEST=on), or write the messages under the export folder (preview). See docs/digest.md."
        ),
    )
    # Every schedule starts stopped, as Dagster expects: turn them on in the UI (Automation) or
    # with `dg launch`-style tooling. Times are UTC.
    daily_refresh = dg.ScheduleDefinition(
        name="daily_incremental_refresh",
        job=adoption_refresh,
        cron_schedule="0 5 * * *",
        execution_timezone="UTC",
        description="Every day at 05:00 UTC: read what changed since each object's watermark, rebuild, gate, publish.",
    )
    weekly_reconciliation = dg.ScheduleDefinition(
        name="weekly_full_reconciliation",
        job=adoption_refresh,
        cron_schedule="0 3 * * 0",
        execution_timezone="UTC",
        run_config={"ops": {EXTRACT_STEP: {"config": {"full_refresh": True}}}},
        description=(
            "Sundays at 03:00 UTC: read every record again, so records hard-deleted or purged from the "
            "recycle bin since the last read are marked deleted too."
        ),
    )
    weekly_digest = dg.ScheduleDefinition(
        name="weekly_manager_digest",
        job=manager_digest,
        cron_schedule=settings.digest.schedule,
        execution_timezone="UTC",
        description=(
            "Mondays at 07:00 UTC by default (FLYWHEEL_DIGEST_SCHEDULE): each manager's own team's digest from "
            "the newest good publication, once per team and week; a retry resends only what did not go out."
        ),
    )
    return dg.Definitions(
        assets=[salesforce_extract, build_absences_file(settings.absences_file), build_holidays_file(settings.holidays_file),
                build_adoption_models(manifest),
                build_data_docs(marts), build_marts_export(marts), adoption_report, build_manager_digest(settings)],
        asset_checks=build_quality_checks(mart_keys(manifest)),
        jobs=[adoption_refresh, manager_digest],
        schedules=[daily_refresh, weekly_reconciliation, weekly_digest],
        sensors=build_alert_sensors(settings, JOB),
        resources=resources(settings, salesforce),
    )


@dg.definitions
def defs() -> dg.Definitions:
    """The code location, from the environment's settings (and `.env`)."""
    return build_defs(Settings.from_env())
