"""The failure alert of one run, read from the run's own event log, sent once.

The same function serves every way a run can end up failed: the run's failure hook (every launch
of `adoption_refresh`: the daemon's schedules, `dg launch`, `flywheel run`, the UI), the daemon's
run-failure sensor (runs the hook never saw: an asset selection, a killed run worker) and `flywheel
run` after a failed launch. The ledger (pipelines/alerts/ledger.py) lets exactly one of them send.
"""

from __future__ import annotations

import logging
from pathlib import Path

import dagster as dg

from pipelines.alerts.config import AlertSettings
from pipelines.alerts.ledger import claim, record
from pipelines.alerts.message import FailedCheck, failure_alert
from pipelines.alerts.send import deliver
from pipelines.dbt.vars import run_vars, what_if_name


def failed_blocking_checks(instance: dg.DagsterInstance, run_id: str) -> list[FailedCheck]:
    """The blocking asset checks that failed in the run, from its event log."""
    records = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    checks = []
    for record_ in records:
        evaluation = record_.dagster_event.event_specific_data
        if evaluation.passed or not getattr(evaluation, "blocking", False):
            continue
        checks.append(FailedCheck(evaluation.asset_key.to_user_string(), evaluation.check_name,
                                  evaluation.description or "the check failed"))
    return checks


def step_failure_reason(event: dg.DagsterEvent) -> str:
    """The user's exception (the innermost cause), not Dagster's wrapper around it; a `dg.Failure`
    (a message written for people) without its class name."""
    error = event.step_failure_data.error if event.step_failure_data else None
    while error is not None and error.cause is not None:
        error = error.cause
    if error is None:
        return "no message"
    first = (error.message.strip().splitlines() or ["no message"])[0]
    return first.split(": ", 1)[-1] if error.cls_name == "Failure" else first


def failed_steps(instance: dg.DagsterInstance, run_id: str) -> list[tuple[str, str]]:
    """(step, reason) of every step that failed in the run so far."""
    records = instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
    return [(r.step_key or "run", step_failure_reason(r.dagster_event)) for r in records]


def alert_failed_run(instance: dg.DagsterInstance, run_id: str, settings: AlertSettings, ledger: Path,
                     log: logging.Logger | dg.DagsterLogManager) -> list[str]:
    """Send the run's failure alert unless another sender already did; the channels it reached."""
    if not settings.any_channel:
        return []
    if not claim(ledger, run_id):
        log.info(f"The failure alert for run {run_id} was sent already (ledger {ledger}).")
        return []
    run = instance.get_run_by_id(run_id)
    alert = failure_alert(run.job_name, run_id, failed_steps(instance, run_id), failed_blocking_checks(instance, run_id),
                          ui_url=settings.ui_url, secrets=settings.secrets(),
                          what_if=what_if_name(run_vars(run.run_config)))
    reached = deliver(settings, alert)
    record(ledger, run_id, f"{alert.subject} (sent by {', '.join(reached) or 'no channel'})")
    log.info(f"Alert for run {run_id} sent by {', '.join(reached) or 'no channel (see warnings)'}.")
    return reached
