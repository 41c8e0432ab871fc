"""The rules' vars that name values of the org's own picklists (the initial lead statuses, the
new-business opportunity types …), held against the values the org's describe lists: a value the
org's picklist lacks is a rule that silently never fires, so it is said, never an error."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pipelines.dbt.project import DBT_PROJECT_DIR
from pipelines.dbt.vars import declared_vars

# (object, picklist field) → the dbt vars whose values must be values of that picklist
PICKLIST_VARS: dict[tuple[str, str], tuple[str, ...]] = {
    ("Lead", "Status"): ("lead_initial_statuses", "lead_closed_statuses"),
    ("Opportunity", "Type"): ("new_business_types",),
}


def project_vars() -> dict[str, Any]:
    """The vars of `dbt_project.yml` (a run may set others through its config: see the README)."""
    return declared_vars(DBT_PROJECT_DIR / "dbt_project.yml")


def picklist_warnings(object_name: str, picklists: Mapping[str, Sequence[str]], dbt_vars: Mapping[str, Any]) -> list[str]:
    """One sentence per var naming a value `object_name`'s picklist lacks; `picklists`: each
    picklist field's values as describe lists them. A field describe does not list (hidden, or not
    a picklist in this org) has nothing to be held against."""
    warnings = []
    for (obj, field), names in PICKLIST_VARS.items():
        if obj != object_name or not picklists.get(field):
            continue
        values = list(picklists[field])
        for name in names:
            lacking = [v for v in dbt_vars.get(name) or [] if v not in values]
            if lacking:
                warnings.append(
                    f"{name} names {', '.join(repr(v) for v in lacking)}, which the org's {obj}.{field} picklist "
                    f"does not hold ({', '.join(repr(v) for v in values)}): the rule never meets "
                    f"{'that value' if len(lacking) == 1 else 'those values'}; set {name} in dbt_project.yml to the "
                    "org's own values."
                )
    return warnings
