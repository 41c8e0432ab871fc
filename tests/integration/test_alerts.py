"""Alerts delivered for real: a local HTTP receiver and a local SMTP server (aiosmtpd), both on
127.0.0.1, fed by the run's own failure hook and by the daemon's sensors (evaluated with Dagster's
sensor test harness on an instance with run history): one alert per failed run, whoever sends it,
and stale data announced once, and once when it recovers."""

import datetime as dt

import dagster as dg
import pytest
from conftest import sense

from pipelines.alerts.hook import build_failure_hook
from pipelines.alerts.sensors import build_alert_sensors
from pipelines.settings import Settings

SECRET = "Smtp-Passw0rd-9z9z9z"


@dg.asset
def raw_rows():
    return 1


@dg.asset_check(asset=raw_rows, blocking=True)
def rows_pass_gx_suite():
    return dg.AssetCheckResult(passed=False, description="3 of 12 expectations failed")


@dg.asset(deps=[raw_rows])
def marts():
    return 1


@dg.asset
def broken():
    raise RuntimeError("Lead: HTTP 401 INVALID_SESSION_ID")


def settings_with(tmp_path, **env) -> Settings:
    return Settings.from_env(env, dotenv=None, base=tmp_path)


def sensor(settings: Settings, name: str, **kwargs) -> dg.SensorDefinition:
    [found] = [s for s in build_alert_sensors(settings, "adoption_refresh", **kwargs) if s.name == name]
    return found


def run_and_sense(assets, sensor, instance, checks=()):
    result = dg.materialize([*assets, *checks], instance=instance, raise_on_error=False)
    sense(sensor, instance, result)
    return result


@pytest.fixture
def instance():
    with dg.instance_for_test() as instance:
        yield instance


def test_a_failed_step_sends_one_webhook_and_one_email(receiver, smtp, instance, tmp_path):
    url, received = receiver
    port, mails = smtp.port, smtp.mails
    settings = settings_with(tmp_path, FLYWHEEL_ALERT_WEBHOOK_URL=url, FLYWHEEL_ALERT_EMAIL_TO="ops@example.org",
                             FLYWHEEL_SMTP_HOST="127.0.0.1", FLYWHEEL_SMTP_PORT=str(port),
                             FLYWHEEL_UI_URL="http://127.0.0.1:3000")
    result = run_and_sense([broken], sensor(settings, "flywheel_failure_alert"), instance)
    assert len(received) == 1 and len(mails) == 1
    text = received[0]["text"]
    print(text)
    assert result.run_id in text and "failed at broken" in text
    assert "Lead: HTTP 401 INVALID_SESSION_ID" in text and "What to do" in text
    assert f"http://127.0.0.1:3000/runs/{result.run_id}" in text
    assert "Subject: Flywheel: run" in mails[0] and "INVALID_SESSION_ID" in mails[0]


def test_a_blocking_gate_is_named(receiver, instance, tmp_path):
    url, received = receiver
    settings = settings_with(tmp_path, FLYWHEEL_ALERT_WEBHOOK_URL=url)
    run_and_sense([raw_rows, marts], sensor(settings, "flywheel_failure_alert"), instance, checks=[rows_pass_gx_suite])
    assert len(received) == 1
    assert "gate rows_pass_gx_suite on raw_rows stopped run" in received[0]["text"]
    assert "3 of 12 expectations failed" in received[0]["text"]


def test_success_is_silent_unless_asked(receiver, instance, tmp_path):
    url, received = receiver
    run_and_sense([marts], sensor(settings_with(tmp_path, FLYWHEEL_ALERT_WEBHOOK_URL=url), "flywheel_success_alert"), instance)
    assert received == []
    asked = settings_with(tmp_path, FLYWHEEL_ALERT_WEBHOOK_URL=url, FLYWHEEL_ALERT_ON_SUCCESS="true")
    run_and_sense([marts], sensor(asked, "flywheel_success_alert"), instance)
    assert len(received) == 1 and "succeeded" in received[0]["text"]


