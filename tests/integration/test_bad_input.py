"""Bad input from Salesforce: a clear error naming the object and the call, nothing stored, no
watermark moved, and the next good run complete; or, for odd but valid values, stored exactly."""

import re

import dagster as dg
import duckdb
import pytest
from conftest import run_pipeline, small_org_records, sync_object

from pipelines.assets.extract import GROUP as EXTRACT_GROUP
from pipelines.extract.raw_store import MalformedValue
from pipelines.salesforce.client import SalesforceApiError
from pipelines.salesforce.objects import OBJECTS_BY_NAME
from pipelines.sample_org.org import SampleOrg

pytestmark = pytest.mark.slow  # runs the whole job (or dbt build): not in the fast tier

TASKS, OPPORTUNITIES = OBJECTS_BY_NAME["Task"], OBJECTS_BY_NAME["Opportunity"]


def snapshot(con, spec):
    rows = con.execute(f'SELECT * EXCLUDE (_flywheel_synced_at) FROM raw_salesforce.{spec.table} ORDER BY "Id"').fetchall()
    state = con.execute("SELECT * FROM raw_salesforce._sync_state WHERE object_name = ?", [spec.name]).fetchall()
    return rows, state


@pytest.mark.parametrize(
    ("inject", "says"),
    [
        (lambda f: f.html_maintenance_on_call(3, status=200), "the answer was not JSON (HTTP 200, text/html"),
        (lambda f: f.truncated_json_on_call(3), "the answer was not JSON (HTTP 200, application/json"),
        (lambda f: f.error_body_on_call(3), "an error body came with HTTP 200 (UNKNOWN_EXCEPTION)"),
    ],
    ids=["html page with 200", "truncated json", "error body with 200"],
)
def test_a_broken_page_fails_naming_object_and_call_and_moves_nothing(org, client, warehouse, inject, says):
    sync_object(client, warehouse, TASKS, batch_size=200)
    before = snapshot(warehouse, TASKS)
    changed = [r["Id"] for r in org.store.records("Task")][:450]
    org.store.upsert("Task", [{"Id": i, "Subject": "Follow-up call"} for i in changed])

    inject(org.faults)  # describe, the first page, then the call with the next pages is broken
    with pytest.raises(SalesforceApiError, match=rf"Salesforce queryAll \(Composite\) for Task failed: {re.escape(says)}"):
        sync_object(client, warehouse, TASKS, batch_size=200)
    assert snapshot(warehouse, TASKS) == before  # no row, no watermark moved

    report = sync_object(client, warehouse, TASKS, batch_size=200)
    assert report.rows_changed == len(changed)
    ids = [i for (i,) in warehouse.execute('SELECT "Id" FROM raw_salesforce.task').fetchall()]
    assert len(ids) == len(set(ids)) == len(org.store.records("Task", include_deleted=True))


def test_a_date_in_another_format_names_object_field_record_and_value(org, client, warehouse):
    org.faults.wrong_value("Opportunity", "CloseDate", "11/03/2026")
    with pytest.raises(MalformedValue, match=r"Opportunity\.CloseDate of record 006\w+ holds '11/03/2026'"):
        sync_object(client, warehouse, OPPORTUNITIES)
    assert warehouse.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw_salesforce' AND table_name = 'opportunity'"
    ).fetchone()[0] == 0 or snapshot(warehouse, OPPORTUNITIES) == ([], [])


LONG_TEXT = "Notes from the call. " * 4762  # 100,002 characters
UNICODE = "Zürich Ærø — 株式会社 ☕ 🚀👩🏽‍💻"
STRANGER = "0055g00000ZZZZZAAA"  # an owner that is not in User


