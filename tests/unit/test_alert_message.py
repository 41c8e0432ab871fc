"""The alert's words, as a pure function."""

from pipelines.alerts.config import alert_settings
from pipelines.alerts.message import FailedCheck, failure_alert, success_alert

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


def test_settings_from_an_env_mapping():
    s = alert_settings({"FLYWHEEL_ALERT_EMAIL_TO": "a@x.org, b@x.org", "FLYWHEEL_SMTP_HOST": "mail",
                        "FLYWHEEL_SMTP_PASSWORD": "pw-123456", "FLYWHEEL_ALERT_ON_SUCCESS": "true"})
    assert s.email_to == ("a@x.org", "b@x.org") and s.email and s.on_success and s.smtp_port == 587
    assert "pw-123456" not in repr(s)
    assert not alert_settings({}).email and not alert_settings({}).on_success


def test_success_message():
    assert "succeeded" in success_alert("adoption_refresh", RUN).text
