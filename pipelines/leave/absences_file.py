"""The absences file (`FLYWHEEL_ABSENCES_FILE`): leave that lives in an HR system, not in Salesforce.

A CSV with a header: `user` (a Salesforce User Id, username or email), `start_date` and
`end_date` (`YYYY-MM-DD`, inclusive), and an optional `reason`. A row naming no known user is
skipped and reported; a malformed line (a missing column, a bad date, a start after its end)
refuses the whole file with its line number, so no model runs on half of someone's leave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.leave.csv_rows import SCHEMA, LeaveFileError, date_span, read_rows, read_text, replace_table

REQUIRED_COLUMNS = ("user", "start_date", "end_date")
OPTIONAL_COLUMNS = ("reason",)


class AbsencesFileError(LeaveFileError):
    """The absences file is refused: nothing of it is loaded."""

    kind = "absences file"


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


def _resolve(user: str, lookup: dict[str, str]) -> str | None:
    return lookup.get(user) or lookup.get(user.lower())


def parse_absences(text: str, lookup: dict[str, str]) -> ParsedAbsences:
    """The file's rows for known users, and the rows naming no one; raises AbsencesFileError."""
    absences, skipped = [], []
    for line, cells in read_rows(text, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, AbsencesFileError):
        if not cells["user"]:
            raise AbsencesFileError(line, "user is empty")
        start, end = date_span(cells, line, AbsencesFileError)
        user_id = _resolve(cells["user"], lookup)
        if user_id is None:
            skipped.append(SkippedRow(line, cells["user"]))
            continue
        absences.append(Absence(user_id, start, end, cells["reason"] or None, line))
    return ParsedAbsences(tuple(absences), tuple(skipped))


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
    replace_table(con, TABLE, "user_id VARCHAR NOT NULL, start_date DATE NOT NULL, end_date DATE NOT NULL, "
                              "reason VARCHAR, source_line INTEGER NOT NULL",
                  [(a.user_id, a.start_date, a.end_date, a.reason, a.line) for a in parsed.absences])


def load_absences_file(con: duckdb.DuckDBPyConnection, path: Path | None) -> dict[str, object]:
    """Validate the file against the extracted users and load it; the metadata to report.
    A refused file raises AbsencesFileError and leaves the table as it was."""
    if path is None:
        parsed = ParsedAbsences((), ())
    else:
        parsed = parse_absences(read_text(path, AbsencesFileError), read_user_lookup(con))
    write_absences(con, parsed)
    return {
        "absences_file": str(path) if path else "none (FLYWHEEL_ABSENCES_FILE not set)",
        "absences_loaded": len(parsed.absences),
        "rows_skipped_unknown_user": len(parsed.skipped),
        "skipped": [f"line {s.line}: {s.user}" for s in parsed.skipped],
    }
