"""Which Salesforce fields each flag rule cannot judge without: the table `flywheel check` reads.

Its one home is the rules' own YAML (`meta.salesforce_fields` of each `int_flag_<flag>` model in
`models/intermediate/flags/_flags__models.yml`), beside the SQL that reads the fields; the metric
definitions (dbt docs) show it with each rule. Here it is read and turned around: field → rules.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from pipelines.dbt.project import DBT_PROJECT_DIR

FLAG_RULES_YAML = DBT_PROJECT_DIR / "models" / "intermediate" / "flags" / "_flags__models.yml"
RULE_PREFIX = "int_flag_"


def rule_fields(path: Path = FLAG_RULES_YAML) -> dict[str, tuple[str, ...]]:
    """`Object.Field` → the flags that need it, in the rules' order."""
    needed: dict[str, list[str]] = {}
    for model in yaml.safe_load(path.read_text())["models"]:
        fields = ((model.get("config") or {}).get("meta") or {}).get("salesforce_fields") or []
        for field in fields:
            needed.setdefault(field, []).append(model["name"].removeprefix(RULE_PREFIX))
    return {field: tuple(rules) for field, rules in needed.items()}
