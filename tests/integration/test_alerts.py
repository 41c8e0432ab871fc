"""Alerts delivered for real: a local HTTP receiver and a local SMTP server (aiosmtpd), both on
127.0.0.1, fed by the run status sensors after real runs on a Dagster instance."""

import dagster as dg
import pytest
from conftest import sense

from pipelines.alerts.sensors import failure_alert_sensor, success_alert_sensor

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


def run_and_sense(assets, sensor, instance, checks=()):
    result = dg.materialize([*assets, *checks], instance=instance, raise_on_error=False)
    sense(sensor, instance, result)
    return result


@pytest.fixture
def instance():
    with dg.instance_for_test() as instance:
        yield instance


def test_a_failed_step_sends_one_webhook_and_one_email(receiver, smtp, instance, monkeypatch):
    url, received = receiver
    mails = smtp.mails
    monkeypatch.setenv("FLYWHEEL_ALERT_WEBHOOK_URL", url)
    monkeypatch.setenv("FLYWHEEL_ALERT_EMAIL_TO", "ops@example.org")
    monkeypatch.setenv("FLYWHEEL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FLYWHEEL_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("FLYWHEEL_UI_URL", "http://127.0.0.1:3000")
    result = run_and_sense([broken], failure_alert_sensor, instance)
    assert len(received) == 1 and len(mails) == 1
    text = received[0]["text"]
    print(text)
    assert result.run_id in text and "failed at broken" in text
    assert "Lead: HTTP 401 INVALID_SESSION_ID" in text and "What to do" in text
    assert f"http://127.0.0.1:3000/runs/{result.run_id}" in text
    assert "Subject: Flywheel: run" in mails[0] and "INVALID_SESSION_ID" in mails[0]


def test_a_blocking_gate_is_named(receiver, instance, monkeypatch):
    url, received = receiver
    monkeypatch.setenv("FLYWHEEL_ALERT_WEBHOOK_URL", url)
    run_and_sense([raw_rows, marts], failure_alert_sensor, instance, checks=[rows_pass_gx_suite])
    assert len(received) == 1
    assert "gate rows_pass_gx_suite on raw_rows stopped run" in received[0]["text"]
    assert "3 of 12 expectations failed" in received[0]["text"]


def test_success_is_silent_unless_asked(receiver, instance, monkeypatch):
    url, received = receiver
    monkeypatch.setenv("FLYWHEEL_ALERT_WEBHOOK_URL", url)
    run_and_sense([marts], success_alert_sensor, instance)
    assert received == []
    monkeypatch.setenv("FLYWHEEL_ALERT_ON_SUCCESS", "true")
    run_and_sense([marts], success_alert_sensor, instance)
    assert len(received) == 1 and "succeeded" in received[0]["text"]


def test_unreachable_channels_are_logged_and_leak_nothing(instance, monkeypatch, caplog):
    monkeypatch.setenv("FLYWHEEL_ALERT_WEBHOOK_URL", "http://127.0.0.1:9/hook?token=" + SECRET)
    monkeypatch.setenv("FLYWHEEL_ALERT_EMAIL_TO", "ops@example.org")
    monkeypatch.setenv("FLYWHEEL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FLYWHEEL_SMTP_PORT", "9")
    monkeypatch.setenv("FLYWHEEL_SMTP_PASSWORD", SECRET)
    monkeypatch.setenv("FLYWHEEL_SMTP_USERNAME", "ops")
    monkeypatch.setenv("FLYWHEEL_ALERT_ON_SUCCESS", "true")
    good = run_and_sense([marts], success_alert_sensor, instance)  # delivery fails: logged, not raised
    assert instance.get_run_by_id(good.run_id).status is dg.DagsterRunStatus.SUCCESS
    run_and_sense([broken], failure_alert_sensor, instance)
    warnings = {r.getMessage() for r in caplog.records if "could not be sent" in r.getMessage()}
    assert len(warnings) == 2  # webhook and email, each refused the same way both times
    assert all(SECRET not in w for w in warnings)
