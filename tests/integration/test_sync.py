"""Incremental extraction through simple-salesforce, over HTTPS, into a real DuckDB file."""

import logging
import math
from datetime import datetime, timedelta

import pytest
from conftest import make_client, sync_object

from pipelines.extract.options import InvalidConfiguration, SyncOptions, parse_start_date
from pipelines.extract.outcomes import SyncFailure, SyncReport
from pipelines.extract.sync import sync_objects
from pipelines.salesforce.client import MAX_QUERY_SUBREQUESTS, SalesforceApiError
from pipelines.salesforce.objects import OBJECTS, OBJECTS_BY_NAME, ObjectSpec

LEAD = OBJECTS_BY_NAME["Lead"]


def org_ids(org, spec: ObjectSpec) -> set[str]:
    return {r["Id"] for r in org.store.records(spec.name, include_deleted=True)}


def raw_ids(con, spec: ObjectSpec) -> list[str]:
    return [i for (i,) in con.execute(f'SELECT "Id" FROM raw_salesforce.{spec.table}').fetchall()]


def snapshot(con, spec: ObjectSpec):
    return con.execute(f"SELECT * FROM raw_salesforce.{spec.table} ORDER BY \"Id\"").fetchall()


def test_every_object_lands_whole_and_once(org, client, warehouse):
    for spec in OBJECTS:
        report = sync_object(client, warehouse, spec)
        ids = raw_ids(warehouse, spec)
        assert len(ids) == len(set(ids)), f"duplicate Ids in {spec.table}"
        assert set(ids) == org_ids(org, spec), spec.name
        assert report.rows_new == len(ids)
        assert report.watermark_after is not None


def test_relationship_fields_arrive_flattened(org, client, warehouse):
    sync_object(client, warehouse, OBJECTS_BY_NAME["User"])
    named = warehouse.execute(
        "SELECT count(*) FROM raw_salesforce.user WHERE Profile_Name IS NOT NULL"
    ).fetchone()[0]
    assert named > 0


def test_paging_across_many_pages(org, client, warehouse):
    report = sync_object(client, warehouse, OBJECTS_BY_NAME["LoginHistory"], batch_size=200)
    assert report.pages > 5
    assert report.rows_read == len(org_ids(org, OBJECTS_BY_NAME["LoginHistory"]))
    assert report.path == "REST"
    # describe, COUNT() (first load: REST or Bulk?), the first page, then five pages to a call
    assert report.api_calls == 2 + 1 + math.ceil((report.pages - 1) / 5)


def test_a_second_run_reads_only_what_changed(org, client, warehouse):
    sync_object(client, warehouse, LEAD)
    leads = sorted(org_ids(org, LEAD))
    org.store.upsert("Lead", [{"Id": leads[0], "Status": "Working - Contacted"}, {"Id": leads[1], "Status": "Working - Contacted"}])

    report = sync_object(client, warehouse, LEAD)
    assert (report.rows_new, report.rows_changed) == (0, 2)
    assert report.rows_read < 10  # the two changed rows, plus whatever shares the overlap window
    statuses = dict(warehouse.execute('SELECT "Id", "Status" FROM raw_salesforce.lead').fetchall())
    assert statuses[leads[0]] == statuses[leads[1]] == "Working - Contacted"


def test_running_twice_without_changes_leaves_tables_identical(org, client, warehouse):
    assert all(isinstance(o, SyncReport) for o in sync_objects(client, warehouse, OBJECTS))
    before = {spec.name: snapshot(warehouse, spec) for spec in OBJECTS}
    calls = client.calls
    reports = list(sync_objects(client, warehouse, OBJECTS))
    assert sorted(r.object_name for r in reports) == sorted(spec.name for spec in OBJECTS)
    for report in reports:
        assert (report.rows_new, report.rows_changed, report.rows_deleted) == (0, 0, 0)
    assert {spec.name: snapshot(warehouse, spec) for spec in OBJECTS} == before
    # one Composite call describes every object (and User's parents); the first pages take more, five to a call
    assert client.calls - calls == 1 + math.ceil(len(OBJECTS) / MAX_QUERY_SUBREQUESTS)


