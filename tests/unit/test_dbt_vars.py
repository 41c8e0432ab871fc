"""dbt vars per run: declared names pass as `--vars`, an unknown one is refused with the known ones."""

import json
from pathlib import Path

import pytest

from pipelines.dbt_vars import UnknownDbtVar, declared_vars, vars_arguments

PROJECT = Path(__file__).resolve().parents[2] / "dbt_project" / "dbt_project.yml"


def test_declared_vars_are_read_from_the_project():
    declared = declared_vars(PROJECT)
    assert declared["dormant_days"] == 14 and "as_of_date" in declared


def test_known_vars_become_one_vars_argument():
    flag, value = vars_arguments({"dormant_days": 21, "window_days": 35}, declared_vars(PROJECT))
    assert flag == "--vars" and json.loads(value) == {"dormant_days": 21, "window_days": 35}
    assert vars_arguments({}, declared_vars(PROJECT)) == []


def test_an_unknown_var_is_refused_with_the_known_ones():
    with pytest.raises(UnknownDbtVar, match="dbt var dormant_dayz is not declared") as error:
        vars_arguments({"dormant_dayz": 21}, declared_vars(PROJECT))
    assert "dormant_days" in str(error.value) and "window_days" in str(error.value)
