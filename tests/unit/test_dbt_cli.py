"""The dbt resource reads dbt's version from the installed package instead of a `dbt --version`
subprocess per run: the version must be the one `dbt --version` reports, and dagster-dbt must
still ask for it under that name (or the override would silently stop applying)."""

import re
import subprocess

from dagster_dbt import DbtCliResource

from pipelines.dbt.project import FlywheelDbtCli, dbt_cli


def test_the_dbt_version_is_the_one_dbt_reports():
    reported = subprocess.run(["dbt", "--version"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"installed:\s+(\d+\.\d+\.\d+)", reported).group(1) == str(dbt_cli()._cli_version)


def test_dagster_dbt_still_asks_for_the_version_under_the_overridden_name():
    assert "_cli_version" in vars(DbtCliResource) and "_cli_version" in vars(FlywheelDbtCli)
