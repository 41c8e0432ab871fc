"""The sample org's records, in an in-memory DuckDB with Salesforce's field types.

Loaded from a generated org's Arrow tables or from JSON Lines files (one per object, Salesforce
field names and wire formats). Tests change records through `upsert`, `soft_delete` and
`hard_delete`, as people would in a live org, or replay the org's own history with `show_as_of`:
the org as it was at a moment (a record appears at its CreatedDate or LoginTime, carries its
CreatedDate as modstamp until its last change, and is deleted from the moment of that change).

The org keeps its own clock, as Salesforce does (its answers' `Date` header, the modstamps of
records changed through `upsert`): the wall clock, unless set (`set_clock`; a generated org's
reads the morning after its last day, a replay the moment replayed), running on from there.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from pipelines.sample_org.schema import OBJECTS, STORAGE_TYPES, SObject
from pipelines.sample_org.soql import Query, sql_ref

REST_DATETIME = "%Y-%m-%dT%H:%M:%S.%g+0000"
BULK_DATETIME = "%Y-%m-%dT%H:%M:%S.%gZ"


def _q(name: str) -> str:
    return '"' + name + '"'


def _parse_datetime(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value
    text = str(value).replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    return _parse_datetime(dt.datetime.fromisoformat(text))


def _parse_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


class OrgStore:
    def __init__(self, clock: dt.datetime | None = None) -> None:
        self._clock_offset = dt.timedelta(0)
        if clock is not None:
            self.set_clock(clock)
        self._con = duckdb.connect()
        self._con.execute("SET TimeZone = 'UTC'")
        self._lock = threading.RLock()
        for sobject in OBJECTS.values():
            columns = ", ".join(f"{_q(f.name)} {STORAGE_TYPES[f.type]}" for f in sobject.fields)
            self._con.execute(f"CREATE TABLE {_q(sobject.name)} ({columns})")

    # --- loading ----------------------------------------------------------------------------
    @classmethod
    def from_tables(cls, tables: Mapping[str, pa.Table], clock: dt.datetime | None = None) -> "OrgStore":
        store = cls(clock)
        for name, table in tables.items():
            sobject = OBJECTS[name]
            store._con.register("_load", table)
            store._con.execute(f"INSERT INTO {_q(sobject.name)} BY NAME SELECT * FROM _load")
            store._con.unregister("_load")
        return store

    @classmethod
    def from_directory(cls, directory: Path) -> "OrgStore":
        """One `<Object>.jsonl` per object; a field the object lacks is an error."""
        store = cls()
        for path in sorted(Path(directory).glob("*.jsonl")):
            sobject = OBJECTS.get(path.stem)
            if sobject is None:
                raise ValueError(f"{path.name}: no object named {path.stem!r} in the sample org")
            records = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
            for number, record in enumerate(records, 1):
                unknown = [k for k in record if k != "attributes" and sobject.field(k) is None]
                if unknown:
                    raise ValueError(f"{path.name} line {number}: {sobject.name} has no field {unknown[0]!r}")
            store._insert(sobject, records)
        return store

    # --- reading ----------------------------------------------------------------------------
    def records(self, object_name: str, include_deleted: bool = False, every: int = 1) -> list[dict[str, Any]]:
        """The object's records as dicts; with `every`, only every `every`-th by Id (a sample that
        does not hold ten million records in memory)."""
        sobject = OBJECTS[object_name]
        where = "" if include_deleted or sobject.field("IsDeleted") is None else ' WHERE NOT "IsDeleted"'
        sample = f' QUALIFY (row_number() OVER (ORDER BY "Id") - 1) % {int(every)} = 0' if every > 1 else ""
        with self._lock:
            cur = self._con.cursor()
            rows = cur.execute(f"SELECT * FROM {_q(sobject.name)}{where}{sample}").fetchall()
            names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in rows]

    def count(self, object_name: str) -> int:
        with self._lock:
            return self._con.cursor().execute(f"SELECT count(*) FROM {_q(object_name)}").fetchone()[0]

    def open_query(self, query: Query, include_deleted: bool, datetime_format: str) -> tuple[duckdb.DuckDBPyConnection, int]:
        """Run a parsed query; returns a cursor positioned at the first row, and the row count.

        Each row is (Id, parent Id per relationship, selected values…), dates and datetimes
        already formatted as Salesforce sends them.
        """
        sobject = query.sobject
        joins = "".join(
            f' LEFT JOIN {_q(ref.reference_to)} AS "j_{rel}" ON "j_{rel}"."Id" = t.{_q(ref.name)}'
            for rel, ref in query.joins.items()
        )
        conditions = []
        if not include_deleted and sobject.field("IsDeleted") is not None:
            conditions.append('NOT t."IsDeleted"')
        if query.where_sql:
            conditions.append(query.where_sql)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        source = f"FROM {_q(sobject.name)} AS t{joins}{where}"
        limit = f" LIMIT {query.limit}" if query.limit is not None else ""
        if query.grouped:  # one row per group: (no Id, the grouped values)
            grouped = ", ".join(sql_ref(c) for c in query.columns)
            source = f"FROM (SELECT DISTINCT {grouped} {source}) AS t"
        with self._lock:
            cur = self._con.cursor()
            (total,) = cur.execute(f"SELECT count(*) FROM (SELECT 1 {source}{limit})", query.params).fetchone()
            if query.is_count:
                return cur, total
            selected = ["NULL" if query.grouped else 't."Id"'] + [f'"j_{rel}"."Id"' for rel in query.joins]
            for column in query.columns:
                ref = sql_ref(column)
                if column.field.type == "datetime":
                    ref = f"strftime({ref}, '{datetime_format}')"
                elif column.field.type == "date":
                    ref = f"strftime({ref}, '%Y-%m-%d')"
                selected.append(ref)
            default_order = ", ".join(sql_ref(c) for c in query.columns) if query.grouped else 't."Id"'
            order = f" ORDER BY {query.order_sql or default_order}"
            cur.execute(f"SELECT {', '.join(selected)} {source}{order}{limit}", query.params)
        return cur, total

    # --- replaying its history ------------------------------------------------------------------
    def show_as_of(self, moment: dt.datetime, frozen: Mapping[str, dt.datetime] | None = None) -> None:
        """Show the records as they were at `moment` (UTC); an object in `frozen` as at its own
        moment instead (nothing about it changed since). The whole history stays kept aside, so
        the clock can move on; the org's clock reads `moment` and runs on from it."""
        frozen = frozen or {}
        self.set_clock(moment)
        with self._lock:
            self._con.execute("CREATE SCHEMA IF NOT EXISTS history")
            for sobject in OBJECTS.values():
                name = _q(sobject.name)
                self._con.execute(f"CREATE TABLE IF NOT EXISTS history.{name} AS SELECT * FROM {name}")
                born = next((f for f in ("CreatedDate", "LoginTime") if sobject.field(f) is not None), None)
                if born is None:
                    continue  # no birth date (UserRole): always there
                at = min(moment, frozen.get(sobject.name, moment))
                changed = {
                    f: f'CASE WHEN {_q(f)} > $at THEN "{born}" ELSE {_q(f)} END AS {_q(f)}'
                    for f in ("LastModifiedDate", "SystemModstamp") if sobject.field(f) is not None
                }
                if sobject.field("IsDeleted") is not None and "SystemModstamp" in changed:
                    changed["IsDeleted"] = '("IsDeleted" AND "SystemModstamp" <= $at) AS "IsDeleted"'
                replace = f" REPLACE ({', '.join(changed.values())})" if changed else ""
                self._con.execute(
                    f'CREATE OR REPLACE TABLE {name} AS SELECT *{replace} FROM history.{name} WHERE "{born}" <= $at',
                    {"at": at},
                )

    # --- changing ---------------------------------------------------------------------------
    @staticmethod
    def _wall_clock() -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)

    def set_clock(self, moment: dt.datetime) -> None:
        """Set the org's clock to `moment` (UTC); it runs on from there."""
        self._clock_offset = _parse_datetime(moment) - self._wall_clock()

    def now(self) -> dt.datetime:
        """The org's clock (UTC), to the millisecond as Salesforce keeps it."""
        now = self._wall_clock() + self._clock_offset
        return now.replace(microsecond=now.microsecond // 1000 * 1000)

    def upsert(self, object_name: str, records: Iterable[Mapping[str, Any]]) -> None:
        """Insert records, or update the fields given of those whose Id exists."""
        sobject = OBJECTS[object_name]
        now = self.now()
        with self._lock:
            existing = {r for (r,) in self._con.execute(f"SELECT \"Id\" FROM {_q(sobject.name)}").fetchall()}
            new, changed = [], []
            for record in records:
                record = dict(record)
                for stamp in ("LastModifiedDate", "SystemModstamp"):
                    if sobject.field(stamp) is not None:
                        record.setdefault(stamp, now)
                (changed if record["Id"] in existing else new).append(record)
            for record in changed:
                values = self._typed(sobject, record)
                names = [k for k in values if k != "Id"]
                self._con.execute(
                    f"UPDATE {_q(sobject.name)} SET {', '.join(f'{_q(n)} = ?' for n in names)} WHERE \"Id\" = ?",
                    [values[n] for n in names] + [values["Id"]],
                )
            for record in new:
                if sobject.field("CreatedDate") is not None:
                    record.setdefault("CreatedDate", now)
                for f in sobject.fields:
                    if f.type == "boolean" and not f.nillable:
                        record.setdefault(f.name, False)
            self._insert(sobject, new)

    def soft_delete(self, object_name: str, ids: Iterable[str]) -> None:
        self.upsert(object_name, [{"Id": i, "IsDeleted": True} for i in ids])

    def hard_delete(self, object_name: str, ids: Iterable[str]) -> None:
        ids = list(ids)
        with self._lock:
            self._con.execute(f'DELETE FROM {_q(object_name)} WHERE "Id" IN (SELECT unnest(?))', [ids])

    def _typed(self, sobject: SObject, record: Mapping[str, Any]) -> dict[str, Any]:
        typed = {}
        for name, value in record.items():
            if name == "attributes":
                continue
            field = sobject.field(name)
            if field is None:
                raise ValueError(f"{sobject.name} has no field {name!r}")
            if field.type == "datetime":
                value = _parse_datetime(value)
            elif field.type == "date":
                value = _parse_date(value)
            typed[field.name] = value
        return typed

    def _insert(self, sobject: SObject, records: list[Mapping[str, Any]]) -> None:
        if not records:
            return
        rows = [self._typed(sobject, r) for r in records]
        names = [f.name for f in sobject.fields]
        with self._lock:
            self._con.executemany(
                f"INSERT INTO {_q(sobject.name)} ({', '.join(map(_q, names))}) VALUES ({', '.join('?' for _ in names)})",
                [[row.get(n) for n in names] for row in rows],
            )
