"""Readers never stop the run by surprise: a real second process holding the working DuckDB file
(read-only, as a notebook or the DuckDB CLI does) is waited for a bounded time with log lines
naming it, then the run fails naming the process and what to do, and its one alert says so."""

import logging
import subprocess
import sys

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import JOB, build_defs
from pipelines.salesforce.resource import SalesforceResource
from pipelines.settings import Settings
from pipelines.storage.warehouse import DuckDBWarehouse

HOLD = "import duckdb, sys, time; con = duckdb.connect(sys.argv[1], read_only=True); print('holding', flush=True); time.sleep(float(sys.argv[2]))"


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "flywheel.duckdb"
    duckdb.connect(str(path)).close()
    return path


def hold(database, seconds: float) -> subprocess.Popen:
    """Another process that opens the file read-only and keeps it open for `seconds`."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(database), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    return holder


def test_a_holder_that_stays_is_named_with_what_to_do(database):
    holder = hold(database, 600)
    try:
        with pytest.raises(dg.Failure) as failure:
            with DuckDBWarehouse(database=str(database), lock_wait_seconds=2).get_connection():
                pass
    finally:
        holder.kill()
        holder.wait()
    text = failure.value.description
    assert f"PID {holder.pid} (" in text and "import duckdb, sys, time" in text  # its whole command line
    assert f"kill {holder.pid}" in text and "current/flywheel_marts.duckdb" in text


def test_a_holder_that_lets_go_is_waited_for_and_named_in_the_log(database, caplog):
    caplog.set_level(logging.WARNING)
    holder = hold(database, 2)
    with DuckDBWarehouse(database=str(database), lock_wait_seconds=120).get_connection() as con:
        assert con.execute("SELECT 42").fetchone() == (42,)
    holder.wait()
    [said] = [r.getMessage() for r in caplog.records if "is held by" in r.getMessage()]
    assert f"PID {holder.pid}" in said and "waiting up to 120 s" in said


@pytest.mark.slow
def test_a_run_stopped_by_a_holder_says_who_in_its_log_and_alerts_once(org, database, tmp_path, receiver, monkeypatch):
    url, received = receiver
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
    settings = Settings.from_env({"FLYWHEEL_DUCKDB_PATH": str(database), "FLYWHEEL_EXPORT_DIR": str(tmp_path / "exports"),
                                  "FLYWHEEL_LOCK_WAIT_SECONDS": "3", "FLYWHEEL_ALERT_WEBHOOK_URL": url},
                                 dotenv=None, base=tmp_path)
    defs = build_defs(settings, salesforce=SalesforceResource(instance_url=org.url, access_token=org.issue_token()))
    holder = hold(database, 600)
    try:
        with dg.instance_for_test() as instance:
            result = defs.resolve_job_def(JOB).execute_in_process(instance=instance, raise_on_error=False)
            log = [r.user_message for r in instance.all_logs(result.run_id) if r.dagster_event is None]
    finally:
        holder.kill()
        holder.wait()
    assert not result.success
    assert any(f"is held by PID {holder.pid}" in line and "waiting up to 3 s" in line for line in log), log
    assert len(received) == 1
    text = received[0]["text"]
    print(text)
    assert "failed at extract_salesforce" in text and f"PID {holder.pid}" in text and f"kill {holder.pid}" in text
    assert not (tmp_path / "exports" / "current").exists()
