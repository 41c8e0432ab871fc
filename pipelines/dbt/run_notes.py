"""What a run's models say beside their tables, for a person reading the Dagster UI: how each kind
of login met (LoginType × Application) was counted (int_logins), and who is not measured, by
reason (excluded_users). Read from the tables the run just built."""

from __future__ import annotations

from collections.abc import Callable

import dagster as dg
import duckdb

from pipelines.dbt.vocabulary import exclusion_reasons

# int_logins.login_class → what it means, for a person
COUNTED_AS = {
    "interactive": "a person (interactive)",
    "api": "not a person: LoginType in non_interactive_login_types",
    "connected_app": "not a person: mobile_login_type from an app outside mobile_app_patterns",
    None: "failed logins only",
}


def login_kinds(con: duckdb.DuckDBPyConnection, schema: str) -> dict[str, object]:
    """Every (LoginType, Application) pair met, how its successful logins were counted, and how many."""
    rows = con.execute(
        f"""SELECT coalesce(login_type, '(none)'), coalesce(application, '(none)'),
                   max(CASE WHEN login_class <> 'failed' THEN login_class END), count(*),
                   count(*) FILTER (WHERE is_success)
            FROM {schema}.int_logins GROUP BY 1, 2 ORDER BY 4 DESC, 1, 2"""
    ).fetchall()
    table = ["| LoginType | Application | counted as | logins | successful |", "| --- | --- | --- | ---: | ---: |"]
    table += [f"| {login_type} | {application} | {COUNTED_AS[kind]} | {logins:,} | {successful:,} |"
              for login_type, application, kind, logins, successful in rows]
    return {"login_kinds": dg.MetadataValue.md("\n".join(table)), "login_kinds_met": len(rows)}


def excluded_by_reason(con: duckdb.DuckDBPyConnection, schema: str) -> dict[str, object]:
    """How many users each exclusion reason takes out of the measured population."""
    counts = dict(con.execute(f"SELECT exclusion_reason, count(*) FROM {schema}.excluded_users GROUP BY 1").fetchall())
    return {f"excluded_{reason}": counts.get(reason, 0) for reason in exclusion_reasons()}


NOTES: dict[str, Callable[[duckdb.DuckDBPyConnection, str], dict[str, object]]] = {
    "int_logins": login_kinds,
    "excluded_users": excluded_by_reason,
}


def run_notes(con: duckdb.DuckDBPyConnection, model: str, schema: str) -> dict[str, object]:
    """The notes of `model` (none for most models)."""
    note = NOTES.get(model)
    return note(con, schema) if note else {}
