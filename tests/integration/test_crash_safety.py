"""A sync killed with SIGKILL at any point loses nothing and doubles nothing.

The sync runs in a child process (the org stays up in this one); the child is killed as soon
as it has started reading, or as soon as it has committed one, three or five of the seven
objects, so the kill lands while pages are read and staged for the objects still open. After
each kill, a complete sync must leave the raw tables exactly equal to the org.
"""

import os
import signal
import subprocess
import sys
import textwrap

import duckdb
import pytest

from pipelines.salesforce.objects import OBJECTS

pytestmark = pytest.mark.slow  # runs the whole job (or dbt build): not in the fast tier

CHILD = textwrap.dedent(
    """
    import sys, duckdb
    from pipelines.salesforce.auth import Credentials, connect
    from pipelines.salesforce.client import SalesforceClient
    from pipelines.salesforce.objects import OBJECTS
    from pipelines.extract.options import SyncOptions
    from pipelines.extract.outcomes import SyncReport
    from pipelines.extract.sync import sync_objects

    url, token, database = sys.argv[1:4]
    creds = Credentials(instance_url=url, access_token=token)
    client = SalesforceClient(connect(creds), mode=creds.mode)
    with duckdb.connect(database) as con:
        print("started", flush=True)
        for outcome in sync_objects(client, con, OBJECTS, SyncOptions(batch_size=200, bulk_threshold=None)):
            assert isinstance(outcome, SyncReport), outcome
            print("synced", outcome.object_name, flush=True)
    """
)


def run_sync(org, database, kill_after_synced: int | None):
    """Run the child; with `kill_after_synced`, SIGKILL it once it has committed that many objects
    (0: once it has started)."""
    env = {**os.environ, "REQUESTS_CA_BUNDLE": str(org.ca_file)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, org.url, org.issue_token(), str(database)],
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


@pytest.mark.parametrize("kill_after_synced", [0, 1, 3, 5])
def test_killed_sync_then_full_sync_equals_the_org(org, tmp_path, kill_after_synced):
    database = tmp_path / "flywheel.duckdb"
    run_sync(org, database, kill_after_synced)
    # change records between the killed run and the next one, as a live org would
    leads = sorted(r["Id"] for r in org.store.records("Lead", include_deleted=True))
    org.store.upsert("Lead", [{"Id": leads[0], "Status": "Working - Contacted"}])
    org.store.soft_delete("Lead", [leads[1]])
    run_sync(org, database, None)

    with duckdb.connect(str(database), read_only=True) as con:
        for spec in OBJECTS:
            ids = [i for (i,) in con.execute(f'SELECT "Id" FROM raw_salesforce.{spec.table}').fetchall()]
            assert len(ids) == len(set(ids)), f"doubled rows in {spec.table}"
            assert sorted(ids) == sorted(r["Id"] for r in org.store.records(spec.name, include_deleted=True)), spec.name
        status, deleted = con.execute(
            'SELECT "Status", (SELECT "IsDeleted" FROM raw_salesforce.lead WHERE "Id" = ?) '
            'FROM raw_salesforce.lead WHERE "Id" = ?', [leads[1], leads[0]]
        ).fetchone()
        assert (status, deleted) == ("Working - Contacted", True)
