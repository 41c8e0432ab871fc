"""A whole run on an org that does not list OutOfOffice or LeadHistory: normal, never an error."""

import dagster as dg
import duckdb
import pytest
from conftest import run_pipeline

pytestmark = pytest.mark.slow  # runs the whole job


def test_a_run_on_an_org_without_out_of_office_or_lead_history_publishes_and_says_why(org, tmp_path, monkeypatch):
    for name in ("OutOfOffice", "LeadHistory"):
        org.shape.refuse_object(name)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
    result = run_pipeline(org, tmp_path / "flywheel.duckdb", tmp_path / "exports")
    assert result.success
    for table in ("out_of_office", "lead_history"):
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
        flagged = {(persona[u], f) for u, f in con.execute("SELECT user_id, flag FROM marts.silent_non_use").fetchall()}
    # the Out of Office entries are not there to read; the events and the absences file are
    assert sources == {"absences_file", "out_of_office_event"}
    # without owner history a lead's age counts from its creation: old leads handed over two days
    # ago look neglected, as the contract says they must without LeadHistory
    assert ("handed_leads_recent", "neglected_leads") in flagged
