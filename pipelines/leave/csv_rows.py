"""What the files of days away share (the absences file, the holidays file): a CSV with a header,
read row by row with its line number. A malformed line refuses the whole file with its line
number, so no model runs on half of it; a loaded file replaces its table whole, in one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb

SCHEMA = "raw_absences"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class LeaveFileError(ValueError):
    """The file is refused: nothing of it is loaded. `kind` names the file in the message."""

    kind = "file"

    def __init__(self, line: int, message: str):
        super().__init__(f"{self.kind}, line {line}: {message}")
        self.line = line


def read_text(path: Path, error: type[LeaveFileError]) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as reason:
        raise error(0, f"cannot read {path}: {reason}") from None


def read_rows(text: str, required: Sequence[str], optional: Sequence[str],
              error: type[LeaveFileError]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each non-blank line after the header: its line number and its cells by column (stripped;
    an optional column the file lacks is empty)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [c.strip().lower() for c in next(reader, [])]
    missing = [c for c in required if c not in header]
    if missing:
        needs = ", ".join(required) + "".join(f"[, {c}]" for c in optional)
        raise error(1, f"the header lacks {', '.join(missing)} (it needs {needs})")
    unknown = [c for c in header if c not in (*required, *optional)]
    if unknown:
        raise error(1, f"unknown column {', '.join(unknown)} (columns: {', '.join((*required, *optional))})")
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(row) != len(header):
            raise error(line, f"{len(row)} fields where the header has {len(header)}")
        cells = {c: "" for c in optional} | {c: row[i].strip() for i, c in enumerate(header)}
        yield line, cells


def iso_date(value: str, column: str, line: int, error: type[LeaveFileError]) -> dt.date:
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise error(line, f"{column} {value!r} is not a date as YYYY-MM-DD") from None


def date_span(cells: dict[str, str], line: int, error: type[LeaveFileError]) -> tuple[dt.date, dt.date]:
    """The row's `start_date` and `end_date`; a start after its end refuses the file."""
    start = iso_date(cells["start_date"], "start_date", line, error)
    end = iso_date(cells["end_date"], "end_date", line, error)
    if start > end:
        raise error(line, f"start_date {start} is after end_date {end}")
    return start, end


def replace_table(con: duckdb.DuckDBPyConnection, table: str, columns: str, rows: Sequence[tuple]) -> None:
    """Replace `table` (in SCHEMA, `columns` its definitions) with `rows`, in one transaction (an
    empty table when there are none, so dbt's source always exists)."""
    con.execute("BEGIN")
    try:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        con.execute(f"CREATE OR REPLACE TABLE {table} ({columns})")
        if rows:
            con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' for _ in rows[0])})", rows)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
