"""Emails and phone numbers stay in the working database and out of exports unless opted in."""

import duckdb
import pyarrow.parquet as pq
import pytest

from pipelines.publish.publication import DATABASE_NAME, write_publication
from pipelines.settings import Settings


@pytest.fixture
def con():
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.silent_non_use AS SELECT DATE '2026-11-15' AS as_of_date, 'u1' AS user_id")
        con.execute("CREATE SCHEMA intermediate")
        con.execute("CREATE TABLE intermediate.int_reporting_dates AS SELECT DATE '2026-11-15' AS as_of_date, "
                    "'the last complete day by the Salesforce clock' AS as_of_date_source, "
                    "TIMESTAMP '2026-11-16 05:00:00' AS salesforce_clock")
        con.execute("CREATE TABLE marts.lead_contacts AS SELECT 'l1' AS lead_id, 'ann@example.com' AS Email, "
                    "'+1 555 0100' AS phone, '+1 555 0101' AS mobile_phone, 'Acme' AS company")
        yield con


def exported_columns(folder):
    parquet = pq.read_schema(folder / "lead_contacts.parquet").names
    csv = (folder / "lead_contacts.csv").read_text().splitlines()[0].split(",")
    with duckdb.connect(str(folder / DATABASE_NAME), read_only=True) as reader:
        database = [d[0] for d in reader.execute("SELECT * FROM marts.lead_contacts").description]
    return parquet, csv, database


def test_contact_columns_are_left_out_of_every_export_by_default(con, tmp_path):
    manifest = write_publication(con, ["silent_non_use", "lead_contacts"], tmp_path / "p", "run", {})
    for columns in exported_columns(tmp_path / "p"):
        assert columns == ["lead_id", "company"]
    assert manifest["personal_data"] == {"left_out": {"lead_contacts": ["Email", "phone", "mobile_phone"]}}
    assert b"ann@example.com" not in b"".join(f.read_bytes() for f in (tmp_path / "p").iterdir())
    assert con.execute("SELECT Email FROM marts.lead_contacts").fetchone() == ("ann@example.com",)  # still kept


def test_opting_in_exports_them(con, tmp_path):
    manifest = write_publication(con, ["silent_non_use", "lead_contacts"], tmp_path / "p", "run", {}, personal_data=True)
    for columns in exported_columns(tmp_path / "p"):
        assert columns == ["lead_id", "Email", "phone", "mobile_phone", "company"]
    assert manifest["personal_data"] == "included"


@pytest.mark.parametrize(("value", "opted_in"), [("true", True), ("1", True), ("", False), ("false", False)])
def test_the_opt_in_comes_from_the_environment(value, opted_in):
    settings = Settings.from_env({"FLYWHEEL_EXPORT_PERSONAL_DATA": value}, dotenv=None)
    assert settings.export_personal_data is opted_in
