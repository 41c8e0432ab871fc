"""The `manager_digest` asset: each manager's own team, once a week (see pipelines/digest/ and
docs/digest.md). Its own job and schedule run it, never adoption_refresh."""

import datetime as dt
from pathlib import Path

import dagster as dg

from pipelines.assets.extract import DUCKDB_POOL, REVOPS
from pipelines.digest.destinations import Contact, read_contacts
from pipelines.digest.ledger import delivery_week
from pipelines.digest.run import run_digest
from pipelines.settings import Settings
from pipelines.storage.exports import ExportDir
from pipelines.storage.warehouse import DuckDBWarehouse

DIGEST_KEY = dg.AssetKey(["publish", "manager_digest"])
DIGEST_JOB = "manager_digest"
SCHEDULED_AT_TAG = "dagster/scheduled_execution_time"


class DigestNotDelivered(Exception):
    """Some team's digest could not be delivered: the run fails, so the failure alert says which."""


def when(tags: dict[str, str]) -> dt.datetime:
    """The moment the run stands for: its schedule tick (a retry keeps its tick's week), else now."""
    scheduled = tags.get(SCHEDULED_AT_TAG)
    return dt.datetime.fromisoformat(scheduled) if scheduled else dt.datetime.now(dt.timezone.utc)


def build_manager_digest(settings: Settings) -> dg.AssetsDefinition:
    """The digest asset for `settings.digest` (the mode, scope, override file, SMTP server)."""
    digest = settings.digest

    @dg.asset(
        key=DIGEST_KEY,
        deps=[dg.AssetKey(["publish", "marts_export"]), dg.AssetKey(["publish", "adoption_report"])],
        group_name="publish",
        owners=[REVOPS],
        kinds={"email"},
        # it reads the managers' addresses from the working database: one DuckDB user at a time
        pool=DUCKDB_POOL,
        description=(
            "Each manager's own team, from the newest good publication: wins, who is silent and why, who is "
            "away, the weakest CASEI pillar, the manager's own score beside the team's. Sent to User.Email "
            "(or the override file's addresses and webhooks) once per team and week with FLYWHEEL_DIGEST=on, "
            "written under FLYWHEEL_EXPORT_DIR/digest/preview with FLYWHEEL_DIGEST=preview."
        ),
    )
    def manager_digest(context: dg.AssetExecutionContext, duckdb: DuckDBWarehouse,
                       exports: ExportDir) -> dg.MaterializeResult:
        if digest.mode == "off":
            context.log.warning("FLYWHEEL_DIGEST is off: no digest written or sent (set it to on or preview).")
            return dg.MaterializeResult(metadata={"mode": "off"})
        def contacts() -> dict[str, Contact]:
            with duckdb.get_connection() as con:
                return read_contacts(con)

        outcome = run_digest(
            digest, export_dir=Path(exports.path), contacts=contacts, ledger_path=settings.digest_ledger_path,
            week=delivery_week(when(context.run.tags)), run_id=context.run_id,
            personal_data=exports.personal_data, log=context.log.info,
        )
        for reason in outcome.not_routed:
            context.log.warning(f"Not sent, team {reason}.")
        problem = outcome.failure()
        if problem:
            raise DigestNotDelivered(problem)
        return dg.MaterializeResult(metadata=outcome.metadata())

    return manager_digest
