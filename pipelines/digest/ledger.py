"""What the digest sent to whom: a DuckDB file of its own (`Settings.digest_ledger_path`, beside the
working database), which no running pipeline holds, so a digest never waits for a refresh to let
go of its file, nor stops one.

One row per (delivery week, team, destination). A row is written as `sending` and committed
before the message leaves, then marked `sent` once the SMTP server or the webhook accepted it; a
send that fails removes its row, so the next run tries again. A row left `sending` means a run
died between the two (the message may or may not have arrived): it is never sent again by
itself, and each run reports it until someone deletes the row (docs/digest.md).
"""

from __future__ import annotations

import datetime as dt

import duckdb

TABLE = "digest_ledger"
SENDING, SENT = "sending", "sent"


def delivery_week(moment: dt.datetime) -> str:
    """The ISO week a digest is delivered in (`2026-W47`): the unit of "once per team and week"."""
    year, week, _ = moment.astimezone(dt.timezone.utc).isocalendar()
    return f"{year}-W{week:02d}"


class Ledger:
    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            "delivery_week VARCHAR NOT NULL, team_id VARCHAR NOT NULL, destination VARCHAR NOT NULL, "
            "channel VARCHAR NOT NULL, status VARCHAR NOT NULL, as_of_date DATE NOT NULL, "
            "publication_run_id VARCHAR, run_id VARCHAR, claimed_at TIMESTAMPTZ NOT NULL, sent_at TIMESTAMPTZ, "
            "PRIMARY KEY (delivery_week, team_id, destination))"
        )

    def status(self, week: str, team_id: str, destination: str) -> str | None:
        row = self.con.execute(
            f"SELECT status FROM {TABLE} WHERE delivery_week = ? AND team_id = ? AND destination = ?",
            [week, team_id, destination],
        ).fetchone()
        return row[0] if row else None

    def sent_as_of(self, team_id: str, as_of: dt.date, destination: str) -> bool:
        """Whether this destination already has the team's digest of the same as-of date (a
        publication that did not move on is not sent again in a later week)."""
        return self.con.execute(
            f"SELECT count(*) FROM {TABLE} WHERE team_id = ? AND as_of_date = ? AND destination = ?",
            [team_id, as_of, destination],
        ).fetchone()[0] > 0

    def claim(self, week: str, team_id: str, destination: str, channel: str, as_of: dt.date,
              publication_run_id: str | None, run_id: str | None) -> None:
        self.con.execute(
            f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, '{SENDING}', ?, ?, ?, now(), NULL)",
            [week, team_id, destination, channel, as_of, publication_run_id, run_id],
        )

    def mark_sent(self, week: str, team_id: str, destination: str) -> None:
        self.con.execute(
            f"UPDATE {TABLE} SET status = '{SENT}', sent_at = now() "
            "WHERE delivery_week = ? AND team_id = ? AND destination = ?",
            [week, team_id, destination],
        )

    def release(self, week: str, team_id: str, destination: str) -> None:
        """Forget a claim whose send failed: the next run sends it."""
        self.con.execute(
            f"DELETE FROM {TABLE} WHERE delivery_week = ? AND team_id = ? AND destination = ? AND status = '{SENDING}'",
            [week, team_id, destination],
        )
