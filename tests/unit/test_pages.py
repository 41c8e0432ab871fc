import pyarrow as pa
import pytest

from pipelines.extract.columns import Column
from pipelines.extract.pages import MalformedRecord, records_to_arrow

COLUMNS = [
    Column("Id", "id"),
    Column("Amount", "currency"),
    Column("IsWon", "boolean"),
    Column("CloseDate", "date"),
    Column("Owner.Name", "string"),
]


def record(**values):
    return {"attributes": {"type": "Opportunity", "url": "/x"}, **values}


def test_records_become_typed_columns_with_relationships_flattened():
    table = records_to_arrow(
        [
            record(Id="006A", Amount=675000, IsWon=True, CloseDate="2024-01-15", Owner={"attributes": {}, "Name": "Ann"}),
            record(Id="006B", Amount=None, IsWon=False, CloseDate=None, Owner=None),
        ],
        COLUMNS,
        "Opportunity",
    )
    assert table.column_names == ["Id", "Amount", "IsWon", "CloseDate", "Owner_Name"]
    assert table.schema.field("Amount").type == pa.float64()
    assert table.to_pydict() == {
        "Id": ["006A", "006B"],
        "Amount": [675000.0, None],
        "IsWon": [True, False],
        "CloseDate": ["2024-01-15", None],
        "Owner_Name": ["Ann", None],
    }


def test_value_of_the_wrong_type_names_object_field_and_record():
    with pytest.raises(MalformedRecord, match=r"Opportunity.Amount \(currency\) of record 006B holds 'lots'"):
        records_to_arrow([record(Id="006A", Amount=1.5), record(Id="006B", Amount="lots")], COLUMNS[:2], "Opportunity")
