"""The product's fixed vocabulary, read from its one home: the `flywheel_flags` and
`flywheel_tiers` vars of `dbt_project/dbt_project.yml` (which the dbt models read too)."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from pipelines.dbt_project import DBT_PROJECT_DIR


@cache
def _project_vars() -> dict[str, Any]:
    return yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]


def flag_severities() -> dict[str, str]:
    """Each flag with its severity (`info` | `warn` | `critical`), in the contract's order."""
    return dict(_project_vars()["flywheel_flags"])


def flags() -> tuple[str, ...]:
    return tuple(flag_severities())


def tiers() -> tuple[str, ...]:
    """The tiers, best first."""
    return tuple(_project_vars()["flywheel_tiers"])
