"""Which of the wanted fields an org has, and the raw column each lands in.

An org hides fields through field-level security, and older or trimmed orgs lack some: the
object's `describe` decides. A wanted field that describe does not list is skipped and
reported, never asked for (asking would fail the query) and never silently filled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pipelines.salesforce.objects import ObjectSpec, column_name

# Salesforce field type → DuckDB column type. Anything not listed is kept as text.
DUCKDB_TYPES: dict[str, str] = {
    "boolean": "BOOLEAN",
    "datetime": "TIMESTAMP",  # always UTC
    "date": "DATE",
    "double": "DOUBLE",
    "currency": "DOUBLE",
    "percent": "DOUBLE",
    "int": "BIGINT",
    "long": "BIGINT",
}


@dataclass(frozen=True)
class Column:
    field: str  # as written in SOQL: `Profile.Name`
    sf_type: str  # Salesforce's type from describe

    @property
    def name(self) -> str:
        return column_name(self.field)

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES.get(self.sf_type, "VARCHAR")


class MissingRequiredField(RuntimeError):
    """The org does not expose a field without which the object cannot be synced."""


def field_types(describe: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """describe's fields by lower-cased name."""
    return {f["name"].lower(): f for f in describe["fields"]}


def relationship_parents(spec: ObjectSpec, describe: Mapping[str, Any]) -> dict[str, str]:
    """For each wanted relationship (`Profile` of `Profile.Name`) the parent object it names."""
    by_relationship = {
        f["relationshipName"].lower(): f
        for f in describe["fields"]
        if f.get("relationshipName") and f.get("referenceTo")
    }
    parents = {}
    for field in spec.fields:
        if "." in field:
            relationship = field.split(".")[0]
            ref = by_relationship.get(relationship.lower())
            if ref and len(ref["referenceTo"]) == 1:
                parents[relationship] = ref["referenceTo"][0]
    return parents


def plan_columns(
    spec: ObjectSpec,
    describe: Mapping[str, Any],
    parent_describes: Mapping[str, Mapping[str, Any]],
) -> tuple[list[Column], list[str]]:
    """The columns to sync, in the spec's order, and the wanted fields the org does not have."""
    own = field_types(describe)
    parents = {rel.lower(): field_types(d) for rel, d in parent_describes.items()}
    columns: list[Column] = []
    missing: list[str] = []
    for field in spec.fields:
        if "." in field:
            relationship, name = field.split(".")
            found = parents.get(relationship.lower(), {}).get(name.lower())
        else:
            found = own.get(field.lower())
        if found is None:
            missing.append(field)
        else:
            columns.append(Column(field=field, sf_type=found["type"]))
    absent_required = [f for f in spec.required if f in missing]
    if absent_required:
        raise MissingRequiredField(
            f"{spec.name}: the org's describe lacks {', '.join(absent_required)}, without which "
            f"{spec.name} cannot be synced. Give the integration user read access to "
            f"{'these fields' if len(absent_required) > 1 else 'this field'} (field-level security)."
        )
    return columns, missing


def picklist_values(describe: Mapping[str, Any]) -> dict[str, list[str]]:
    """Each picklist field's active values, as describe lists them (`picklistValues`): what the
    org lets Lead.Status or Opportunity.Type hold, which the rules' vars name."""
    return {
        f["name"]: [v["value"] for v in f["picklistValues"] if v.get("active", True) and v.get("value") is not None]
        for f in describe["fields"] if f.get("picklistValues")
    }
