"""What a person reads in the Dagster UI after a run: flags opened and closed since the last
publication, the top and bottom of the team table, and the newest critical flags.

Pure functions over a DuckDB connection that sees the new marts (schema `marts`) and, when there
was one, the previous publication attached as `previous`.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

PREVIOUS = "previous"


@dataclass(frozen=True)
class FlagChanges:
    opened: list[tuple[str, str, str]]  # (user name, flag, severity)
    closed: list[tuple[str, str, str]]


def flag_changes(con: duckdb.DuckDBPyConnection, has_previous: bool) -> FlagChanges:
    """Flags in the new `silent_non_use` and not in the previous publication's, and the reverse."""
    if not has_previous:
        rows = con.execute("SELECT user_name, flag, severity FROM marts.silent_non_use ORDER BY 1, 2").fetchall()
        return FlagChanges(opened=rows, closed=[])

    def difference(left: str, right: str) -> list[tuple[str, str, str]]:
        return con.execute(
            f"SELECT user_name, flag, severity FROM {left}.marts.silent_non_use l "
            f"WHERE NOT EXISTS (SELECT 1 FROM {right}.marts.silent_non_use r "
            "WHERE r.user_id = l.user_id AND r.flag = l.flag) ORDER BY 1, 2"
        ).fetchall()

    current = con.execute("SELECT current_database()").fetchone()[0]
    return FlagChanges(opened=difference(current, PREVIOUS), closed=difference(PREVIOUS, current))


def _table(header: list[str], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join("" if v is None else str(v).replace("|", "\\|") for v in row) + " |" for row in rows]
    return "\n".join(lines)


def teams_preview(con: duckdb.DuckDBPyConnection, n: int = 3) -> str:
    """The `n` strongest and `n` weakest teams of the newest week, each manager's score beside."""
    query = """
        SELECT manager_name, team_members, round(team_average_score, 1), round(manager_score, 1),
               silent_members, open_flags
        FROM marts.team_adoption
        WHERE week_ending_on = (SELECT max(week_ending_on) FROM marts.team_adoption)
        ORDER BY team_average_score {order}, manager_name LIMIT ?"""
    top = con.execute(query.format(order="DESC"), [n]).fetchall()
    bottom = con.execute(query.format(order="ASC"), [n]).fetchall()
    header = ["manager", "members", "team score", "manager's own score", "silent", "open flags"]
    return f"**Strongest teams**\n\n{_table(header, top)}\n\n**Weakest teams**\n\n{_table(header, bottom)}"


def newest_critical_flags(con: duckdb.DuckDBPyConnection, n: int = 5) -> str:
    rows = con.execute(
        "SELECT user_name, flag, first_flagged_on, evidence FROM marts.silent_non_use "
        "WHERE severity = 'critical' ORDER BY first_flagged_on DESC, user_name LIMIT ?",
        [n],
    ).fetchall()
    if not rows:
        return "No critical flags."
    return _table(["user", "flag", "flagged since", "evidence"], rows)


def changes_markdown(changes: FlagChanges, limit: int = 10) -> str:
    def listed(rows: list[tuple[str, str, str]]) -> str:
        shown = "\n".join(f"- {name}: `{flag}` ({severity})" for name, flag, severity in rows[:limit])
        more = f"\n- … and {len(rows) - limit} more" if len(rows) > limit else ""
        return (shown + more) or "- none"

    return f"**Opened ({len(changes.opened)})**\n\n{listed(changes.opened)}\n\n**Closed ({len(changes.closed)})**\n\n{listed(changes.closed)}"
