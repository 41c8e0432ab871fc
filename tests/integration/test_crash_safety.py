"""A sync killed with SIGKILL at any point loses nothing and doubles nothing.

The sync runs in a child process (the org stays up in this one); the child is killed as soon
as it has started reading, or as soon as it has committed one, three or five of the seven
objects, so the kill lands while pages are read and staged for the objects still open. After
each kill, a complete sync must leave the raw tables exactly equal to the org. The same holds for
the lake Spark reads (`FLYWHEEL_WAREHOUSE=spark`: Parquet snapshots, `pipelines/storage/lake.py`).
"""

import os
import signal
import subprocess
import sys
import textwrap

import duckdb
import pytest

from pipelines.storage.lake import LakeWarehouse
from pipelines.salesforce.objects import OBJECTS

pytestmark = pytest.mark.slow  # runs the whole job (or dbt build): not in the fast tier

CHILD = textwrap.dedent(
    """
    import sys, duckdb
    from pathlib import Path
    from pipelines.storage.lake import LakeWarehouse
    from pipelines.salesforce.auth import Credentials, connect
    from pipelines.salesforce.client import SalesforceClient
    from pipelines.salesforce.objects import OBJECTS
    from pipelines.extract.options import SyncOptions
    from pipelines.extract.outcomes import SyncReport
    from pipelines.extract.sync import sync_objects

    url, token, database, warehouse = sys.argv[1:5]
    creds = Credentials(instance_url=url, access_token=token)
    client = SalesforceClient(connect(creds), mode=creds.mode)
    store = LakeWarehouse.at(Path(database)).get_connection() if warehouse == "lake" else duckdb.connect(database)
    with store as con:
        print("started", flush=True)
        for outcome in sync_objects(client, con, OBJECTS, SyncOptions(batch_size=200, bulk_threshold=None)):
            assert isinstance(outcome, SyncReport), outcome
            print("synced", outcome.object_name, flush=True)
    """
)


def run_sync(org, database, kill_after_synced: int | None, warehouse: str = "duckdb"):
    """Run the child, syncing into the DuckDB file or the lake folder `database`; with
    `kill_after_synced`, SIGKILL it once it has committed that many objects (0: once it has started)."""
    env = {**os.environ, "REQUESTS_CA_BUNDLE": str(org.ca_file)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, org.url, org.issue_token(), str(database), warehouse],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    if kill_after_synced is None:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err[-2000:]
        return out
    synced = -1  # the "started" line comes first
    for _ in child.stdout:
        synced += 1
        if synced >= kill_after_synced:
            break
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL, "the child should have been killed mid-sync, not have finished"
    return synced


@pytest.mark.parametrize(("warehouse", "kill_after_synced"),
                         [("duckdb", 0), ("duckdb", 1), ("duckdb", 3), ("duckdb", 5), ("lake", 3)])
def test_killed_sync_then_full_sync_equals_the_org(org, tmp_path, warehouse, kill_after_synced):
    database = tmp_path / ("lake" if warehouse == "lake" else "flywheel.duckdb")
    run_sync(org, database, kill_after_synced, warehouse)
    # change records between the killed run and the next one, as a live org would
    leads = sorted(r["Id"] for r in org.store.records("Lead", include_deleted=True))
    org.store.upsert("Lead", [{"Id": leads[0], "Status": "Working - Contacted"}])
    org.store.soft_delete("Lead", [leads[1]])
    run_sync(org, database, None, warehouse)
    if warehouse == "lake":  # and a second complete sync changes nothing: no row doubled
        before = lake_rows(database)
        run_sync(org, database, None, warehouse)
        assert lake_rows(database) == before

    with read_raw(database, warehouse) as con:
        for spec in OBJECTS:
            ids = [i for (i,) in con.execute(f'SELECT "Id" FROM raw_salesforce.{spec.table}').fetchall()]
            assert len(ids) == len(set(ids)), f"doubled rows in {spec.table}"
            assert sorted(ids) == sorted(r["Id"] for r in org.store.records(spec.name, include_deleted=True)), spec.name
        status, deleted = con.execute(
            'SELECT "Status", (SELECT "IsDeleted" FROM raw_salesforce.lead WHERE "Id" = ?) '
            'FROM raw_salesforce.lead WHERE "Id" = ?', [leads[1], leads[0]]
        ).fetchone()
        assert (status, deleted) == ("Working - Contacted", True)


def read_raw(database, warehouse: str):
    """The raw tables, read-only: the DuckDB file, or the lake's current snapshots."""
    return LakeWarehouse.at(database).get_connection() if warehouse == "lake" else duckdb.connect(str(database), read_only=True)


def lake_rows(lake) -> dict[str, list[tuple]]:
    """Every raw table of the lake, its rows sorted (the sync time aside, which a sync moves)."""
    with read_raw(lake, "lake") as con:
        return {spec.table: sorted(map(str, con.execute(
            f'SELECT * EXCLUDE (_flywheel_synced_at) FROM raw_salesforce.{spec.table}').fetchall()))
            for spec in OBJECTS}
