"""dbt vars for one run: checked against the vars `dbt_project.yml` declares, passed as `--vars`.

A run given vars of its own (the Launchpad's `ops: {adoption_models: {config: {vars: …}}}`) is a
*what-if* run: it publishes beside the real publication, under its own name, and never replaces it
(pipelines/publish/publication.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml


class UnknownDbtVar(ValueError):
    """A var the dbt project does not declare: a typo would otherwise be ignored silently."""


def declared_vars(project_file: Path) -> dict[str, Any]:
    """The project's vars with their defaults."""
    return dict(yaml.safe_load(project_file.read_text()).get("vars") or {})


# The dbt step (`@dbt_assets`): its run config carries a run's vars.
MODELS_STEP = "adoption_models"

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


def run_vars(run_config: Mapping[str, Any]) -> dict[str, Any]:
    """The dbt vars a run was given in its run config (empty: the project's defaults)."""
    ops = run_config.get("ops") or {}
    return dict(((ops.get(MODELS_STEP) or {}).get("config") or {}).get("vars") or {})


def what_if_name(overrides: Mapping[str, Any]) -> str | None:
    """The name a what-if run publishes under, from its vars (`dormant_days=21`); None for a
    run on the project's defaults."""
    if not overrides:
        return None
    text = "_".join(f"{name}={value}" for name, value in sorted(overrides.items()))
    return re.sub(r"[^A-Za-z0-9_.=-]+", "-", text).strip("-")[:120]


def effective_vars(declared: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Every threshold, window and weight as a run used it (the declared defaults, with this run's
    overrides): what a publication records. The vocabulary (`flywheel_*`) is left out."""
    return {name: overrides.get(name, default) for name, default in declared.items() if not name.startswith("flywheel_")}
