"""The alert's words, as a pure function."""

import datetime as dt

from pipelines.alerts.message import FailedCheck, failure_alert, fresh_again_alert, stale_alert, success_alert
from pipelines.settings import Settings

RUN = "c4cf32ef-9590-4206-bae5-bb9209fa4307"


def test_a_failed_step_names_run_step_reason_and_what_to_do():
    alert = failure_alert("adoption_refresh", RUN, [("extract_salesforce", "Lead: HTTP 401 INVALID_SESSION_ID")])
    assert alert.subject == "Flywheel: run c4cf32ef of adoption_refresh failed at extract_salesforce"
    assert RUN in alert.text and "Lead: HTTP 401 INVALID_SESSION_ID" in alert.text
    assert "What to do" in alert.text and "Run: " not in alert.text


def test_a_blocking_gate_is_named_as_the_cause_with_a_link():
    checks = [FailedCheck("marts/silent_non_use", "rows_pass_gx_suite", "3 of 12 expectations failed")]
    alert = failure_alert("adoption_refresh", RUN, [("marts_gate", "check failed")], checks,
                          ui_url="http://127.0.0.1:3000/")
    assert "gate rows_pass_gx_suite on marts/silent_non_use stopped run c4cf32ef" in alert.subject
    assert "3 of 12 expectations failed" in alert.text and "nothing was published" in alert.text
    assert f"Run: http://127.0.0.1:3000/runs/{RUN}" in alert.text


def test_no_secret_survives_in_a_message():
    secret = "S3cr3t-T0ken-abcdef"
    alert = failure_alert("adoption_refresh", RUN, [("extract_salesforce", f"login failed for {secret}")],
                          [], secrets=[secret])
    assert secret not in alert.subject + alert.text


def test_alert_settings_are_read_with_every_other_setting(tmp_path):
    settings = Settings.from_env({"FLYWHEEL_ALERT_EMAIL_TO": "a@x.org, b@x.org", "FLYWHEEL_SMTP_HOST": "mail",
                                  "FLYWHEEL_SMTP_PASSWORD": "pw-123456", "FLYWHEEL_ALERT_ON_SUCCESS": "true"},
                                 dotenv=None, base=tmp_path)
    s = settings.alerts
    assert s.email_to == ("a@x.org", "b@x.org") and s.email and s.on_success and s.smtp_port == 587
    assert s.email_from == "a@x.org" and s.any_channel and not s.webhook_url
    assert "pw-123456" not in repr(s) and "pw-123456" not in repr(settings)
    none = Settings.from_env({}, dotenv=None, base=tmp_path).alerts
    assert not none.email and not none.on_success and not none.any_channel


def test_a_what_if_run_is_named_as_one():
    alert = failure_alert("adoption_refresh", RUN, [("adoption_models", "dbt failed")], what_if="dormant_days=21")
    assert "run c4cf32ef of adoption_refresh (what-if dormant_days=21) failed" in alert.subject


NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.timezone.utc)


def test_stale_data_says_since_when_and_what_to_do():
    ended = NOW - dt.timedelta(hours=40)
    alert = stale_alert("adoption_refresh", 36, (RUN, ended), NOW - dt.timedelta(days=9), NOW,
                        ui_url="http://127.0.0.1:3000")
    assert alert.subject == "Flywheel: no successful run of adoption_refresh for 40 h"
    assert "ended 2026-12-01 20:00 UTC, 40 h ago (FLYWHEEL_STALE_AFTER_HOURS is 36)" in alert.text
    assert "daily_incremental_refresh" in alert.text and "daemon" in alert.text
    assert f"http://127.0.0.1:3000/runs/{RUN}" in alert.text
    never = stale_alert("adoption_refresh", 36, None, NOW - dt.timedelta(hours=37), NOW)
    assert "no successful run of adoption_refresh yet, 37 h after" in never.subject


def test_fresh_again_names_the_run_and_how_long_it_was_stale():
    alert = fresh_again_alert("adoption_refresh", RUN, NOW, NOW - dt.timedelta(hours=50))
    assert "data fresh again" in alert.subject and RUN in alert.text and "after 50 h" in alert.text


def test_success_message():
    assert "succeeded" in success_alert("adoption_refresh", RUN).text
