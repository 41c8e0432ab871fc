"""Run config on the dbt step: an unknown var stops the step before dbt runs, naming the known ones."""

import dagster as dg
from dagster_dbt import DbtCliResource

from pipelines.assets.models import adoption_models
from pipelines.dbt_project import dbt_project


def test_an_unknown_var_in_run_config_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("FLYWHEEL_DUCKDB_PATH", str(tmp_path / "f.duckdb"))
    result = dg.materialize(
        [adoption_models],
        instance=dg.DagsterInstance.ephemeral(),
        resources={"dbt": DbtCliResource(project_dir=dbt_project)},
        run_config={"ops": {"adoption_models": {"config": {"vars": {"dormant_dayz": 21}}}}},
        raise_on_error=False,
    )
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    message = str(failure.step_failure_data.error)
    assert "dbt var dormant_dayz is not declared" in message and "dormant_days" in message
    assert not (tmp_path / "f.duckdb").exists()  # dbt never ran
