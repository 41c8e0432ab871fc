"""The daemon's alert sensors, built from the settings: a failed run's alert when the run itself
did not send it (pipelines/alerts/run_failures.py), a success when asked for, and stale data.

Sensors are evaluated by the Dagster daemon (`flywheel ui` / `dg dev` run one; so does a
deployment). A run that fails sends its own alert through the job's failure hook
(pipelines/alerts/hook.py), so failures are announced without the daemon too; stale data needs it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import dagster as dg

from pipelines.alerts.message import fresh_again_alert, stale_alert, success_alert
from pipelines.alerts.run_failures import alert_failed_run
from pipelines.alerts.send import deliver
from pipelines.alerts.staleness import Watch, look
from pipelines.dbt.vars import run_vars
from pipelines.settings import Settings

# How often the daemon looks for stale data: the threshold is in hours.
STALE_CHECK_SECONDS = 600


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def last_success(instance: dg.DagsterInstance, job: str) -> tuple[str, dt.datetime] | None:
    """The newest successful run of `job` that published for real (what-if runs publish beside the
    real publication, so they refresh nothing): its id and when it ended."""
    records = instance.get_run_records(dg.RunsFilter(job_name=job, statuses=[dg.DagsterRunStatus.SUCCESS]), limit=50)
    ended = [(r.dagster_run.run_id, r.end_time) for r in records
             if r.end_time is not None and not run_vars(r.dagster_run.run_config)]
    if not ended:
        return None
    run_id, end = max(ended, key=lambda pair: pair[1])
    return run_id, dt.datetime.fromtimestamp(end, dt.timezone.utc)


def build_alert_sensors(settings: Settings, job: str,
                        clock: Callable[[], dt.datetime] = _utc_now) -> list[dg.SensorDefinition]:
    alerts, ledger = settings.alerts, settings.alert_ledger
    after = dt.timedelta(hours=settings.stale_after_hours)

    @dg.run_failure_sensor(name="flywheel_failure_alert", default_status=dg.DefaultSensorStatus.RUNNING,
                           description="Sends a failed run's one alert when the run did not send it itself "
                                       "(FLYWHEEL_ALERT_WEBHOOK_URL, FLYWHEEL_ALERT_EMAIL_TO).")
    def failure_alert_sensor(context: dg.RunFailureSensorContext) -> None:
        alert_failed_run(context.instance, context.dagster_run.run_id, alerts, ledger, context.log)

    @dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, name="flywheel_success_alert",
                          default_status=dg.DefaultSensorStatus.RUNNING,
                          description="With FLYWHEEL_ALERT_ON_SUCCESS=true, says so when a run succeeds.")
    def success_alert_sensor(context: dg.RunStatusSensorContext) -> None:
        if not alerts.on_success or not alerts.any_channel:
            return
        run = context.dagster_run
        deliver(alerts, success_alert(run.job_name, run.run_id, ui_url=alerts.ui_url))

    @dg.sensor(name="flywheel_stale_data_alert", minimum_interval_seconds=STALE_CHECK_SECONDS,
               default_status=dg.DefaultSensorStatus.RUNNING,
               description=f"One alert when no run of {job} has succeeded for FLYWHEEL_STALE_AFTER_HOURS "
                           f"({settings.stale_after_hours:g}), and one when a run succeeds again.")
    def stale_data_sensor(context: dg.SensorEvaluationContext) -> dg.SkipReason:
        now = clock()
        before = Watch.from_cursor(context.cursor, now)
        success = last_success(context.instance, job)
        change, watch = look(before, success[1] if success else None, now, after)
        context.update_cursor(watch.to_cursor())
        if change is None:
            state = f"stale since {watch.stale_since:%Y-%m-%d %H:%M} UTC" if watch.stale_since else "fresh"
            return dg.SkipReason(f"Data {state}; nothing to announce.")
        if change == "stale":
            alert = stale_alert(job, settings.stale_after_hours, success, watch.watching_since, now, ui_url=alerts.ui_url)
        else:
            run_id, ended = success  # a fresh change needs a success
            alert = fresh_again_alert(job, run_id, ended, before.stale_since, ui_url=alerts.ui_url)
        reached = deliver(alerts, alert) if alerts.any_channel else []
        return dg.SkipReason(f"{alert.subject} (sent by {', '.join(reached) or 'no channel'}).")

    return [failure_alert_sensor, success_alert_sensor, stale_data_sensor]
