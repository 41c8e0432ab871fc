"""Dagster's run status sensors that send the alerts: exactly one message per failed run (a
sensor's cursor moves past each run once), and one per success when asked for.

Sensors are evaluated by the Dagster daemon (`dg dev` runs one; so does a deployment).
"""

from __future__ import annotations

import os

import dagster as dg

from pipelines.alerts.config import alert_settings
from pipelines.alerts.message import FailedCheck, failure_alert, success_alert
from pipelines.alerts.send import deliver


def failed_blocking_checks(instance: dg.DagsterInstance, run_id: str) -> list[FailedCheck]:
    """The blocking asset checks that failed in the run, from its event log."""
    records = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    checks = []
    for record in records:
        evaluation = record.dagster_event.event_specific_data
        if evaluation.passed or not getattr(evaluation, "blocking", False):
            continue
        checks.append(FailedCheck(evaluation.asset_key.to_user_string(), evaluation.check_name,
                                  evaluation.description or "the check failed"))
    return checks


def _reason(event: dg.DagsterEvent) -> str:
    """The user's exception (the innermost cause), not Dagster's wrapper around it."""
    error = event.step_failure_data.error if event.step_failure_data else None
    while error is not None and error.cause is not None:
        error = error.cause
    return (error.message.strip().splitlines() or ["no message"])[0] if error else "no message"


@dg.run_failure_sensor(name="flywheel_failure_alert", default_status=dg.DefaultSensorStatus.RUNNING,
                       description="Sends one alert per failed run (FLYWHEEL_ALERT_WEBHOOK_URL, FLYWHEEL_ALERT_EMAIL_TO).")
def failure_alert_sensor(context: dg.RunFailureSensorContext) -> None:
    settings = alert_settings(os.environ)
    if not (settings.webhook_url or settings.email):
        return
    run = context.dagster_run
    steps = [(e.step_key or "run", _reason(e)) for e in context.get_step_failure_events()]
    alert = failure_alert(run.job_name, run.run_id, steps, failed_blocking_checks(context.instance, run.run_id),
                          ui_url=settings.ui_url, secrets=settings.secrets())
    reached = deliver(settings, alert)
    context.log.info(f"Alert for run {run.run_id} sent by {', '.join(reached) or 'no channel (see warnings)'}.")


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, name="flywheel_success_alert",
                      default_status=dg.DefaultSensorStatus.RUNNING,
                      description="With FLYWHEEL_ALERT_ON_SUCCESS=true, says so when a run succeeds.")
def success_alert_sensor(context: dg.RunStatusSensorContext) -> None:
    settings = alert_settings(os.environ)
    if not settings.on_success or not (settings.webhook_url or settings.email):
        return
    run = context.dagster_run
    deliver(settings, success_alert(run.job_name, run.run_id, ui_url=settings.ui_url))


ALERT_SENSORS = [failure_alert_sensor, success_alert_sensor]
