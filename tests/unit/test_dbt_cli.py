"""The dbt resource reads dbt's version from the installed package instead of a `dbt --version`
subprocess per run, and makes no dbt adapter in this process: the version must be the one
`dbt --version` reports, and dagster-dbt must still ask for both under those names (or the
overrides would silently stop applying)."""

import os
import re
import subprocess

import pytest
from dagster_dbt import DbtCliResource

from pipelines.dbt.project import FlywheelDbtCli, dbt_cli


@pytest.mark.slow  # starts dbt
def test_the_dbt_version_is_the_one_dbt_reports():
    reported = subprocess.run(["dbt", "--version"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"installed:\s+(\d+\.\d+\.\d+)", reported).group(1) == str(dbt_cli()._cli_version)


def test_dagster_dbt_still_asks_for_the_version_under_the_overridden_name():
    assert "_cli_version" in vars(DbtCliResource) and "_cli_version" in vars(FlywheelDbtCli)


def test_no_dbt_adapter_is_made_in_this_process_under_the_name_dagster_dbt_calls():
    """dagster-dbt's `cli` makes a dbt adapter in this process through `_initialize_dbt_core_adapter`
    (seconds per run, for metadata Flywheel reads itself); Flywheel's resource makes none, and the
    name must still be dagster-dbt's, or the override would silently stop applying."""
    assert "_initialize_dbt_core_adapter" in vars(DbtCliResource)
    assert "_initialize_dbt_core_adapter" in vars(FlywheelDbtCli)
    assert dbt_cli()._initialize_dbt_core_adapter(["build"]) is None


@pytest.mark.slow  # starts dbt (a few seconds each)
def test_each_dbt_call_gets_its_own_database_and_leaves_the_environment_as_it_was(tmp_path):
    """The DuckDB file reaches dbt through dbt's environment (profiles.yml holds no path), given per
    call: two calls at once from two threads each open their own file, and this process's
    environment is left as it was."""
    from concurrent.futures import ThreadPoolExecutor

    def debug(name: str):
        env = {"FLYWHEEL_DUCKDB_PATH": str(tmp_path / f"{name}.duckdb")}
        return dbt_cli().cli(["debug"], env=env, target_path=tmp_path / f"{name}-target", raise_on_error=False).wait()

    before = os.environ.get("FLYWHEEL_DUCKDB_PATH")
    with ThreadPoolExecutor(2) as pool:
        calls = list(pool.map(debug, ["first", "second"]))
    assert [c.is_successful() for c in calls] == [True, True]
    assert (tmp_path / "first.duckdb").is_file() and (tmp_path / "second.duckdb").is_file()
    assert os.environ.get("FLYWHEEL_DUCKDB_PATH") == before


@pytest.mark.slow
def test_dbt_without_a_database_says_which_variable_to_set(tmp_path):
    call = dbt_cli().cli(["debug"], env={"FLYWHEEL_DUCKDB_PATH": ""}, target_path=tmp_path, raise_on_error=False).wait()
    assert not call.is_successful()
    assert "FLYWHEEL_DUCKDB_PATH is not set" in (tmp_path / "dbt.log").read_text()
