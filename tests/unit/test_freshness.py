import datetime as dt
from pathlib import Path

from pipelines.dbt.project import dbt_project
from pipelines.quality.freshness import Freshness, source_freshness

NOW = dt.datetime(2026, 11, 24, 12)


def test_rules_come_from_the_dbt_sources():
    rules = source_freshness(Path(dbt_project.manifest_path))
    assert set(rules) == {"user", "login_history", "lead", "opportunity", "task", "event", "opportunity_history",
                          "out_of_office", "lead_history", "holiday", "organization", "user_login", "profile",
                          "user_license", "lead_status"}  # not the sync state itself
    assert rules["lead"].loaded_at_field == "_flywheel_synced_at"
    assert (rules["lead"].warn_after, rules["lead"].error_after) == (dt.timedelta(days=2), dt.timedelta(days=7))


def test_fresh_then_warn_then_error():
    rule = Freshness("lead", "_flywheel_synced_at", dt.timedelta(days=2), dt.timedelta(days=7))
    assert rule.verdict(NOW - dt.timedelta(days=1), NOW) == "pass"
    assert rule.verdict(NOW - dt.timedelta(days=3), NOW) == "warn"
    assert rule.verdict(NOW - dt.timedelta(days=8), NOW) == "error"
    assert rule.verdict(None, NOW) == "error"  # never synced