@pytest.fixture(scope="module")
def odd_org_run(tmp_path_factory):
    """An org with odd records (a 100,000-character text, Unicode, an orphaned deal, a null
    relationship) loaded by a first run (extract only, Lead's LeadSource hidden); then LeadSource
    shows, Phone is hidden and a lead changes, and the whole job runs on the same database. The two
    tests below read the same runs."""
    folder = tmp_path_factory.mktemp("odd")
    database, exports = folder / "flywheel.duckdb", folder / "exports"
    with SampleOrg.from_generated(small_org_records()) as org, pytest.MonkeyPatch.context() as env:
        env.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
        task, opportunity = (org.store.records(n)[0]["Id"] for n in ("Task", "Opportunity"))
        changed, lead = (r["Id"] for r in org.store.records("Lead")[:2])
        rep = next(u for u in org.store.records("User") if u["ManagerId"] and u["UserRoleId"])
        org.store.upsert("Task", [{"Id": task, "Subject": LONG_TEXT}])
        org.store.upsert("Lead", [{"Id": lead, "Company": UNICODE, "LastName": "Ødegård 🙂"}])
        org.store.upsert("Opportunity", [{"Id": opportunity, "OwnerId": STRANGER}])
        org.store.upsert("User", [{"Id": rep["Id"], "UserRoleId": None}])  # a null relationship
        org.shape.hide_field("Lead", "LeadSource")
        # the first load, extract only: the run that meets the fields' changes is the whole job
        first = run_pipeline(org, database, exports, selection=dg.AssetSelection.groups(EXTRACT_GROUP))
        assert first.success

        org.shape.show_field("Lead", "LeadSource")  # added to the org
        org.shape.hide_field("Lead", "Phone")  # removed from it
        org.store.upsert("Lead", [{"Id": changed, "Status": "Working - Contacted"}])
        result = run_pipeline(org, database, exports)
    return result, database, dict(task=task, lead=lead, opportunity=opportunity, rep=rep["Id"], changed=changed)


@pytest.mark.scenario_runs
def test_long_text_unicode_orphans_and_null_relationships_are_stored_exactly(odd_org_run):
    result, database, ids = odd_org_run
    assert result.success, [str(e.step_failure_data.error)[:300] for e in result.all_events if e.is_step_failure]
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute("SELECT Subject FROM raw_salesforce.task WHERE Id = ?", [ids["task"]]).fetchone() == (LONG_TEXT,)
        assert con.execute("SELECT Company, LastName FROM raw_salesforce.lead WHERE Id = ?", [ids["lead"]]).fetchone() == (UNICODE, "Ødegård 🙂")
        assert con.execute("SELECT UserRole_Name FROM raw_salesforce.user WHERE Id = ?", [ids["rep"]]).fetchone() == (None,)
        assert con.execute("SELECT OwnerId FROM raw_salesforce.opportunity WHERE Id = ?", [ids["opportunity"]]).fetchone() == (STRANGER,)
        # the orphaned deal is attributed to no one, and nobody unknown appears in the scorecard
        assert con.execute("SELECT count(*) FROM marts.user_adoption_scorecard WHERE user_id = ?", [STRANGER]).fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM marts.user_adoption_scorecard WHERE user_id = ?", [ids["rep"]]).fetchone()[0] > 0


@pytest.mark.scenario_runs
def test_an_empty_org_runs_and_publishes_empty_marts(tmp_path, monkeypatch):
    (tmp_path / "org").mkdir()
    with SampleOrg.from_directory(tmp_path / "org") as org:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
        result = run_pipeline(org, tmp_path / "flywheel.duckdb", tmp_path / "exports")
    assert result.success, [str(e.step_failure_data.error)[:300] for e in result.all_events if e.is_step_failure]
    with duckdb.connect(str(tmp_path / "flywheel.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw_salesforce.lead").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM marts.silent_non_use").fetchone() == (0,)
    report = next(e for e in result.get_asset_materialization_events()
                  if e.asset_key == dg.AssetKey(["publish", "adoption_report"])).materialization.metadata
    assert report["written"].value is False and "nothing to report" in report["reason"].value
    assert (tmp_path / "exports" / "current" / "manifest.json").exists()


@pytest.mark.scenario_runs
def test_a_field_added_and_a_field_removed_between_runs(odd_org_run):
    result, database, ids = odd_org_run
    lead = ids["changed"]
    assert result.success  # the run continues, dbt builds, the gates pass
    (event,) = [e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey(["raw_salesforce", "lead"])]
    metadata = event.materialization.metadata
    assert metadata["columns_added"].value == "LeadSource"
    assert metadata["columns_no_longer_in_org"].value == "Phone"
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute("SELECT Phone FROM raw_salesforce.lead WHERE Id = ?", [lead]).fetchone() == (None,)
        assert con.execute("SELECT count(*) FROM raw_salesforce.lead WHERE Phone IS NOT NULL").fetchone()[0] > 0
        columns = [d[0] for d in con.execute("SELECT * FROM staging.stg_salesforce__leads LIMIT 0").description]
        assert "phone" in columns and "lead_source" in columns
