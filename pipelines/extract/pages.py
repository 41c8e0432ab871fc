"""A page of records → an Arrow table, one column per synced field.

REST pages (JSON records) keep their values and get their Arrow type; Bulk API 2.0 pages (CSV)
stay text. Either way DuckDB casts each column once per page while staging it (datetimes,
dates, and Bulk's booleans and numbers), not a Python call per value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.csv as pa_csv

from pipelines.extract.columns import Column

_ARROW_TYPES: dict[str, pa.DataType] = {
    "BOOLEAN": pa.bool_(),
    "DOUBLE": pa.float64(),
    "BIGINT": pa.int64(),
}


class MalformedRecord(ValueError):
    """A record's value does not fit its field's type."""


def _values(records: Sequence[dict[str, Any]], field: str) -> list[Any]:
    if "." not in field:
        return [r.get(field) for r in records]
    relationship, name = field.split(".")
    return [(r.get(relationship) or {}).get(name) for r in records]


def arrow_type(column: Column) -> pa.DataType:
    """The Arrow type a column travels in (text for datetimes and dates)."""
    return _ARROW_TYPES.get(column.duckdb_type, pa.string())


def records_to_arrow(records: Sequence[dict[str, Any]], columns: Sequence[Column], object_name: str) -> pa.Table:
    arrays = []
    for column in columns:
        values = _values(records, column.field)
        if column.sf_type == "anyType":  # a history row's old or new value: an Id, a name, a number …
            values = [None if v is None else v if isinstance(v, str) else orjson.dumps(v).decode() for v in values]
        try:
            arrays.append(pa.array(values, type=arrow_type(column)))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            bad = next(
                (r.get("Id"), v) for r, v in zip(records, values) if not _fits(v, arrow_type(column))
            )
            raise MalformedRecord(
                f"{object_name}.{column.field} ({column.sf_type}) of record {bad[0]} holds "
                f"{bad[1]!r:.80}, which is not a {column.sf_type}"
            ) from None
    return pa.Table.from_arrays(arrays, names=[c.name for c in columns])


def _fits(value: Any, type_: pa.DataType) -> bool:
    try:
        pa.array([value], type=type_)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return False
    return True


def csv_to_arrow(page: bytes, columns: Sequence[Column], object_name: str) -> pa.Table:
    """A Bulk API 2.0 results page (header row, values quoted, nulls as empty fields)."""
    fields = [c.field for c in columns]
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(page),
            read_options=pa_csv.ReadOptions(use_threads=False),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types={f: pa.string() for f in fields},
                include_columns=fields,
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,  # Salesforce stores no empty strings: "" is null, as in REST
            ),
        )
    except (pa.ArrowInvalid, KeyError) as exc:
        raise MalformedRecord(f"{object_name}: a Bulk API 2.0 results page is not the CSV asked for ({exc})") from None
    return table.rename_columns([c.name for c in columns])
