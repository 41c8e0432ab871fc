"""Alerts for every way a run is started: `flywheel run` (as a crontab starts it, no daemon
anywhere) stopped by the org's API quota sends its one alert to a real local webhook receiver,
and the daemon's failure sensor, shown the same run afterwards, sends nothing more."""

import os
import subprocess
import sys

import dagster as dg
import pytest

from pipelines.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.scenario_runs]  # a whole `flywheel run` (it stops early, at the extract); the long tier


def test_a_quota_stopped_flywheel_run_alerts_once(org, tmp_path, receiver):
    url, received = receiver
    org.faults.rate_limit_after(2)  # the describe call, then REQUEST_LIMIT_EXCEEDED
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SALESFORCE_", "FLYWHEEL_", "DAGSTER_HOME"))}
    env.update(SALESFORCE_INSTANCE_URL=org.url, SALESFORCE_ACCESS_TOKEN=org.issue_token(),
               REQUESTS_CA_BUNDLE=str(org.ca_file), FLYWHEEL_ALERT_WEBHOOK_URL=url)
    done = subprocess.run([sys.executable, "-m", "pipelines.cli.main", "run"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    print(done.stdout, done.stderr[-3000:])
    assert done.returncode != 0
    assert "FAILED extract_salesforce: " in done.stdout and "REQUEST_LIMIT_EXCEEDED" in done.stdout
    assert "Not executing" not in done.stdout and "  not run: " in done.stdout  # said once, not per step
    assert len(done.stdout.splitlines()) < 20
    assert len(received) == 1
    text = received[0]["text"]
    print(text)
    assert "failed at extract_salesforce" in text and "REQUEST_LIMIT_EXCEEDED" in text
    assert "Not synced in this run, watermark unchanged: User, LoginHistory" in text
    [log] = (tmp_path / "data" / "logs").glob("flywheel-run-*.log")  # the whole log, named on the terminal
    assert str(log) in done.stdout and "STEP_FAILURE" in log.read_text()

    settings = Settings.from_env({"FLYWHEEL_ALERT_WEBHOOK_URL": url}, dotenv=None, base=tmp_path)
    from pipelines.alerts.sensors import build_alert_sensors

    [failure_sensor] = [s for s in build_alert_sensors(settings, "adoption_refresh") if s.name == "flywheel_failure_alert"]
    with dg.DagsterInstance.from_config(str(tmp_path / "dagster_home")) as instance:
        [run] = instance.get_runs()
        [record] = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
        context = dg.build_run_status_sensor_context(sensor_name=failure_sensor.name, dagster_instance=instance,
                                                     dagster_run=run, dagster_event=record.dagster_event)
        failure_sensor(context.for_run_failure())
    assert len(received) == 1  # the daemon, had it run, would have sent nothing more
    assert run.run_id in text
