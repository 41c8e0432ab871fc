"""Faults injected by the sample org, met by the real client: retried, narrowed, or stopped cleanly."""

import math

import duckdb
import pytest

from conftest import sync_object
from pipelines.salesforce.client import SalesforceApiError
from pipelines.salesforce.objects import OBJECTS_BY_NAME

LOGINS = OBJECTS_BY_NAME["LoginHistory"]
TASKS = OBJECTS_BY_NAME["Task"]


def ids(con, spec):
    return sorted(i for (i,) in con.execute(f'SELECT "Id" FROM raw_salesforce.{spec.table}').fetchall())


def org_ids(org, spec):
    return sorted(r["Id"] for r in org.store.records(spec.name, include_deleted=True))


@pytest.mark.parametrize("inject", ["fail_call", "drop_connection_on_call", "html_maintenance_on_call"])
def test_transient_failures_mid_paging_are_retried(org, client, warehouse, inject):
    getattr(org.faults, inject)(4)  # the 4th call from now: a page in the middle
    report = sync_object(client, warehouse, LOGINS, batch_size=200)
    assert ids(warehouse, LOGINS) == org_ids(org, LOGINS)
    # describe, COUNT(), the first page, five pages to a call after it, and the retry
    assert report.api_calls == 2 + 1 + math.ceil((report.pages - 1) / 5) + 1


def test_a_lasting_outage_fails_clearly_and_commits_nothing(org, client, warehouse):
    for k in range(3, 9):
        org.faults.fail_call(k)
    with pytest.raises(SalesforceApiError, match=r"LoginHistory failed: HTTP 503 SERVER_UNAVAILABLE, still after 5 attempts"):
        sync_object(client, warehouse, LOGINS, batch_size=200)
    assert warehouse.execute("SELECT count(*) FROM raw_salesforce._sync_state").fetchone()[0] == 0


def test_query_timeout_narrows_the_window(org, client, warehouse):
    org.faults.query_timeout("Task", times=3)
    report = sync_object(client, warehouse, TASKS, bulk_threshold=None)
    assert report.windows_narrowed == 3
    assert ids(warehouse, TASKS) == org_ids(org, TASKS)


def test_bulk_path_lands_the_same_rows_as_rest(org, client, warehouse, tmp_path):
    bulk = sync_object(client, warehouse, TASKS, bulk_threshold=1)
    assert bulk.path == "Bulk" and "Bulk threshold" in bulk.path_reason
    with duckdb.connect(str(tmp_path / "rest.duckdb")) as rest_db:
        rest = sync_object(client, rest_db, TASKS, bulk_threshold=None)
        assert rest.path == "REST"
        columns = "* EXCLUDE (_flywheel_synced_at)"
        expected = rest_db.execute(f'SELECT {columns} FROM raw_salesforce.task ORDER BY "Id"').fetchall()
    assert warehouse.execute(f'SELECT {columns} FROM raw_salesforce.task ORDER BY "Id"').fetchall() == expected


def test_bulk_refused_falls_back_to_rest_and_says_why(org, client, warehouse):
    org.faults.refuse_bulk("Task")
    report = sync_object(client, warehouse, TASKS, bulk_threshold=1)
    assert report.path == "REST" and "not supported by the Bulk API" in report.path_reason
    assert ids(warehouse, TASKS) == org_ids(org, TASKS)


def test_a_count_that_times_out_sends_a_first_load_to_bulk(org, client, warehouse):
    org.faults.query_timeout("Task", times=1)
    report = sync_object(client, warehouse, TASKS, bulk_threshold=100_000)
    assert (report.path, report.path_reason) == ("Bulk", "SELECT COUNT() timed out, so the object is large")
    assert ids(warehouse, TASKS) == org_ids(org, TASKS)


def test_an_incremental_read_too_large_for_rest_goes_to_bulk(org, client, warehouse):
    sync_object(client, warehouse, TASKS, bulk_threshold=None)
    changed = [r["Id"] for r in org.store.records("Task")][:450]
    org.store.upsert("Task", [{"Id": i, "Subject": "Follow-up call"} for i in changed])
    calls = client.calls
    report = sync_object(client, warehouse, TASKS, bulk_threshold=400)
    assert (report.path, report.rows_changed, report.duplicate_rows) == ("Bulk", 450, 0)
    assert report.path_reason.endswith("records changed since the watermark, at least the Bulk threshold of 400")
    # describe, the first page that told the size, then the job: create, two polls, one page
    assert client.calls - calls == 1 + 1 + 4
    assert ids(warehouse, TASKS) == org_ids(org, TASKS)


def test_an_incremental_read_bulk_refuses_stays_with_rest(org, client, warehouse):
    sync_object(client, warehouse, TASKS, bulk_threshold=None)
    org.store.upsert("Task", [{"Id": r["Id"], "Subject": "Edited"} for r in org.store.records("Task")[:450]])
    org.faults.refuse_bulk("Task")
    report = sync_object(client, warehouse, TASKS, bulk_threshold=400)
    assert (report.path, report.rows_changed) == ("REST", 450)
    assert "not supported by the Bulk API" in report.path_reason


def test_every_retry_is_logged_with_its_reason_and_delay(org, caplog):
    import logging

    from conftest import make_client

    client = make_client(org)
    org.faults.fail_call(org.api_usage + 1, status=503, error_code="SERVER_UNAVAILABLE")
    caplog.set_level(logging.WARNING, logger="pipelines.salesforce.client")
    assert client.describe_many(["User"])["User"]["name"] == "User"
    [line] = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert "HTTP 503 SERVER_UNAVAILABLE; retrying in 0.01s" in line and "describe" in line
