"""The product's fixed vocabulary, read from its one home: the `flywheel_flags`, `flywheel_tiers`,
`flywheel_badges`, `flywheel_pillars` and `flywheel_exclusion_reasons` vars of
`dbt_project/dbt_project.yml` (which the dbt models read too)."""

from __future__ import annotations

from functools import cache
from typing import Any

from pipelines.dbt.project import DBT_PROJECT_DIR
from pipelines.dbt.vars import declared_vars


@cache
def _project_vars() -> dict[str, Any]:
    return declared_vars(DBT_PROJECT_DIR / "dbt_project.yml")


def flag_severities() -> dict[str, str]:
    """Each flag with its severity (`info` | `warn` | `critical`), in the contract's order."""
    return dict(_project_vars()["flywheel_flags"])


def flags() -> tuple[str, ...]:
    return tuple(flag_severities())


def tiers() -> tuple[str, ...]:
    """The tiers, best first."""
    return tuple(_project_vars()["flywheel_tiers"])


def badges() -> tuple[str, ...]:
    """The badges of `user_recognition`, in the contract's order."""
    return tuple(_project_vars()["flywheel_badges"])


def pillars() -> tuple[str, ...]:
    """The CASEI pillars of `team_casei`, in the contract's order (which breaks ties for the weakest)."""
    return tuple(_project_vars()["flywheel_pillars"])


def exclusion_reasons() -> tuple[str, ...]:
    """Why a user is not measured (`excluded_users.exclusion_reason`), in the order one is chosen."""
    return tuple(_project_vars()["flywheel_exclusion_reasons"])