def test_records_sharing_the_watermark_across_a_page_boundary_are_all_kept(org, client, warehouse):
    tie = datetime(2026, 11, 20, 9, 0, 0)
    first = [{"Id": f"tie-{i}", "LastName": f"Tie {i}", "Company": "Acme", "Status": "Open - Not Contacted",
              "SystemModstamp": tie, "CreatedDate": tie} for i in range(300)]
    org.store.upsert("Lead", _with_ids(org, first))
    report = sync_object(client, warehouse, LEAD, batch_size=200)
    assert report.watermark_after == tie

    # More records carrying exactly the watermark arrive after the sync (a late commit).
    late = [{"Id": f"late-{i}", "LastName": f"Late {i}", "Company": "Acme", "Status": "Open - Not Contacted",
             "SystemModstamp": tie, "CreatedDate": tie} for i in range(50)]
    org.store.upsert("Lead", _with_ids(org, late, start=1000))
    report = sync_object(client, warehouse, LEAD, batch_size=200, overlap=timedelta(0))
    assert report.rows_new == 50
    assert set(raw_ids(warehouse, LEAD)) == org_ids(org, LEAD)


def _with_ids(org, records, start=0):
    from pipelines.sample_org.generator import make_id

    for n, record in enumerate(records, start=900_000 + start):
        record["Id"] = make_id("00Q", n)
    return records


def test_deleted_records_arrive_as_deleted(org, client, warehouse):
    sync_object(client, warehouse, LEAD)
    victims = sorted(org_ids(org, LEAD))[:3]
    org.store.soft_delete("Lead", victims)
    report = sync_object(client, warehouse, LEAD)
    assert report.rows_deleted == 3
    deleted = {i for (i,) in warehouse.execute('SELECT "Id" FROM raw_salesforce.lead WHERE "IsDeleted"').fetchall()}
    assert set(victims) <= deleted


def test_a_field_the_org_lacks_is_skipped_with_a_warning(org, client, warehouse, caplog):
    spec = ObjectSpec("Lead", "00Q", "SystemModstamp", (*LEAD.fields, "Region__c"), LEAD.required)
    with caplog.at_level(logging.WARNING):
        report = sync_object(client, warehouse, spec)
    assert report.missing_fields == ["Region__c"]
    assert "Region__c" in caplog.text
    columns = {c for (c,) in warehouse.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'lead'").fetchall()}
    assert "Region__c" not in columns and "Status" in columns


def test_a_session_that_expires_mid_paging_is_renewed(org, client, warehouse):
    org.faults.expire_sessions_after(3)  # describe, COUNT(), the first page; then the session expires
    tokens = len(org.issued_tokens)
    report = sync_object(client, warehouse, OBJECTS_BY_NAME["LoginHistory"], batch_size=200)
    assert report.pages > 3
    assert len(org.issued_tokens) == tokens + 1  # logged in again once
    assert set(raw_ids(warehouse, OBJECTS_BY_NAME["LoginHistory"])) == org_ids(org, OBJECTS_BY_NAME["LoginHistory"])


def test_an_access_token_that_expires_mid_paging_fails_clearly_and_stores_nothing(org, warehouse):
    from pipelines.salesforce.auth import Credentials

    token = org.issue_token()
    client = make_client(org, Credentials(instance_url=org.url, access_token=token))
    spec = OBJECTS_BY_NAME["LoginHistory"]
    org.faults.expire_sessions_after(3)
    with pytest.raises(SalesforceApiError, match="INVALID_SESSION_ID.*refresh SALESFORCE_ACCESS_TOKEN") as err:
        sync_object(client, warehouse, spec, batch_size=200)
    assert token not in str(err.value)
    # the table was created inside the sync's transaction, so it is gone with the rollback
    assert warehouse.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'login_history'"
    ).fetchone()[0] == 0
    assert warehouse.execute("SELECT count(*) FROM raw_salesforce._sync_state").fetchone()[0] == 0


def test_a_full_refresh_marks_hard_deleted_records_deleted(org, client, warehouse):
    sync_object(client, warehouse, LEAD)
    gone = sorted(org_ids(org, LEAD))[:3]
    in_recycle_bin = {r["Id"] for r in org.store.records("Lead", include_deleted=True) if r["IsDeleted"]}
    org.store.hard_delete("Lead", gone)  # purged from the recycle bin: queryAll no longer returns them

    incremental = sync_object(client, warehouse, LEAD)
    assert incremental.rows_vanished == 0  # an incremental read cannot tell a purge from no change

    full = sync_object(client, warehouse, LEAD, full_refresh=True)
    assert (full.rows_vanished, full.rows_deleted, full.rows_new, full.rows_changed) == (3, 3, 0, 0)
    flagged = warehouse.execute(
        'SELECT "Id" FROM raw_salesforce.lead WHERE "IsDeleted" ORDER BY "Id"'
    ).fetchall()
    assert [i for (i,) in flagged if i not in in_recycle_bin] == gone
    assert sync_object(client, warehouse, LEAD, full_refresh=True).rows_vanished == 0  # marked once


