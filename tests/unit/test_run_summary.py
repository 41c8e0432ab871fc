"""Run metadata: flags opened and closed since the last publication, the team table's ends."""

import duckdb

from pipelines.publish.changes import PREVIOUS, changes_markdown, flag_changes, newest_critical_flags, teams_preview

FLAGS = "CREATE SCHEMA IF NOT EXISTS {db}marts; CREATE TABLE {db}marts.silent_non_use (user_id VARCHAR, user_name VARCHAR, flag VARCHAR, severity VARCHAR, first_flagged_on DATE, evidence VARCHAR)"


def flags_db(con, db, rows):
    con.execute(FLAGS.format(db=db))
    con.executemany(f"INSERT INTO {db}marts.silent_non_use VALUES (?, ?, ?, ?, ?, ?)", rows)


def test_flags_opened_and_closed_are_the_differences_by_user_and_flag(tmp_path):
    with duckdb.connect(str(tmp_path / "previous.duckdb")) as old:
        flags_db(old, "", [("u1", "Ann", "dormant", "critical", "2026-11-01", "e"),
                           ("u2", "Bo", "login_only", "warn", "2026-11-01", "e")])
    with duckdb.connect(str(tmp_path / "new.duckdb")) as con:
        flags_db(con, "", [("u1", "Ann", "dormant", "critical", "2026-11-01", "e"),
                           ("u2", "Bo", "batch_entry", "warn", "2026-11-08", "e")])
        con.execute(f"ATTACH '{tmp_path / 'previous.duckdb'}' AS {PREVIOUS} (READ_ONLY)")
        changes = flag_changes(con, has_previous=True)
    assert changes.opened == [("Bo", "batch_entry", "warn")]
    assert changes.closed == [("Bo", "login_only", "warn")]
    text = changes_markdown(changes)
    assert "**Opened (1)**" in text and "- Bo: `login_only` (warn)" in text


def test_without_a_previous_publication_every_flag_is_new():
    with duckdb.connect() as con:
        flags_db(con, "", [("u1", "Ann", "dormant", "critical", "2026-11-01", "14 days | no login")])
        changes = flag_changes(con, has_previous=False)
        assert (len(changes.opened), changes.closed) == (1, [])
        assert "14 days \\| no login" in newest_critical_flags(con)  # a pipe cannot break the table


def test_the_team_preview_shows_the_strongest_and_weakest_of_the_newest_week():
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA marts; CREATE TABLE marts.team_adoption (manager_name VARCHAR, week_ending_on DATE, "
                    "team_members INT, team_average_score DOUBLE, manager_score DOUBLE, silent_members INT, open_flags INT)")
        con.executemany("INSERT INTO marts.team_adoption VALUES (?, ?, 5, ?, 50, 0, 0)", [
            ("Old week", "2026-11-08", 99.0), ("High", "2026-11-15", 90.0), ("Mid", "2026-11-15", 60.0),
            ("Low", "2026-11-15", 20.0),
        ])
        text = teams_preview(con, n=1)
    strongest, weakest = text.split("**Weakest teams**")
    assert "| High |" in strongest and "| Low |" in weakest
    assert "Old week" not in text and "Mid" not in text
