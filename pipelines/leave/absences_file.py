"""The absences file (`FLYWHEEL_ABSENCES_FILE`): leave that lives in an HR system, not in Salesforce.

A CSV with a header: `user` (a Salesforce User Id, username or email), `start_date` and
`end_date` (`YYYY-MM-DD`, inclusive), and an optional `reason`. A row naming no known user is
skipped and reported; a malformed line (a missing column, a bad date, a start after its end)
refuses the whole file with its line number, so no model runs on half of someone's leave.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

REQUIRED_COLUMNS = ("user", "start_date", "end_date")
OPTIONAL_COLUMNS = ("reason",)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class AbsencesFileError(ValueError):
    """The file is refused: nothing of it is loaded."""

    def __init__(self, line: int, message: str):
        super().__init__(f"absences file, line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class Absence:
    user_id: str
    start_date: dt.date
    end_date: dt.date
    reason: str | None
    line: int


@dataclass(frozen=True)
class SkippedRow:
    line: int
    user: str


@dataclass(frozen=True)
class ParsedAbsences:
    absences: tuple[Absence, ...]
    skipped: tuple[SkippedRow, ...]  # rows naming no known user


def user_lookup(users: Iterable[tuple[str, str | None, str | None]]) -> dict[str, str]:
    """How the file may name a user → their 18-character Id: the Id (18 or 15 characters,
    case-sensitive as Salesforce Ids are), the username or the email (case-insensitive).
    An email two users share names neither of them."""
    lookup: dict[str, str] = {}
    shared: set[str] = set()
    for user_id, username, email in users:
        lookup[user_id] = user_id
        lookup[user_id[:15]] = user_id
        if username:
            lookup[username.strip().lower()] = user_id
        if email:
            key = email.strip().lower()
            if key in lookup and lookup[key] != user_id:
                shared.add(key)
            lookup.setdefault(key, user_id)
    for key in shared:
        del lookup[key]
    return lookup


def _date(value: str, column: str, line: int) -> dt.date:
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise AbsencesFileError(line, f"{column} {value!r} is not a date as YYYY-MM-DD") from None


def _resolve(user: str, lookup: dict[str, str]) -> str | None:
    return lookup.get(user) or lookup.get(user.lower())


def parse_absences(text: str, lookup: dict[str, str]) -> ParsedAbsences:
    """The file's rows for known users, and the rows naming no one; raises AbsencesFileError."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [c.strip().lower() for c in next(reader, [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise AbsencesFileError(1, f"the header lacks {', '.join(missing)} (it needs user, start_date, end_date[, reason])")
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise AbsencesFileError(1, f"unknown column {', '.join(unknown)} (columns: user, start_date, end_date, reason)")
    at = {c: header.index(c) for c in header}
    absences, skipped = [], []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(row) != len(header):
            raise AbsencesFileError(line, f"{len(row)} fields where the header has {len(header)}")
        cells = {c: row[i].strip() for c, i in at.items()}
        if not cells["user"]:
            raise AbsencesFileError(line, "user is empty")
        start = _date(cells["start_date"], "start_date", line)
        end = _date(cells["end_date"], "end_date", line)
        if start > end:
            raise AbsencesFileError(line, f"start_date {start} is after end_date {end}")
        user_id = _resolve(cells["user"], lookup)
        if user_id is None:
            skipped.append(SkippedRow(line, cells["user"]))
            continue
        absences.append(Absence(user_id, start, end, cells.get("reason") or None, line))
    return ParsedAbsences(tuple(absences), tuple(skipped))


SCHEMA = "raw_absences"
TABLE = f"{SCHEMA}.absence"


def read_user_lookup(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The lookup over the users extracted so far (`raw_salesforce.user`); empty before the first sync."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw_salesforce' AND table_name = 'user'"
    ).fetchone()[0]
    if not exists:
        return {}
    columns = {c for (c,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'raw_salesforce' AND table_name = 'user'"
    ).fetchall()}
    pick = ", ".join(c if c in columns else f"NULL AS {c}" for c in ("Id", "Username", "Email"))
    return user_lookup(con.execute(f'SELECT {pick} FROM raw_salesforce."user"').fetchall())


def write_absences(con: duckdb.DuckDBPyConnection, parsed: ParsedAbsences) -> None:
    """Replace `raw_absences.absence` whole, in one transaction (an empty table when there is no file,
    so dbt's source always exists)."""
    con.execute("BEGIN")
    try:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        con.execute(f"CREATE OR REPLACE TABLE {TABLE} (user_id VARCHAR NOT NULL, start_date DATE NOT NULL, "
                    "end_date DATE NOT NULL, reason VARCHAR, source_line INTEGER NOT NULL)")
        if parsed.absences:
            con.executemany(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?)",
                            [(a.user_id, a.start_date, a.end_date, a.reason, a.line) for a in parsed.absences])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def load_absences_file(con: duckdb.DuckDBPyConnection, path: Path | None) -> dict[str, object]:
    """Validate the file against the extracted users and load it; the metadata to report.
    A refused file raises AbsencesFileError and leaves the table as it was."""
    if path is None:
        parsed = ParsedAbsences((), ())
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise AbsencesFileError(0, f"cannot read {path}: {error}") from None
        parsed = parse_absences(text, read_user_lookup(con))
    write_absences(con, parsed)
    return {
        "absences_file": str(path) if path else "none (FLYWHEEL_ABSENCES_FILE not set)",
        "absences_loaded": len(parsed.absences),
        "rows_skipped_unknown_user": len(parsed.skipped),
        "skipped": [f"line {s.line}: {s.user}" for s in parsed.skipped],
    }
