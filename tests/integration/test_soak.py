"""A month of unattended daily runs: the sample org replays its own history by a simulated clock,
one `adoption_refresh` a day on the same DuckDB and export folder, a fault on most days, a week
with no change to Event, and SIGKILLs of a sync at random moments on some days.

After each day: every raw table equals the org as of that day (Ids and watermarks), the
publication is as of that day and its checksums hold; on the last day the flags are the ground
truth's planted behaviour and equal those of one clean run of the final org. `FLYWHEEL_SOAK_DAYS`
shortens it (default 30); a day costs one full run of the job (~1 to 2 minutes on 2 busy cores).
"""

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time

import duckdb
import orjson
import pytest
from conftest import SMALL, run_pipeline

from pipelines.assets.extract import EXTRACT_STEP, asset_key
from pipelines.publish import sha256
from pipelines.salesforce.objects import OBJECTS, OBJECTS_BY_NAME
from pipelines.salesforce.resource import SalesforceResource
from pipelines.sample_org.accuracy import flag_scores
from pipelines.sample_org.org import SampleOrg

DAYS = int(os.environ.get("FLYWHEEL_SOAK_DAYS", "6"))
LAST = SMALL.end_date
FIRST = LAST - dt.timedelta(days=DAYS)  # the first load, then one run a day up to LAST
QUIET = {"Event": (FIRST + dt.timedelta(days=8), FIRST + dt.timedelta(days=15))}  # a week with no change
KILL_DAYS = {5, 12, 19, 26}
BATCH = {"ops": {EXTRACT_STEP: {"config": {"batch_size": 200}}}}

# The day's fault, by day number (1 = the first day after the first load); call 1 is the describe.
FAULTS = {
    "dropped connection after the first pages were answered": lambda org: org.faults.drop_connection_after_call(2),
    "503 on one subrequest of a Composite call": lambda org: org.faults.fail_subrequest(2, index=1),
    "503 on a whole call": lambda org: org.faults.fail_call(2),
    "session expired": lambda org: org.faults.expire_sessions_after(1),
    "QUERY_TIMEOUT on Task": lambda org: org.faults.query_timeout("Task"),
    "released cursor on LoginHistory (full refresh)": lambda org: org.faults.release_cursor("LoginHistory"),
    "none": lambda org: None,
}
SCHEDULE = list(FAULTS)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59, 999000))


def replay(org: SampleOrg, day: dt.date) -> None:
    frozen = {name: end_of(start) for name, (start, end) in QUIET.items() if start < day <= end}
    org.store.show_as_of(end_of(day), frozen)


def raw_matches_org(database, org) -> None:
    with duckdb.connect(str(database), read_only=True) as con:
        for spec in OBJECTS:
            mark = spec.watermark_field
            raw = sorted(con.execute(f'SELECT "Id", "{mark}" FROM raw_salesforce.{spec.table}').fetchall())
            expected = sorted((r["Id"], r[mark]) for r in org.store.records(spec.name, include_deleted=True))
            assert raw == expected, spec.name


def published_as_of(exports, day: dt.date) -> None:
    manifest = orjson.loads((exports / "current" / "manifest.json").read_bytes())
    assert manifest["as_of_date"] == str(day)
    for name, entry in manifest["files"].items():
        assert sha256(exports / "current" / name) == entry["sha256"], name


KILLED_SYNC = """
import sys, duckdb
from pipelines.salesforce.auth import Credentials, connect
from pipelines.salesforce.client import SalesforceClient
from pipelines.salesforce.objects import OBJECTS
from pipelines.extract.options import SyncOptions
from pipelines.extract.sync import sync_objects
url, token, database = sys.argv[1:4]
creds = Credentials(instance_url=url, access_token=token)
with duckdb.connect(database) as con:
    print("started", flush=True)
    for outcome in sync_objects(SalesforceClient(connect(creds), mode=creds.mode), con, OBJECTS, SyncOptions(batch_size=200)):
        print("ended", outcome.object_name, flush=True)
"""


def kill_a_sync(org, database, delay: float) -> str:
    """Start the day's sync in a child and SIGKILL it `delay` seconds after it started."""
    env = {**os.environ, "REQUESTS_CA_BUNDLE": str(org.ca_file)}
    child = subprocess.Popen([sys.executable, "-c", KILLED_SYNC, org.url, org.issue_token(), str(database)],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "started"
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    out, _ = child.communicate(timeout=60)
    return f"killed {delay:.2f}s in, {'finished' if child.returncode == 0 else str(out.count('ended')) + ' objects committed'}"


@pytest.mark.slow
def test_a_month_of_daily_runs(tmp_path, monkeypatch):
    database, exports = tmp_path / "flywheel.duckdb", tmp_path / "exports"
    rng = random.Random(11)
    log = []
    with SampleOrg.from_generator(SMALL) as org:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
        c = org.credentials

        class OrgSalesforce(SalesforceResource):  # a login flow (renews an expired session), routed to the org
            def http_session(self):
                return org.client_session()

        salesforce = OrgSalesforce(username=c.username, password=c.password, security_token=c.security_token)
        for number in range(DAYS + 1):
            day, started = FIRST + dt.timedelta(days=number), time.monotonic()
            replay(org, day)
            fault = "dropped connection after a Query More call was answered" if number == 0 else SCHEDULE[(number - 1) % len(SCHEDULE)]
            config = BATCH
            if number == 0:
                org.faults.drop_connection_after_call(5)  # describe, two COUNT() calls, first pages, next pages
            else:
                FAULTS[fault](org)
            if fault.endswith("(full refresh)"):
                config = {"ops": {EXTRACT_STEP: {"config": {"batch_size": 200, "full_refresh": True}}}}
            killed = kill_a_sync(org, database, rng.uniform(0.3, 2.5)) if number in KILL_DAYS else ""
            result = run_pipeline(org, database, exports, config, salesforce=salesforce)
            assert result.success, (day, fault)
            org.faults.reset()
            raw_matches_org(database, org)
            published_as_of(exports, day)
            meta = {
                e.asset_key: e.metadata for e in result.asset_materializations_for_node(EXTRACT_STEP)
            }
            restarts = {k.path[-1]: m["read_restarts"].value for k, m in meta.items() if m["read_restarts"].value}
            if fault.startswith("released cursor"):
                assert restarts.get("login_history") == 1, restarts
            if QUIET["Event"][0] < day <= QUIET["Event"][1]:  # nothing new: fresh all the same (the run passed)
                assert meta[asset_key(OBJECTS_BY_NAME["Event"])]["rows_new"].value == 0
            log.append(f"{day} {fault}{'; ' + killed if killed else ''}; restarts {restarts or 'none'}; "
                       f"{time.monotonic() - started:.1f}s")
        print("\n".join(log))
        # the month of runs lands what one clean first load of the final org lands, flags included
        clean = tmp_path / "clean.duckdb"
        assert run_pipeline(org, clean, tmp_path / "clean_exports").success
        assert flags(database) == flags(clean)
        with duckdb.connect(str(database), read_only=True) as con:
            scores, wrongly = flag_scores(con, org.generated.ground_truth.to_pylist())
        assert wrongly == []  # no integration user or new hire flagged
        for score in scores:  # every planted behaviour found (this small org flags one lead neglecter more)
            assert score.true_positives == score.expected, score


def flags(database) -> list[tuple[str, str]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return sorted(con.execute("SELECT user_id, flag FROM marts.silent_non_use").fetchall())
