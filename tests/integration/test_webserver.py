"""The Dagster UI's server loads the code location whole: asked through its GraphQL API, as the UI asks."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from pipelines.dbt.project import published_marts
from pipelines.salesforce.objects import OBJECTS

pytestmark = pytest.mark.slow  # runs the whole job (or dbt build): not in the fast tier

REPO = Path(__file__).resolve().parents[2]
QUERY = """
{
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        locationOrLoadError {
          __typename
          ... on PythonError { message }
          ... on RepositoryLocation {
            repositories {
              name
              jobs { name }
              schedules { name cronSchedule scheduleState { status } }
              assetNodes {
                assetKey { path }
                groupName
                owners { ... on TeamAssetOwner { team } }
                assetChecksOrError { ... on AssetChecks { checks { name blocking } } }
              }
            }
          }
        }
      }
    }
  }
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(REPO / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "FLYWHEEL_DUCKDB_PATH": str(home / "flywheel.duckdb"),
           "FLYWHEEL_EXPORT_DIR": str(home / "exports")}
    process = subprocess.Popen(
        [sys.executable, "-m", "dagster_webserver", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"dagster-webserver exited:\n{process.stdout.read()}")
            try:
                if requests.get(f"http://127.0.0.1:{port}/server_info", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        else:
            pytest.fail("dagster-webserver did not answer within 120 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_ui_loads_every_asset_check_job_and_schedule(webserver):
    session = requests.Session()
    session.trust_env = False  # localhost: no proxy
    answer = session.post(webserver, json={"query": QUERY}, timeout=120).json()
    entries = answer["data"]["workspaceOrError"]["locationEntries"]
    assert [e["name"] for e in entries] == ["flywheel"]
    location = entries[0]["locationOrLoadError"]
    assert location["__typename"] == "RepositoryLocation", location.get("message")
    (repository,) = location["repositories"]

    assert {j["name"] for j in repository["jobs"]} >= {"adoption_refresh"}
    schedules = {s["name"]: s for s in repository["schedules"]}
    assert set(schedules) == {"daily_incremental_refresh", "weekly_full_reconciliation", "weekly_manager_digest"}
    assert all(s["scheduleState"]["status"] == "STOPPED" for s in schedules.values())

    nodes = {"/".join(n["assetKey"]["path"]): n for n in repository["assetNodes"]}
    expected_groups = {f"raw_salesforce/{spec.table}": "salesforce_raw" for spec in OBJECTS}
    expected_groups |= {f"marts/{mart}": "adoption_models" for mart in published_marts()}
    expected_groups["publish/marts_export"] = "publish"
    expected_groups["quality/data_docs"] = "quality"
    expected_groups["publish/adoption_report"] = "publish"
    assert {key: nodes[key]["groupName"] for key in expected_groups if key in nodes} == expected_groups
    assert all(nodes[key]["owners"] for key in expected_groups)

    checks = {(key, c["name"]): c["blocking"]
              for key, node in nodes.items() for c in node["assetChecksOrError"].get("checks", [])}
    for spec in OBJECTS:
        assert checks[(f"raw_salesforce/{spec.table}", "rows_synced_pass_gx_suite")] is True
        assert checks[(f"raw_salesforce/{spec.table}", "source_freshness")] is True
    for mart in published_marts():
        assert checks[(f"marts/{mart}", "mart_passes_gx_suite")] is True
    assert any(name.startswith("unique_") for _, name in checks)  # dbt tests
