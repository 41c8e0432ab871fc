"""The raw_absences/absence asset: the absences file loaded, or refused before any model runs."""

import dagster as dg
import duckdb
import pytest

from pipelines.leave.absences_file import TABLE
from pipelines.assets.absences import build_absences_file
from pipelines.storage.warehouse import DuckDBWarehouse

ANA = "005000000000ANAAAA"


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "flywheel.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute('CREATE SCHEMA raw_salesforce; CREATE TABLE raw_salesforce."user" (Id VARCHAR, Username VARCHAR, Email VARCHAR)')
        con.execute("INSERT INTO raw_salesforce.\"user\" VALUES (?, 'ana@acme.example', 'ana@acme.example')", [ANA])
    return path


def run(database, path=None):
    return dg.materialize([build_absences_file(path)], resources={"duckdb": DuckDBWarehouse(database=str(database))},
                          raise_on_error=False)


def test_the_file_is_loaded_and_unknown_users_are_listed(database, tmp_path):
    csv = tmp_path / "leave.csv"
    csv.write_text("user,start_date,end_date,reason\nana@acme.example,2026-11-03,2026-11-21,leave\nghost,2026-11-01,2026-11-02,\n")
    result = run(database, csv)
    assert result.success
    [event] = result.asset_materializations_for_node("raw_absences__absence")
    metadata = {k: v.value for k, v in event.metadata.items()}
    assert metadata["absences_loaded"] == 1 and metadata["skipped"] == ["line 3: ghost"]
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute(f"SELECT user_id, reason FROM {TABLE}").fetchall() == [(ANA, "leave")]


def test_a_malformed_file_fails_the_step_with_its_line(database, tmp_path):
    csv = tmp_path / "leave.csv"
    csv.write_text("user,start_date,end_date\nana@acme.example,2026-11-03,2026-11-21\nana@acme.example,21/11/2026,2026-11-22\n")
    result = run(database, csv)
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    assert "absences file, line 3: start_date '21/11/2026'" in failure.step_failure_data.error.message
    with duckdb.connect(str(database), read_only=True) as con:  # nothing loaded
        assert con.execute(f"SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw_absences'").fetchone() == (0,)


def test_without_the_variable_the_table_is_empty(database):
    assert run(database).success
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute(f"SELECT count(*) FROM {TABLE}").fetchone() == (0,)