def test_a_full_refresh_keeps_login_history_salesforce_aged_out(org, client, warehouse):
    spec = OBJECTS_BY_NAME["LoginHistory"]
    sync_object(client, warehouse, spec)
    aged = sorted(org_ids(org, spec))[:2]
    org.store.hard_delete("LoginHistory", aged)

    full = sync_object(client, warehouse, spec, full_refresh=True)
    assert full.rows_vanished == 0
    assert set(aged) <= set(raw_ids(warehouse, spec))


@pytest.mark.parametrize("crafted", ["Id FROM User WHERE Name != ''", "Region__c, (SELECT Id FROM Tasks)", "Name--"])
def test_a_crafted_extra_field_is_refused_before_any_call(org, client, warehouse, crafted):
    calls = client.calls
    with pytest.raises(InvalidConfiguration, match=r"Lead extra_fields: .* is not a Salesforce field or object name"):
        sync_object(client, warehouse, LEAD, extra_fields=[crafted])
    assert client.calls == calls  # nothing reached the org
    assert warehouse.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw_salesforce'"
    ).fetchone()[0] == 0


@pytest.mark.parametrize("crafted", ["2020-01-01T00:00:00Z OR Id != null", "2020-01-01' OR '1'='1", "yesterday"])
def test_a_crafted_start_date_is_refused(crafted):
    with pytest.raises(InvalidConfiguration, match="is not a date written YYYY-MM-DD"):
        parse_start_date(crafted)


def test_a_start_date_bounds_the_first_load_and_an_extra_field_is_read(org, client, warehouse, caplog):
    start = datetime(2026, 11, 1)
    report = sync_object(client, warehouse, LEAD, start=start, extra_fields=["Name", "Region__c"])
    assert f"SystemModstamp >= {start:%Y-%m-%d}T00:00:00Z" in report.soql
    expected = {r["Id"] for r in org.store.records("Lead", include_deleted=True)
                if r["SystemModstamp"].replace(tzinfo=None) >= start}
    assert set(raw_ids(warehouse, LEAD)) == expected and 0 < len(expected) < len(org_ids(org, LEAD))
    assert report.missing_fields == ["Region__c"]  # the org has no Region__c: skipped, reported
    assert warehouse.execute("SELECT count(*) FROM raw_salesforce.lead WHERE Name IS NOT NULL").fetchone()[0] > 0


def test_reads_travel_five_queries_to_a_composite_call(org, client, warehouse):
    calls = client.calls
    reports = list(sync_objects(client, warehouse, OBJECTS, SyncOptions(batch_size=200)))
    assert all(isinstance(r, SyncReport) for r in reports)
    pages = sum(r.pages for r in reports)
    assert pages > 20
    # one describe call, two COUNT() calls, then pages five to a call (the first page of each
    # object cannot be chained to: its size is known once it answers)
    assert client.calls - calls <= 3 + math.ceil(pages / 5) + 1
    for spec in OBJECTS:
        assert set(raw_ids(warehouse, spec)) == org_ids(org, spec), spec.name


def test_an_object_that_fails_leaves_the_others_synced(org, client, warehouse):
    org.faults.query_timeout("Task", times=99)  # every window, however narrow, times out
    outcomes = {o.object_name: o for o in sync_objects(client, warehouse, OBJECTS, SyncOptions(bulk_threshold=None))}
    failed = outcomes.pop("Task")
    assert isinstance(failed, SyncFailure) and failed.error.error_code == "QUERY_TIMEOUT"
    assert "Salesforce queryAll for Task failed: HTTP 400 QUERY_TIMEOUT" in str(failed.error)
    assert all(isinstance(o, SyncReport) for o in outcomes.values()) and len(outcomes) == len(OBJECTS) - 1
    assert warehouse.execute("SELECT count(*) FROM raw_salesforce._sync_state WHERE object_name = 'Task'").fetchone() == (0,)
    assert not warehouse.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%task%'"
    ).fetchall()  # neither a raw table nor a stage left behind
    for spec in OBJECTS:
        if spec.name != "Task":
            assert set(raw_ids(warehouse, spec)) == org_ids(org, spec), spec.name


