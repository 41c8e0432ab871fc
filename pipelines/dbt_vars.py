"""dbt vars for one run: checked against the vars `dbt_project.yml` declares, passed as `--vars`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml


class UnknownDbtVar(ValueError):
    """A var the dbt project does not declare: a typo would otherwise be ignored silently."""


def declared_vars(project_file: Path) -> dict[str, Any]:
    """The project's vars with their defaults."""
    return dict(yaml.safe_load(project_file.read_text()).get("vars") or {})


def vars_arguments(requested: Mapping[str, Any], declared: Mapping[str, Any]) -> list[str]:
    """`["--vars", "<json>"]` for `requested`, or nothing; an undeclared name is refused."""
    unknown = sorted(set(requested) - set(declared))
    if unknown:
        raise UnknownDbtVar(
            f"dbt var {', '.join(unknown)} is not declared in dbt_project.yml; known vars: {', '.join(sorted(declared))}"
        )
    return ["--vars", json.dumps(dict(requested), sort_keys=True)] if requested else []
