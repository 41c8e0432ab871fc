"""A whole run on an org that does not list the optional objects (OutOfOffice, LeadHistory, and
the objects that decide who is measured): normal, never an error.

One run of an org without all six holds what two runs (one without OutOfOffice and LeadHistory,
one without UserLogin, Profile, UserLicense and LeadStatus) held before: each rule reads one of
them at most, so their absences do not meet.
"""

import dagster as dg
import duckdb
import pytest
from conftest import run_pipeline

pytestmark = [pytest.mark.slow, pytest.mark.scenario_runs]  # runs the whole job; the long tier

ABSENCE_OBJECTS = {"OutOfOffice": "out_of_office", "LeadHistory": "lead_history"}
SCOPE_OBJECTS = {"UserLogin": "user_login", "Profile": "profile", "UserLicense": "user_license",
                 "LeadStatus": "lead_status"}


def test_a_run_on_an_org_without_the_optional_objects_does_without_them_publishes_and_says_why(
        org, tmp_path, monkeypatch):
    """An org may not have Out of Office or field history turned on; an integration user without
    "Manage Users" cannot read UserLogin, and an org may keep Profile, UserLicense and LeadStatus
    from it. Each rule that needs one does without (nobody is known to be frozen or on a Platform
    licence, the initial lead statuses are lead_initial_statuses alone, a lead's age counts from its
    creation), the run publishes and says which objects it could not read."""
    for name in (*ABSENCE_OBJECTS, *SCOPE_OBJECTS):
        org.shape.refuse_object(name)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
    result = run_pipeline(org, tmp_path / "flywheel.duckdb", tmp_path / "exports")
    assert result.success
    for table in (*ABSENCE_OBJECTS.values(), *SCOPE_OBJECTS.values()):
        [event] = [e for e in result.get_asset_materialization_events()
                   if e.asset_key == dg.AssetKey(["raw_salesforce", table])]
        in_org = event.step_materialization_data.materialization.metadata["in_org"].value
        assert "the org's describe does not list" in in_org and "normal" in in_org, table
    checks = {(c.asset_key.path[-1], c.check_name): c.passed for c in result.get_asset_check_evaluations()}
    assert checks[("out_of_office", "source_freshness")] and checks[("lead_history", "source_freshness")]
    persona = {t["user_id"]: t["persona"] for t in org.generated.ground_truth.to_pylist()}
    with duckdb.connect(str(tmp_path / "flywheel.duckdb"), read_only=True) as con:
        sources = {s for (s,) in con.execute(
            "SELECT DISTINCT unnest(string_split(sources, ', ')) FROM marts.user_absences").fetchall()}
        reasons = con.execute("SELECT user_id, exclusion_reason FROM marts.excluded_users").fetchall()
        flagged = {(persona[u], f) for u, f in con.execute("SELECT user_id, flag FROM marts.silent_non_use").fetchall()}
    excluded = {persona[u]: r for u, r in reasons}
    # the Out of Office entries are not there to read; the events, the absences file and the holidays are
    assert sources == {"absences_file", "out_of_office_event", "holiday", "holidays_file"}
    # without owner history a lead's age counts from its creation: old leads handed over two days
    # ago look neglected, as the contract says they must without LeadHistory
    assert ("handed_leads_recent", "neglected_leads") in flagged
    assert "frozen_leaver" not in excluded and ("frozen_leaver", "dormant") in flagged  # what UserLogin would have said
    assert "frozen" not in excluded.values()
    # the Platform user who logs tasks is measured without the licence; the one who records nothing is
    # still out, by the data rule; the integration accounts are found by their logins alone
    assert [r for u, r in reasons if persona[u] == "platform_user"] == ["not_in_sales_scope"]
    assert excluded["support_agent"] == "not_in_sales_scope"
    assert excluded["integration_browser"] == excluded["integration_licence"] == "integration_user"
    assert ("new_status_neglecter", "neglected_leads") not in flagged  # its leads sit in the org's renamed default
