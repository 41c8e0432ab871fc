"""The extract assets in Dagster, against the sample org and a DuckDB file in tmp_path."""

import dagster as dg
import duckdb
from pipelines.warehouse import DuckDBWarehouse

from pipelines.assets.extract import extract_assets
from pipelines.salesforce.objects import OBJECTS
from pipelines.salesforce.resource import SalesforceResource


def run(org, database, **resource):
    return dg.materialize(
        extract_assets,
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        resources={
            "salesforce": SalesforceResource(instance_url=org.url, access_token=org.issue_token(), **resource),
            "duckdb": DuckDBWarehouse(database=str(database)),
        },
    )


def metadata(result, spec):
    [event] = result.asset_materializations_for_node(f"raw_salesforce__{spec.table}")
    return {k: v.value for k, v in event.metadata.items()}


def test_materializing_the_extract_assets_twice(org, tmp_path, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
    database = tmp_path / "flywheel.duckdb"

    first = run(org, database)
    assert first.success
    for spec in OBJECTS:
        m = metadata(first, spec)
        assert m["rows_new"] == m["rows_read"] == m["dagster/row_count"] > 0, spec.name
        assert m["watermark"] != "none"

    second = run(org, database)
    assert second.success
    for spec in OBJECTS:
        m = metadata(second, spec)
        assert (m["rows_new"], m["rows_changed"], m["rows_deleted"]) == (0, 0, 0), spec.name
        assert m["api_calls"] == (4 if spec.name == "User" else 2), spec.name

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
    messages = failure_messages(result)
    assert messages and all("daily API requests are used" in m and "watermark is unchanged" in m for m in messages)


def test_a_rate_limit_stops_cleanly_and_the_next_run_goes_on(org, tmp_path, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
    database = tmp_path / "flywheel.duckdb"
    org.faults.rate_limit_after(12)
    result = run(org, database)
    assert not result.success
    assert any("REQUEST_LIMIT_EXCEEDED" in m for m in failure_messages(result))
    finished = {e.asset_key.path[-1] for e in result.get_asset_materialization_events()}
    assert finished, "some objects should have finished before the limit"
    with duckdb.connect(str(database)) as con:
        synced = {name for (name,) in con.execute("SELECT object_name FROM raw_salesforce._sync_state").fetchall()}
    assert synced == {spec.name for spec in OBJECTS if spec.table in finished}

    org.faults.reset()
    assert run(org, database).success
    with duckdb.connect(str(database)) as con:
        for spec in OBJECTS:
            ids = [i for (i,) in con.execute(f'SELECT "Id" FROM raw_salesforce.{spec.table}').fetchall()]
            assert sorted(ids) == sorted(r["Id"] for r in org.store.records(spec.name, include_deleted=True))
