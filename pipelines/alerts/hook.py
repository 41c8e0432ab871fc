"""The run's own failure alert: a failure hook on every step of `adoption_refresh`, so a run that
fails or is stopped by a gate announces itself however it was launched (the daemon, `dg launch`
from a crontab, `flywheel run`, the UI), without waiting for the daemon's sensor. The first failed
step sends; the ledger keeps it to one alert per run (pipelines/alerts/run_failures.py)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.alerts.config import AlertSettings
from pipelines.alerts.run_failures import alert_failed_run


def build_failure_hook(alerts: AlertSettings, ledger: Path) -> dg.HookDefinition:
    @dg.failure_hook(name="flywheel_failure_alert_hook")
    def alert_on_failure(context: dg.HookContext) -> None:
        alert_failed_run(context.instance, context.run_id, alerts, ledger, context.log)

    return alert_on_failure
