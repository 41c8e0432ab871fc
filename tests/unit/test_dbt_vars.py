"""dbt vars per run: declared names pass as `--vars`, an unknown one is refused with the known ones."""

import json
from pathlib import Path

import pytest

from pipelines.dbt.project import dbt_vars_args
from pipelines.dbt.vars import UnknownDbtVar, checked_vars, declared_vars, fixed_vars

PROJECT = Path(__file__).resolve().parents[2] / "dbt_project" / "dbt_project.yml"


def test_declared_vars_are_read_from_the_project():
    declared = declared_vars(PROJECT)
    assert declared["dormant_days"] == 14 and "as_of_date" in declared


def test_known_vars_go_to_dbt_and_a_run_without_any_passes_none():
    """Where the data is never travels as a var: vars are part of dbt's parse key, and a run given
    none reuses the prepared parse."""
    requested = checked_vars({"dormant_days": 21, "window_days": 35}, declared_vars(PROJECT))
    flag, value = dbt_vars_args(requested)
    assert flag == "--vars" and json.loads(value) == {"dormant_days": 21, "window_days": 35}
    assert dbt_vars_args({}) == [] and dbt_vars_args() == []


def test_an_unknown_var_is_refused_with_the_known_ones():
    with pytest.raises(UnknownDbtVar, match="dbt var dormant_dayz is not declared") as error:
        checked_vars({"dormant_dayz": 21}, declared_vars(PROJECT))
    assert "dormant_days" in str(error.value) and "window_days" in str(error.value)


@pytest.mark.parametrize("name", ["flywheel_flags", "flywheel_tiers", "flywheel_badges", "flywheel_pillars"])
def test_the_vocabulary_cannot_be_changed_for_a_run(name):
    declared = declared_vars(PROJECT)
    assert name in declared and name in fixed_vars(declared)
    with pytest.raises(UnknownDbtVar, match=name):
        checked_vars({name: declared[name]}, declared)


def test_every_threshold_can_be_set_for_a_run():
    declared = declared_vars(PROJECT)
    thresholds = {name: value for name, value in declared.items() if name not in fixed_vars(declared)}
    assert "dormant_days" in thresholds and checked_vars(thresholds, declared) == thresholds


def test_a_run_with_vars_of_its_own_is_a_what_if_with_a_name_from_them():
    from pipelines.dbt.vars import effective_vars, run_vars, what_if_name

    config = {"ops": {"adoption_models": {"config": {"vars": {"dormant_days": 21, "lead_initial_status": "New / Open"}}},
                      "extract_salesforce": {"config": {"full_refresh": True}}}}
    overrides = run_vars(config)
    assert overrides == {"dormant_days": 21, "lead_initial_status": "New / Open"}
    assert what_if_name(overrides) == "dormant_days=21_lead_initial_status=New-Open"
    assert run_vars({"ops": {"extract_salesforce": {"config": {"full_refresh": True}}}}) == {} and run_vars({}) == {}
    assert what_if_name({}) is None
    recorded = effective_vars(declared_vars(PROJECT), overrides)
    assert recorded["dormant_days"] == 21 and recorded["window_days"] == 28
    assert not any(name.startswith("flywheel_") for name in recorded)  # the vocabulary is not a setting
