"""The extract assets in Dagster, against the sample org and a DuckDB file in tmp_path."""

import math

import dagster as dg
import duckdb
from pipelines.storage.warehouse import DuckDBWarehouse

from pipelines.assets.extract import EXTRACT_STEP, asset_key, salesforce_extract
from pipelines.salesforce.client import MAX_QUERY_SUBREQUESTS
from pipelines.salesforce.objects import OBJECTS
from pipelines.salesforce.resource import SalesforceResource


def run(org, database, run_config=None, instance=None, **resource):
    return dg.materialize(
        [salesforce_extract],
        instance=instance or dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        run_config=run_config,
        resources={
            "salesforce": SalesforceResource(instance_url=org.url, access_token=org.issue_token(), **resource),
            "duckdb": DuckDBWarehouse(database=str(database)),
        },
    )


def metadata(result, spec):
    [event] = [e for e in result.asset_materializations_for_node(EXTRACT_STEP) if e.asset_key == asset_key(spec)]
    return {k: v.value for k, v in event.metadata.items()}


def test_materializing_the_extract_assets_twice(org, tmp_path, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
    database = tmp_path / "flywheel.duckdb"

    first = run(org, database)
    assert first.success
    for spec in OBJECTS:
        m = metadata(first, spec)
        assert m["rows_new"] == m["rows_read"] == m["dagster/row_count"] > 0, spec.name
        assert m["dagster/table_name"] == f"raw_salesforce.{spec.table}"
        assert "Id" in {c.name for c in m["dagster/column_schema"].columns}, spec.name
        assert m["watermark"] != "none"

    usage = org.api_usage
    second = run(org, database)
    assert second.success
    for spec in OBJECTS:
        m = metadata(second, spec)
        assert (m["rows_new"], m["rows_changed"], m["rows_deleted"]) == (0, 0, 0), spec.name
        assert m["api_calls"] == 2, spec.name  # the describe call, and the query call it shared
    # One Composite call describes every object and the parents of User's relationships; the
    # objects' first pages need more, five to a call.
    assert org.api_usage - usage == 1 + math.ceil(len(OBJECTS) / MAX_QUERY_SUBREQUESTS)

    with duckdb.connect(str(database)) as con:
        for spec in OBJECTS:
            total, distinct = con.execute(
                f'SELECT count(*), count(DISTINCT "Id") FROM raw_salesforce.{spec.table}'
            ).fetchone()
            assert total == distinct == len(org.store.records(spec.name, include_deleted=True))


def failure_messages(result):
    return [e.step_failure_data.error.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]


def test_the_quota_guard_stops_before_the_share_is_used(org, tmp_path, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
    result = run(org, tmp_path / "flywheel.duckdb", api_quota_share=0.0001)
    assert not result.success
    [message] = failure_messages(result)
    assert message.count("daily API requests are used") == 1  # said once, for every object it stopped
    assert f"Not synced in this run, watermark unchanged: {', '.join(spec.name for spec in OBJECTS)}." in message


def test_a_rate_limit_stops_cleanly_and_the_next_run_goes_on(org, tmp_path, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
    database = tmp_path / "flywheel.duckdb"
    # pages of 200: a describe call, two COUNT() calls, then rounds of pages until the limit
    org.faults.rate_limit_after(5)
    result = run(org, database, {"ops": {EXTRACT_STEP: {"config": {"batch_size": 200}}}})
    assert not result.success
    assert any("REQUEST_LIMIT_EXCEEDED" in m for m in failure_messages(result))
    finished = {e.asset_key.path[-1] for e in result.get_asset_materialization_events()}
    assert finished and len(finished) < len(OBJECTS), "some objects, not all, should finish before the limit"
    with duckdb.connect(str(database)) as con:
        synced = {name for (name,) in con.execute("SELECT object_name FROM raw_salesforce._sync_state").fetchall()}
    assert synced == {spec.name for spec in OBJECTS if spec.table in finished}

    org.faults.reset()
    assert run(org, database).success
    with duckdb.connect(str(database)) as con:
        for spec in OBJECTS:
            ids = [i for (i,) in con.execute(f'SELECT "Id" FROM raw_salesforce.{spec.table}').fetchall()]
            assert sorted(ids) == sorted(r["Id"] for r in org.store.records(spec.name, include_deleted=True))


# Everything a run does shows in its run log (what the Dagster UI shows): each retry with its reason,
# each Bulk job's states and the reads' progress.
def run_log(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    return [r.user_message for r in instance.all_logs(run_id) if r.dagster_event is None]


def test_retries_and_bulk_job_states_are_in_the_runs_event_log(org, tmp_path, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
    org.faults.fail_call(3)  # a 503 after the describe and count calls: retried, and said why
    with dg.instance_for_test() as instance:
        result = run(org, tmp_path / "flywheel.duckdb", {"ops": {"extract_salesforce": {"config": {"bulk_threshold": 1}}}},
                     instance=instance)
        assert result.success
        lines = run_log(instance, result.run_id)
    print("\n".join(lines))
    retries = [line for line in lines if "HTTP 503 SERVER_UNAVAILABLE; retrying in" in line]
    assert len(retries) == 1
    for name in ("User", "Lead", "Task"):
        states = [line for line in lines if line.startswith("Bulk API 2.0 job ") and f" for {name}: " in line]
        assert states and states[-1].split(": ")[-1].startswith("JobComplete"), (name, states)
    assert org.faults.pending() == []
