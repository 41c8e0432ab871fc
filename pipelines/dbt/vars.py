"""dbt vars for one run: checked against the vars `dbt_project.yml` declares, passed as `--vars`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml


class UnknownDbtVar(ValueError):
    """A var the dbt project does not declare: a typo would otherwise be ignored silently."""


def declared_vars(project_file: Path) -> dict[str, Any]:
    """The project's vars with their defaults."""
    return dict(yaml.safe_load(project_file.read_text()).get("vars") or {})


# The vocabulary the contract fixes (flags, tiers, badges, pillars: pipelines/dbt/vocabulary.py) is
# declared as vars named `flywheel_*` in dbt_project.yml, and never set for a run.
VOCABULARY_PREFIX = "flywheel_"


def fixed_vars(declared: Mapping[str, Any]) -> set[str]:
    """The declared vars that are vocabulary, not thresholds."""
    return {name for name in declared if name.startswith(VOCABULARY_PREFIX)}


def checked_vars(requested: Mapping[str, Any], declared: Mapping[str, Any]) -> dict[str, Any]:
    """`requested`, once every name is a declared threshold or window; anything else is refused."""
    known = sorted(set(declared) - fixed_vars(declared))
    unknown = sorted(set(requested) - set(known))
    if unknown:
        raise UnknownDbtVar(
            f"dbt var {', '.join(unknown)} is not declared in dbt_project.yml (or is fixed by the contract); "
            f"known vars: {', '.join(known)}"
        )
    return dict(requested)
