"""The holidays file (`FLYWHEEL_HOLIDAYS_FILE`): public holidays, for everyone or by country.

A CSV with a header: `start_date` and `end_date` (`YYYY-MM-DD`, inclusive), an optional `country`
(the users whose `User.Country` it is, case and surrounding spaces aside; empty: everyone) and an
optional `name` (shown in the report). Every day of a row is a holiday, an absence day, of every
user it covers. A malformed line (a missing column, a bad date, a start after its end) refuses the
whole file with its line number, before any model runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.leave.csv_rows import SCHEMA, LeaveFileError, date_span, read_rows, read_text, replace_table

REQUIRED_COLUMNS = ("start_date", "end_date")
OPTIONAL_COLUMNS = ("country", "name")
TABLE = f"{SCHEMA}.holiday"


class HolidaysFileError(LeaveFileError):
    """The holidays file is refused: nothing of it is loaded."""

    kind = "holidays file"


@dataclass(frozen=True)
class Holiday:
    start_date: dt.date
    end_date: dt.date
    country: str | None
    name: str | None
    line: int


def parse_holidays(text: str) -> tuple[Holiday, ...]:
    """The file's rows; raises HolidaysFileError."""
    return tuple(
        Holiday(*date_span(cells, line, HolidaysFileError), cells["country"] or None, cells["name"] or None, line)
        for line, cells in read_rows(text, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, HolidaysFileError)
    )


def write_holidays(con: duckdb.DuckDBPyConnection, holidays: tuple[Holiday, ...]) -> None:
    """Replace `raw_absences.holiday` whole, in one transaction (empty without a file)."""
    replace_table(con, TABLE, "start_date DATE NOT NULL, end_date DATE NOT NULL, country VARCHAR, "
                              "holiday_name VARCHAR, source_line INTEGER NOT NULL",
                  [(h.start_date, h.end_date, h.country, h.name, h.line) for h in holidays])


def load_holidays_file(con: duckdb.DuckDBPyConnection, path: Path | None) -> dict[str, object]:
    """Validate and load the file; the metadata to report. A refused file raises HolidaysFileError
    and leaves the table as it was."""
    holidays = parse_holidays(read_text(path, HolidaysFileError)) if path is not None else ()
    write_holidays(con, holidays)
    return {
        "holidays_file": str(path) if path else "none (FLYWHEEL_HOLIDAYS_FILE not set)",
        "holiday_rows_loaded": len(holidays),
        "countries": ", ".join(sorted({h.country for h in holidays if h.country})) or "none (every row covers everyone)",
    }
