"""The Dagster code location: every asset, resource and job of Flywheel."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from pipelines import settings
from pipelines.assets.absences import absences_file
from pipelines.assets.checks import quality_checks
from pipelines.assets.extract import EXTRACT_STEP, salesforce_extract
from pipelines.assets.models import adoption_models
from pipelines.assets.publish import marts_export
from pipelines.assets.quality import data_docs
from pipelines.assets.report import adoption_report
from pipelines.dbt_project import dbt_project
from pipelines.exports import ExportDir
from pipelines.salesforce.resource import salesforce_resource_from_env
from pipelines.warehouse import DuckDBWarehouse

# One process runs the whole refresh: DuckDB takes one writer at a time, so parallel steps
# would only queue on the `duckdb` pool, and the built-in sample org starts once per run.
adoption_refresh = dg.define_asset_job(
    "adoption_refresh",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description=(
        "Extract from Salesforce, build and test the adoption models, gate them, publish the marts "
        "and the adoption report."
    ),
)

# Both schedules start stopped, as Dagster expects: turn them on in the UI (Automation) or with
# `dagster schedule start`. Times are UTC.
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

_database = settings.duckdb_path()

defs = dg.Definitions(
    assets=[salesforce_extract, absences_file, adoption_models, data_docs, marts_export, adoption_report],
    asset_checks=quality_checks,
    jobs=[adoption_refresh],
    schedules=[daily_refresh, weekly_reconciliation],
    resources={
        "salesforce": salesforce_resource_from_env(
            sample_ground_truth_path=str(_database.parent / "sample_org_ground_truth.jsonl")
        ),
        "duckdb": DuckDBWarehouse(database=str(_database)),
        "dbt": DbtCliResource(project_dir=dbt_project),
        "exports": ExportDir(path=str(settings.export_dir()), personal_data=settings.export_personal_data()),
    },
)
