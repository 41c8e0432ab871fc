import datetime as dt

import duckdb
import pytest

from pipelines.leave.absences_file import (
    TABLE, AbsencesFileError, Absence, SkippedRow, load_absences_file, parse_absences, user_lookup,
)

ANA = "005000000000ANAAAA"
BO = "005000000000BOBAAA"
LOOKUP = user_lookup([(ANA, "ana@acme.example", "Ana@Acme.example"), (BO, "bo.berg@acme.example", "team@acme.example"),
                      ("005000000000CYCAAA", "cy@acme.example", "team@acme.example")])


def test_a_user_is_named_by_id_15_or_18_characters_username_or_email_in_any_case():
    text = ("user,start_date,end_date,reason\n"
            f"{ANA},2026-11-03,2026-11-21,parental leave\n"
            f"{BO[:15]},2026-10-01,2026-10-01,\n"
            "BO.BERG@acme.example,2026-09-01,2026-09-05,holiday\n"
            "ana@acme.example,2026-08-01,2026-08-02,\n")
    parsed = parse_absences(text, LOOKUP)
    assert parsed.absences == (
        Absence(ANA, dt.date(2026, 11, 3), dt.date(2026, 11, 21), "parental leave", 2),
        Absence(BO, dt.date(2026, 10, 1), dt.date(2026, 10, 1), None, 3),
        Absence(BO, dt.date(2026, 9, 1), dt.date(2026, 9, 5), "holiday", 4),
        Absence(ANA, dt.date(2026, 8, 1), dt.date(2026, 8, 2), None, 5),
    )
    assert parsed.skipped == ()


def test_unknown_users_are_skipped_and_listed_with_their_line():
    text = "user,start_date,end_date\nnobody@acme.example,2026-11-03,2026-11-04\n\n" \
           f"{ANA.lower()},2026-11-03,2026-11-04\nteam@acme.example,2026-11-03,2026-11-04\n"
    parsed = parse_absences(text, LOOKUP)
    # Ids are case-sensitive; an email two users share names neither
    assert parsed.skipped == (SkippedRow(2, "nobody@acme.example"), SkippedRow(4, ANA.lower()),
                              SkippedRow(5, "team@acme.example"))
    assert parsed.absences == ()


@pytest.mark.parametrize(("text", "line", "message"), [
    ("user,start\nana@acme.example,2026-11-03\n", 1, "lacks start_date, end_date"),
    ("user,start_date,end_date,note\n", 1, "unknown column note"),
    ("user,start_date,end_date\nana@acme.example,2026-11-03,2026-11-04\nana@acme.example,2026-11-31,2026-12-01\n",
     3, "start_date '2026-11-31' is not a date"),
    ("user,start_date,end_date\nana@acme.example,03/11/2026,2026-11-04\n", 2, "start_date '03/11/2026'"),
    ("user,start_date,end_date\nana@acme.example,20261103,2026-11-04\n", 2, "start_date '20261103'"),
    ("user,start_date,end_date\nana@acme.example,2026-11-05,2026-11-04\n", 2, "start_date 2026-11-05 is after end_date 2026-11-04"),
    ("user,start_date,end_date\nana@acme.example,2026-11-05\n", 2, "2 fields where the header has 3"),
    ("user,start_date,end_date\n,2026-11-05,2026-11-06\n", 2, "user is empty"),
    # a malformed line refuses the file even after a row naming no one
    ("user,start_date,end_date\nnobody,2026-11-05,2026-11-06\nana@acme.example,2026-11-07,\n", 3, "end_date ''"),
])
def test_a_malformed_line_refuses_the_file_with_its_line_number(text, line, message):
    with pytest.raises(AbsencesFileError) as refused:
        parse_absences(text, LOOKUP)
    assert refused.value.line == line
    assert f"line {line}: " in str(refused.value) and message in str(refused.value)


@pytest.fixture
def con():
    with duckdb.connect() as con:
        con.execute('CREATE SCHEMA raw_salesforce; CREATE TABLE raw_salesforce."user" (Id VARCHAR, Username VARCHAR, Email VARCHAR)')
        con.execute("INSERT INTO raw_salesforce.\"user\" VALUES (?, 'ana@acme.example', 'ana@acme.example')", [ANA])
        yield con


def test_loading_replaces_the_table_and_reports_what_was_skipped(con, tmp_path):
    path = tmp_path / "absences.csv"
    path.write_text("user,start_date,end_date,reason\nana@acme.example,2026-11-03,2026-11-21,leave\nghost,2026-11-01,2026-11-02,\n")
    metadata = load_absences_file(con, path)
    assert metadata["absences_loaded"] == 1 and metadata["skipped"] == ["line 3: ghost"]
    assert con.execute(f"SELECT * FROM {TABLE}").fetchall() == [(ANA, dt.date(2026, 11, 3), dt.date(2026, 11, 21), "leave", 2)]
    # without a file the table is emptied (and exists, for dbt's source)
    assert load_absences_file(con, None)["absences_loaded"] == 0
    assert con.execute(f"SELECT count(*) FROM {TABLE}").fetchone() == (0,)


def test_a_refused_file_leaves_the_loaded_absences_as_they_were(con, tmp_path):
    path = tmp_path / "absences.csv"
    path.write_text("user,start_date,end_date\nana@acme.example,2026-11-03,2026-11-21\n")
    load_absences_file(con, path)
    path.write_text("user,start_date,end_date\nana@acme.example,2026-11-03,2026-11-21\nana@acme.example,2026-13-01,2026-11-21\n")
    with pytest.raises(AbsencesFileError, match="line 3"):
        load_absences_file(con, path)
    assert con.execute(f"SELECT count(*) FROM {TABLE}").fetchone() == (1,)
    with pytest.raises(AbsencesFileError, match="cannot read"):
        load_absences_file(con, tmp_path / "missing.csv")
