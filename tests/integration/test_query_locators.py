"""Reads that meet INVALID_QUERY_LOCATOR start again from their last committed state, and a
subrequest answering 5xx inside a Composite call is retried alone; over real HTTPS."""

import logging

from pipelines.extract.rest_reads import MAX_RESTARTS
from pipelines.extract.options import SyncOptions
from pipelines.extract.outcomes import SyncFailure, SyncReport
from pipelines.extract.sync import sync_objects
from pipelines.salesforce.objects import OBJECTS_BY_NAME

SPECS = [OBJECTS_BY_NAME[n] for n in ("LoginHistory", "Task", "Lead", "Opportunity")]
OPTIONS = SyncOptions(batch_size=200, bulk_threshold=None)  # calls: describe, first pages, then Query More


def stamps(con, spec):
    """(Id, watermark) of every stored row: SystemModstamp, or LoginTime for LoginHistory."""
    return sorted(con.execute(f'SELECT "Id", "{spec.watermark_field}" FROM raw_salesforce.{spec.table}').fetchall())


def org_stamps(org, spec):
    return sorted((r["Id"], r[spec.watermark_field]) for r in org.store.records(spec.name, include_deleted=True))


def run(client, con, options=OPTIONS):
    return {o.object_name: o for o in sync_objects(client, con, SPECS, options)}


def assert_exact(org, con, outcomes):
    for spec in SPECS:
        report = outcomes[spec.name]
        assert isinstance(report, SyncReport), report
        assert stamps(con, spec) == org_stamps(org, spec), spec.name
        assert report.duplicate_rows == 0, spec.name
        if report.watermark_before is None:  # a first load read every row once, however restarted
            assert report.rows_read == report.rows_stored == report.rows_new, spec.name


def test_a_page_carrying_call_answered_then_dropped_restarts_only_the_reads_it_carried(org, client, warehouse, caplog):
    org.faults.drop_connection_after_call(3)  # the first Query More call: its locators are used up
    with caplog.at_level(logging.WARNING):
        outcomes = run(client, warehouse)
    assert_exact(org, warehouse, outcomes)
    restarted = {name for name, o in outcomes.items() if o.restarts}
    assert "LoginHistory" in restarted and "Opportunity" not in restarted  # Opportunity fits one page
    assert all("INVALID_QUERY_LOCATOR" in reason for o in outcomes.values() for reason in o.restarts)
    assert "retrying in" in caplog.text and "reading it again from its start" in caplog.text


def test_a_released_cursor_restarts_the_read_of_an_incremental_sync(org, client, warehouse):
    run(client, warehouse)
    changed = [r["Id"] for r in org.store.records("Task")][:700]
    org.store.upsert("Task", [{"Id": i, "Subject": "Edited"} for i in changed])
    org.faults.release_cursor("Task")
    outcomes = run(client, warehouse)
    assert_exact(org, warehouse, outcomes)
    tasks = outcomes["Task"]
    assert len(tasks.restarts) == 1 and "INVALID_QUERY_LOCATOR" in tasks.restarts[0]
    assert (tasks.rows_new, tasks.rows_changed) == (0, 700) and 700 <= tasks.rows_read < 1400
    assert [o.restarts for n, o in outcomes.items() if n != "Task"] == [[], [], []]


def test_an_expired_locator_restarts_the_read(org, client, warehouse):
    org.locator_ttl = 0.0  # every cursor has expired by the time its next page is asked for
    outcomes = list(sync_objects(client, warehouse, [OBJECTS_BY_NAME["LoginHistory"]], OPTIONS))
    [failure] = outcomes
    assert isinstance(failure, SyncFailure)
    assert f"INVALID_QUERY_LOCATOR again after {MAX_RESTARTS} restarts of the read" in str(failure.error)
    assert warehouse.execute("SELECT count(*) FROM raw_salesforce._sync_state").fetchone()[0] == 0


def test_restarts_are_bounded_and_fail_only_their_object(org, client, warehouse):
    org.faults.release_cursor("LoginHistory", times=MAX_RESTARTS + 1)
    outcomes = run(client, warehouse)
    assert isinstance(outcomes["LoginHistory"], SyncFailure)
    assert "LoginHistory" in str(outcomes["LoginHistory"].error) and "restarts" in str(outcomes["LoginHistory"].error)
    for spec in SPECS[1:]:
        assert stamps(warehouse, spec) == org_stamps(org, spec)
    assert warehouse.execute(
        "SELECT count(*) FROM raw_salesforce._sync_state WHERE object_name = 'LoginHistory'"
    ).fetchone()[0] == 0


def test_a_subrequest_answering_503_is_resent_alone(org, client, warehouse, caplog):
    calls = org.calls.get("composite", 0)
    org.faults.fail_subrequest(2, index=2)  # Lead's first page (call 3 resends it)
    org.faults.fail_subrequest(4, index=1)  # a chained page of LoginHistory in the first Query More call
    with caplog.at_level(logging.WARNING):
        outcomes = run(client, warehouse)
    assert_exact(org, warehouse, outcomes)
    assert all(not o.restarts for o in outcomes.values())
    assert caplog.text.count("resending it (only it)") == 2
    clean = make_clean_calls(org)
    assert org.calls["composite"] - calls == clean + 2


def make_clean_calls(org):
    """The Composite calls the same sync makes without faults, in another org and warehouse."""
    import duckdb
    from conftest import make_client
    from pipelines.sample_org.org import SampleOrg

    with SampleOrg(org.store) as twin, duckdb.connect() as con:
        before = twin.calls.get("composite", 0)
        run(make_client(twin), con)
        return twin.calls["composite"] - before
