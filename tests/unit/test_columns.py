import pytest

from pipelines.extract.columns import Column, MissingRequiredField, plan_columns, relationship_parents
from pipelines.salesforce.objects import ObjectSpec

SPEC = ObjectSpec(
    name="User",
    key_prefix="005",
    watermark_field="SystemModstamp",
    fields=("Id", "IsActive", "Profile.Name", "Department", "SystemModstamp"),
    required=("Id", "SystemModstamp"),
)

DESCRIBE = {
    "fields": [
        {"name": "Id", "type": "id"},
        {"name": "IsActive", "type": "boolean"},
        {"name": "ProfileId", "type": "reference", "referenceTo": ["Profile"], "relationshipName": "Profile"},
        {"name": "SystemModstamp", "type": "datetime"},
    ]
}
PROFILE = {"fields": [{"name": "Id", "type": "id"}, {"name": "Name", "type": "string"}]}


def test_fields_absent_from_describe_are_skipped_and_reported():
    columns, missing = plan_columns(SPEC, DESCRIBE, {"Profile": PROFILE})
    assert [c.field for c in columns] == ["Id", "IsActive", "Profile.Name", "SystemModstamp"]
    assert missing == ["Department"]


def test_relationship_field_takes_its_type_from_the_parent_and_lands_flattened():
    columns, _ = plan_columns(SPEC, DESCRIBE, {"Profile": PROFILE})
    profile_name = next(c for c in columns if c.field == "Profile.Name")
    assert (profile_name.name, profile_name.duckdb_type) == ("Profile_Name", "VARCHAR")
    assert relationship_parents(SPEC, DESCRIBE) == {"Profile": "Profile"}


def test_relationship_without_parent_describe_is_missing():
    _, missing = plan_columns(SPEC, DESCRIBE, {})
    assert "Profile.Name" in missing


def test_missing_required_field_stops_with_what_to_do():
    describe = {"fields": [f for f in DESCRIBE["fields"] if f["name"] != "SystemModstamp"]}
    with pytest.raises(MissingRequiredField, match="lacks SystemModstamp.*field-level security"):
        plan_columns(SPEC, describe, {"Profile": PROFILE})


@pytest.mark.parametrize(
    ("sf_type", "duckdb_type"),
    [("datetime", "TIMESTAMP"), ("date", "DATE"), ("currency", "DOUBLE"), ("int", "BIGINT"),
     ("boolean", "BOOLEAN"), ("picklist", "VARCHAR"), ("reference", "VARCHAR")],
)
def test_type_mapping(sf_type, duckdb_type):
    assert Column("X", sf_type).duckdb_type == duckdb_type
