"""The code location loads whole: every asset, check and job a data engineer expects."""

import dagster as dg

import pytest

from pipelines.dbt.project import published_marts
from pipelines.definitions import build_defs
from pipelines.salesforce.objects import OBJECTS
from pipelines.settings import Settings


@pytest.fixture(scope="module")
def defs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("defs")
    return build_defs(Settings(duckdb_path=folder / "flywheel.duckdb", export_dir=folder / "exports"))


def test_definitions_load_with_the_job_extracts_models_and_checks(defs):
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {f"raw_salesforce/{spec.table}" for spec in OBJECTS} <= keys
    assert {f"marts/{m}" for m in published_marts()} <= keys
    job = defs.resolve_job_def("adoption_refresh")
    # everything but the weekly digest, which its own job runs (test_the_digest_has_its_own_stopped_schedule)
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} == keys - {"publish/manager_digest"}
    checks = graph.asset_check_keys
    assert any(c.name.startswith("unique_") for c in checks)  # dbt tests arrive as asset checks


def test_every_marts_contract_check_is_a_check_on_every_engine(defs):
    """The checks come from the manifest parsed for DuckDB, where the engine enforces the marts'
    contracts: `flywheel_contract_holds` must be in it all the same, or a Spark run reporting it
    fails on a test the manifest does not know."""
    checks = defs.resolve_asset_graph().asset_check_keys
    checked = {c.asset_key.path[-1] for c in checks if c.name.startswith("flywheel_contract_holds")}
    assert checked == set(published_marts())


def test_models_read_from_the_extract_assets(defs):
    graph = defs.resolve_asset_graph()
    staging = next(k for k in graph.get_all_asset_keys() if k.path[-1] == "stg_salesforce__login_history")
    assert dg.AssetKey(["raw_salesforce", "login_history"]) in graph.get(staging).parent_keys


def test_the_report_comes_after_publishing_in_the_publish_group(defs):
    graph = defs.resolve_asset_graph()
    report = graph.get(dg.AssetKey(["publish", "adoption_report"]))
    assert report.parent_keys == {dg.AssetKey(["publish", "marts_export"])}
    assert report.group_name == "publish"
    assert dg.AssetKey(["publish", "adoption_report"]) in defs.resolve_job_def("adoption_refresh").asset_layer.executable_asset_keys


def test_the_alert_sensors_and_the_jobs_failure_hook_are_part_of_the_code_location(defs):
    sensors = {s.name: s for s in defs.sensors}
    assert {"flywheel_failure_alert", "flywheel_success_alert", "flywheel_stale_data_alert"} <= set(sensors)
    assert all(s.default_status is dg.DefaultSensorStatus.RUNNING for s in sensors.values())
    assert {h.name for h in defs.resolve_job_def("adoption_refresh").hook_defs} == {"flywheel_failure_alert_hook"}


def test_the_digest_has_its_own_job_and_a_stopped_monday_schedule(defs):
    job = defs.resolve_job_def("manager_digest")
    assert job.asset_layer.executable_asset_keys == {dg.AssetKey(["publish", "manager_digest"])}
    schedule = defs.resolve_schedule_def("weekly_manager_digest")
    assert (schedule.job_name, schedule.cron_schedule, schedule.execution_timezone) == ("manager_digest", "0 7 * * 1", "UTC")
    assert schedule.default_status is dg.DefaultScheduleStatus.STOPPED
    digest = defs.resolve_asset_graph().get(dg.AssetKey(["publish", "manager_digest"]))
    assert digest.group_name == "publish" and dg.AssetKey(["publish", "marts_export"]) in digest.parent_keys