def test_a_page_that_cannot_be_stored_fails_only_its_object(org, client, warehouse):
    org.faults.wrong_value("Opportunity", "CloseDate", "11/03/2026")
    outcomes = {o.object_name: o for o in sync_objects(client, warehouse, OBJECTS, SyncOptions(batch_size=200))}
    failed = outcomes.pop("Opportunity")
    assert isinstance(failed, SyncFailure) and "CloseDate" in str(failed.error) and "11/03/2026" in str(failed.error)
    assert all(isinstance(o, SyncReport) for o in outcomes.values()) and len(outcomes) == len(OBJECTS) - 1
    for spec in OBJECTS:
        if spec.name != "Opportunity":
            assert set(raw_ids(warehouse, spec)) == org_ids(org, spec), spec.name
    assert warehouse.execute(
        "SELECT count(*) FROM raw_salesforce._sync_state WHERE object_name = 'Opportunity'"
    ).fetchone() == (0,)


def test_an_org_without_out_of_office_or_lead_history_syncs_the_rest_and_says_so(org, client, warehouse):
    """Neither object is listed (an older API, Lead history not tracked): normal, not an error. Their
    raw tables exist empty, their syncs count as done (fresh), and once the org has them they are read
    in full."""
    optional = [OBJECTS_BY_NAME["OutOfOffice"], OBJECTS_BY_NAME["LeadHistory"]]
    for spec in optional:
        org.shape.refuse_object(spec.name)
    global_describe = client.sf.restful("sobjects")["sobjects"]
    assert not {"OutOfOffice", "LeadHistory"} & {o["name"] for o in global_describe}
    outcomes = {o.object_name: o for o in sync_objects(client, warehouse, OBJECTS, SyncOptions(bulk_threshold=None))}
    assert all(isinstance(o, SyncReport) for o in outcomes.values()), outcomes
    for spec in optional:
        report = outcomes[spec.name]
        assert "does not list" in report.not_in_org and report.rows_read == report.rows_stored == 0
        assert raw_ids(warehouse, spec) == []
        assert warehouse.execute(
            "SELECT watermark, last_synced_at IS NOT NULL FROM raw_salesforce._sync_state WHERE object_name = ?",
            [spec.name]).fetchone() == (None, True)
    assert all(not outcomes[s.name].not_in_org for s in OBJECTS if s not in optional)
    for spec in optional:  # the org turns them on
        org.shape.restore_object(spec.name)
    for spec in optional:
        report = sync_object(client, warehouse, spec)
        assert not report.not_in_org and set(raw_ids(warehouse, spec)) == org_ids(org, spec) != set()


def test_lead_history_is_read_by_created_date_and_never_asked_for_a_modstamp(org, client, warehouse):
    spec = OBJECTS_BY_NAME["LeadHistory"]
    first = sync_object(client, warehouse, spec)
    assert "SystemModstamp" not in first.soql and "ORDER BY CreatedDate ASC, Id ASC" in first.soql
    assert first.rows_new == len(org_ids(org, spec)) > 0
    again = sync_object(client, warehouse, spec)
    assert (again.rows_new, again.rows_changed) == (0, 0)
    types = dict(warehouse.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'lead_history'").fetchall())
    assert types["OldValue"] == types["NewValue"] == "VARCHAR" and types["CreatedDate"] == "TIMESTAMP"


def test_user_login_without_a_modstamp_is_read_whole_every_run(org, client, warehouse):
    """UserLogin has no SystemModstamp: each sync reads it whole (REST, no COUNT()), a run that
    meets no change changes nothing, and a user frozen since is picked up."""
    spec = OBJECTS_BY_NAME["UserLogin"]
    first = sync_object(client, warehouse, spec)
    assert first.rows_new == len(org_ids(org, spec)) and first.path == "REST"
    assert first.path_reason.startswith("read whole every run: UserLogin has no SystemModstamp")
    assert "WHERE" not in first.soql and first.soql.endswith("ORDER BY LastModifiedDate ASC, Id ASC")
    again = sync_object(client, warehouse, spec)
    assert (again.rows_read, again.rows_new, again.rows_changed) == (first.rows_read, 0, 0)
    assert again.api_calls == 2  # describe, then the one page: no COUNT()
    [login] = [r for r in org.store.records("UserLogin") if not r["IsFrozen"]][:1]
    org.store.upsert("UserLogin", [{"Id": login["Id"], "IsFrozen": True, "LastModifiedDate": datetime(2020, 1, 1)}])
    frozen = sync_object(client, warehouse, spec)  # its change is dated before the watermark: read all the same
    assert (frozen.rows_new, frozen.rows_changed) == (0, 1)
    assert warehouse.execute('SELECT "IsFrozen" FROM raw_salesforce.user_login WHERE "Id" = ?', [login["Id"]]).fetchone() == (True,)