def test_unreachable_channels_are_logged_and_leak_nothing(instance, tmp_path, caplog):
    settings = settings_with(tmp_path, FLYWHEEL_ALERT_WEBHOOK_URL="http://127.0.0.1:9/hook?token=" + SECRET,
                             FLYWHEEL_ALERT_EMAIL_TO="ops@example.org", FLYWHEEL_SMTP_HOST="127.0.0.1",
                             FLYWHEEL_SMTP_PORT="9", FLYWHEEL_SMTP_PASSWORD=SECRET, FLYWHEEL_SMTP_USERNAME="ops",
                             FLYWHEEL_ALERT_ON_SUCCESS="true")
    good = run_and_sense([marts], sensor(settings, "flywheel_success_alert"), instance)  # delivery fails: logged, not raised
    assert instance.get_run_by_id(good.run_id).status is dg.DagsterRunStatus.SUCCESS
    run_and_sense([broken], sensor(settings, "flywheel_failure_alert"), instance)
    warnings = {r.getMessage() for r in caplog.records if "could not be sent" in r.getMessage()}
    assert len(warnings) == 2  # webhook and email, each refused the same way both times
    assert all(SECRET not in w for w in warnings)


def test_the_runs_own_hook_alerts_once_and_the_sensor_then_stays_silent(receiver, instance, tmp_path):
    """A run launched without the daemon (`dg launch`, cron) alerts through the job's failure hook, once
    however many steps fail; the daemon's sensor, looking at the same run later, sends nothing more."""
    url, received = receiver
    settings = settings_with(tmp_path, FLYWHEEL_ALERT_WEBHOOK_URL=url)
    job = dg.define_asset_job("adoption_refresh", hooks={build_failure_hook(settings.alerts, settings.alert_ledger)},
                              executor_def=dg.in_process_executor)
    defs = dg.Definitions(assets=[raw_rows, marts, broken], asset_checks=[rows_pass_gx_suite], jobs=[job])
    result = defs.resolve_job_def("adoption_refresh").execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    assert len(received) == 1  # two steps failed (broken, the gate): one alert
    assert result.run_id in received[0]["text"]
    [record] = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    context = dg.build_run_status_sensor_context(
        sensor_name="flywheel_failure_alert", dagster_instance=instance, dagster_run=instance.get_run_by_id(result.run_id),
        dagster_event=record.dagster_event).for_run_failure()
    sensor(settings, "flywheel_failure_alert")(context)
    assert len(received) == 1
    assert (settings.alert_ledger / result.run_id).read_text().startswith("Flywheel: ")


class Clock:
    def __init__(self):
        self.now = dt.datetime.now(dt.timezone.utc)

    def __call__(self):
        return self.now


def test_stale_data_is_announced_once_and_its_end_once(receiver, instance, tmp_path):
    """The daemon's stale-data sensor on an instance with run history: quiet while runs succeed,
    one alert once none has for FLYWHEEL_STALE_AFTER_HOURS, one when a run succeeds again."""
    url, received = receiver
    settings = settings_with(tmp_path, FLYWHEEL_ALERT_WEBHOOK_URL=url, FLYWHEEL_STALE_AFTER_HOURS="36",
                             FLYWHEEL_UI_URL="http://127.0.0.1:3000")
    clock = Clock()
    stale = sensor(settings, "flywheel_stale_data_alert", clock=clock)
    job = dg.define_asset_job("adoption_refresh", executor_def=dg.in_process_executor)
    refresh = dg.Definitions(assets=[marts], jobs=[job]).resolve_job_def("adoption_refresh")
    first = refresh.execute_in_process(instance=instance)
    cursor = None

    def evaluate(hours_later: float) -> None:
        nonlocal cursor
        clock.now = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=hours_later)
        context = dg.build_sensor_context(instance=instance, cursor=cursor, sensor_name=stale.name)
        stale(context)
        cursor = context.cursor

    evaluate(1)
    assert received == []
    evaluate(37)
    assert len(received) == 1
    text = received[0]["text"]
    print(text)
    assert "no successful run of adoption_refresh for 37 h" in text and first.run_id in text
    assert "FLYWHEEL_STALE_AFTER_HOURS is 36" in text and "daemon" in text
    evaluate(60)
    assert len(received) == 1  # still stale: said once
    again = refresh.execute_in_process(instance=instance)
    evaluate(0.1)
    assert len(received) == 2
    print(received[1]["text"])
    assert "data fresh again" in received[1]["text"] and again.run_id in received[1]["text"]
    evaluate(1)
    assert len(received) == 2
