"""`source_freshness` judges the object's last successful sync, not its newest row."""

from datetime import datetime, timedelta, timezone

import dagster as dg
import duckdb
import pytest

from pipelines.assets.checks import build_freshness_check
from pipelines.extract import raw_store
from pipelines.salesforce.objects import OBJECTS_BY_NAME
from pipelines.storage.warehouse import DuckDBWarehouse

EVENT = OBJECTS_BY_NAME["Event"]
NOW = datetime.now(timezone.utc).replace(tzinfo=None)


def warehouse_synced(path, last_sync_days_ago: float | None, rows_written_days_ago: float = 30):
    with duckdb.connect(str(path)) as con:
        raw_store.ensure_state_table(con)
        con.execute(f'CREATE TABLE {raw_store.table_name(EVENT)} ("Id" VARCHAR, "SystemModstamp" TIMESTAMP, '
                    f'{raw_store.SYNCED_AT} TIMESTAMP)')
        written = NOW - timedelta(days=rows_written_days_ago)
        con.execute(f"INSERT INTO {raw_store.table_name(EVENT)} VALUES ('00U000000000001AAA', ?, ?)",
                    [written - timedelta(hours=1), written])
        if last_sync_days_ago is not None:
            raw_store.write_state(con, EVENT, written - timedelta(hours=1), NOW - timedelta(days=last_sync_days_ago), "r", 0)
    return DuckDBWarehouse(database=str(path))


def run_check(warehouse) -> dg.AssetCheckResult:
    check = build_freshness_check(EVENT)
    return check(dg.build_asset_check_context(resources={"duckdb": warehouse}))


def test_an_object_unchanged_for_weeks_but_synced_this_morning_is_fresh(tmp_path):
    result = run_check(warehouse_synced(tmp_path / "w.duckdb", last_sync_days_ago=0.1, rows_written_days_ago=30))
    assert result.passed
    meta = {k: v.value for k, v in result.metadata.items()}
    assert meta["last_successful_sync"].startswith(str((NOW - timedelta(days=0.1)).date()))
    assert meta["newest_change_written_at"].startswith(str((NOW - timedelta(days=30)).date()))
    assert meta["newest_change"] != "no records" and meta["warn_after"] == "2 days, 0:00:00"


@pytest.mark.parametrize(("days", "severity"), [(3, dg.AssetCheckSeverity.WARN), (8, dg.AssetCheckSeverity.ERROR)])
def test_an_object_not_synced_within_the_thresholds_warns_then_fails(tmp_path, days, severity):
    result = run_check(warehouse_synced(tmp_path / "w.duckdb", last_sync_days_ago=days, rows_written_days_ago=0))
    assert not result.passed and result.severity == severity


def test_an_object_never_synced_fails_and_says_so(tmp_path):
    result = run_check(warehouse_synced(tmp_path / "w.duckdb", last_sync_days_ago=None))
    assert not result.passed and result.severity == dg.AssetCheckSeverity.ERROR
    assert result.description == "Event has never been synced successfully."
