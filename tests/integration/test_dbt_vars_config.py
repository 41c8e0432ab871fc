"""Run config on the dbt step: an unknown var stops the step before dbt runs, naming the known ones."""

import dagster as dg

from pipelines.assets.models import build_adoption_models
from pipelines.dbt.project import dbt_cli, dbt_project
from pipelines.storage.warehouse import DuckDBWarehouse


def test_an_unknown_var_in_run_config_is_refused(tmp_path):
    result = dg.materialize(
        [build_adoption_models(dbt_project.manifest_path)],
        instance=dg.DagsterInstance.ephemeral(),
        resources={"dbt": dbt_cli(),
                   "duckdb": DuckDBWarehouse(database=str(tmp_path / "f.duckdb"))},
        run_config={"ops": {"adoption_models": {"config": {"vars": {"dormant_dayz": 21}}}}},
        raise_on_error=False,
    )
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    message = str(failure.step_failure_data.error)
    assert "dbt var dormant_dayz is not declared" in message and "dormant_days" in message
    assert not (tmp_path / "f.duckdb").exists()  # dbt never ran
