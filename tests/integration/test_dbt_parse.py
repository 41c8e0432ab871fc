"""A run on a database dbt has never seen reuses the parse prepared once for the project: where
the data is reaches dbt through its environment, never through its parse key (vars, target,
profile values)."""

import pytest

from pipelines.storage.warehouse import dbt_target_path

pytestmark = pytest.mark.slow  # reads the shared whole run


def test_a_run_on_a_new_database_does_not_parse_the_project_again(good_run):
    log = (dbt_target_path(good_run.database) / "dbt.log").read_text()
    assert "Registered adapter: duckdb" in log  # the build's own log
    assert "Unable to do partial parsing" not in log and "Starting full parse" not in log, [
        line for line in log.splitlines() if "pars" in line]
