"""Bad data from the org stops at the right gate; nothing is published; the last good export stays."""

import datetime as dt
import re

import dagster as dg
import duckdb
import orjson
import pytest

from conftest import run_pipeline

from pipelines.assets.checks import check_result
from pipelines.assets.extract import EXTRACT_STEP
from pipelines.dbt.project import published_marts
from pipelines.publish.publication import sha256
from pipelines.salesforce.objects import OBJECTS
from pipelines.quality.cross_checks import run_cross_checks
from pipelines.quality.gx_gate import Failure, GateResult

pytestmark = pytest.mark.slow  # runs the whole job (or dbt build): not in the fast tier


@pytest.fixture
def pipeline(good_run, org, tmp_path, monkeypatch):
    """A copy of the good run, and a run of the job on it against `org`, a fresh org holding the
    same records."""
    database, exports = good_run.copy_to(tmp_path)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))

    def run(run_config: dict | None = None) -> dg.ExecuteInProcessResult:
        return run_pipeline(org, database, exports, run_config)

    return run, database, exports


def checksums(exports):
    return {p.name: sha256(p) for p in (exports / "current").iterdir()}


def failed_checks(result):
    return {
        (e.asset_check_evaluation_data.asset_key.to_user_string(), e.asset_check_evaluation_data.check_name):
            e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed
    }


def docs_status(page) -> str:
    """The "Status:" a Data Docs validation page shows."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.read_text()))
    return re.search(r"Status: (\w+)", text).group(1)


def published(result) -> bool:
    return any(e.asset_key == dg.AssetKey(["publish", "marts_export"]) for e in result.get_asset_materialization_events())


def test_a_good_run_publishes_everything_with_a_true_manifest(good_run):
    exports, result = good_run.exports, good_run.result
    manifest = orjson.loads((exports / "current" / "manifest.json").read_bytes())
    assert manifest["as_of_date"] == "2026-11-15"
    with duckdb.connect(str(exports / "current" / "flywheel_marts.duckdb"), read_only=True) as reader:
        for mart, rows in manifest["row_counts"].items():
            assert reader.execute(f"SELECT count(*) FROM marts.{mart}").fetchone()[0] == rows
    for name, entry in manifest["files"].items():
        assert sha256(exports / "current" / name) == entry["sha256"], name
    assert set(manifest["model_versions"]) == set(manifest["row_counts"])
    definitions = (exports / "current" / "metric_definitions.html").read_text()
    assert "metric_definitions.html" in manifest["files"] and "user_adoption_scorecard" in definitions
    docs = next(e for e in result.get_asset_materialization_events()
                if e.asset_key == dg.AssetKey(["quality", "data_docs"])).materialization.metadata
    assert (docs["suites"].value, docs["suites_failing"].value) == (len(published_marts()) + len(OBJECTS), 0)
    assert set(manifest["row_counts"]) == set(published_marts())  # excluded_users among them
    models = {e.asset_key.path[-1]: e.materialization.metadata for e in result.get_asset_materialization_events()
              if e.asset_key.path[0] in ("staging", "intermediate", "marts")}
    for mart in published_marts():
        assert models[mart]["dagster/row_count"].value == manifest["row_counts"][mart], mart
        assert models[mart]["dagster/table_name"].value == f"marts.{mart}"
    assert "dagster/row_count" not in models["stg_salesforce__leads"]  # a view is not counted
    assert [c.name for c in models["stg_salesforce__leads"]["dagster/column_schema"].value.columns][0] == "lead_id"
    index = (exports / "data_docs" / "index.html").read_text()
    for suite in ("raw_salesforce.lead", "raw_salesforce.login_history", "marts.silent_non_use", "marts.team_adoption"):
        assert suite in index, suite


@pytest.mark.parametrize(
    ("bad_record", "gate", "says"),
    [
        (("Lead", {"Id": "00Q-not-an-id", "LastName": "X", "Company": "Y", "Status": "Open - Not Contacted"}),
         "raw_salesforce/lead", "expect_column_values_to_match_regex on Id"),
        (("Lead", {"Id": None, "LastName": "X", "Company": "Y", "Status": "Open - Not Contacted"}),
         "raw_salesforce/lead", "expect_column_values_to_not_be_null on Id"),
        (("LoginHistory", {"Id": "0Ya5g0000NOUSER1AAA", "UserId": None, "Status": "Success",
                           "LoginType": "Application", "LoginTime": dt.datetime(2026, 11, 20)}),
         "raw_salesforce/login_history", "expect_column_values_to_not_be_null on UserId"),
        (("LoginHistory", {"Id": "0Ya5g0000FUTURE1AAA", "UserId": "0055g0000000000AAA", "Status": "Success",
                           "LoginType": "Application", "LoginTime": dt.datetime(2031, 1, 1)}),
         "raw_salesforce/login_history", "timestamps_not_in_the_future on LoginTime"),
    ],
)
def test_bad_raw_rows_stop_the_run_before_anything_is_published(pipeline, org, bad_record, gate, says):
    run, _, exports = pipeline
    before = checksums(exports)

    org.store.upsert(*[bad_record[0], [bad_record[1]]])
    result = run()
    failures = failed_checks(result)
    assert (gate, "rows_synced_pass_gx_suite") in failures, failures.keys()
    check = failures[(gate, "rows_synced_pass_gx_suite")]
    assert says in check.description and check.severity == dg.AssetCheckSeverity.ERROR
    assert check.metadata["data_docs"].path == str(exports / "data_docs" / "index.html")
    if says.startswith("expect_"):  # a GX expectation: its Data Docs page shows the failure
        pages = sorted((exports / "data_docs" / "validations" / gate).rglob("*.html"))
        assert [docs_status(p) for p in pages] == ["Succeeded", "Failed"]
        # the run stopped before the Data Docs asset: the failed gate put its page in the index
        index = (exports / "data_docs" / "index.html").read_text()
        assert pages[-1].relative_to(exports / "data_docs").as_posix() in index
    assert not published(result)
    assert checksums(exports) == before  # the last good publication, untouched


def test_inconsistent_marts_fail_their_cross_check(pipeline):
    _, database, _ = pipeline
    with duckdb.connect(str(database)) as con:
        con.execute("UPDATE marts.team_adoption SET open_flags = open_flags + 1 "
                    "WHERE week_ending_on = (SELECT max(as_of_date) FROM marts.silent_non_use)")
        [(check, rows)] = run_cross_checks(con, "team_adoption")
    assert check.name == "open_flags_match_silent_non_use" and rows
    result = GateResult("marts.team_adoption", 1)
    result.failures.append(Failure(check.name, "", "error", rows[0][1], [rows[0][0]]))
    outcome = check_result(result)
    assert not outcome.passed and outcome.severity == dg.AssetCheckSeverity.ERROR
    assert rows[0][0] in outcome.metadata["offending_ids"].value


def test_a_record_repeated_across_pages_fails_the_raw_gate(pipeline, org):
    run, _, exports = pipeline
    before = checksums(exports)
    org.faults.repeat_record_across_pages("Task")
    org.store.upsert("Task", [{"Id": r["Id"], "Subject": "Edited"} for r in org.store.records("Task")[:500]])
    result = run({"ops": {EXTRACT_STEP: {"config": {"batch_size": 200}}}})
    check = failed_checks(result)[("raw_salesforce/task", "rows_synced_pass_gx_suite")]
    assert "no_duplicate_ids_within_a_sync" in check.description and "read twice" in check.description
    assert not published(result) and checksums(exports) == before


def test_a_value_of_the_wrong_type_stops_the_sync_with_a_clear_error(pipeline, org):
    run, database, exports = pipeline
    before = checksums(exports)
    org.faults.wrong_value("Opportunity", "Amount", "a lot")
    org.store.upsert("Opportunity", [{"Id": org.store.records("Opportunity")[0]["Id"], "Name": "Edited"}])
    result = run()
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    message = failure.step_failure_data.user_failure_data.description
    assert "Opportunity.Amount (currency) of record" in message and "'a lot', which is not a currency" in message
    assert "Not synced in this run, watermark unchanged: Opportunity." in message
    assert not published(result) and checksums(exports) == before


def export_metadata(result) -> dict:
    (event,) = [e for e in result.get_asset_materialization_events()
                if e.asset_key == dg.AssetKey(["publish", "marts_export"])]
    return event.materialization.metadata


@pytest.mark.scenario_runs
def test_a_good_run_after_a_bad_one_publishes_past_a_reader_and_says_which_flags_changed(good_run, pipeline, org):
    """The next good run after a run stopped by bad rows publishes; a reader holding the published
    database open neither blocks it nor sees it change; its metadata says which flags opened and
    closed since the last publication (none: nothing that decides a flag changed). One run holds
    what three runs held before (a good run after a bad one; a reader; the flag changes)."""
    run, database, exports = pipeline
    first = export_metadata(good_run.result)  # the first publication
    with duckdb.connect(str(database), read_only=True) as con:
        flags = con.execute("SELECT count(*) FROM marts.silent_non_use").fetchone()[0]
    assert flags > 0 and first["flags_opened"].value == flags and first["flags_closed"].value == 0
    assert "**Strongest teams**" in first["teams"].value and "| manager |" in first["teams"].value

    org.store.upsert("Lead", [{"Id": "bad-id", "LastName": "X", "Company": "Y"}])
    before = checksums(exports)
    assert not published(run()) and checksums(exports) == before
    org.store.hard_delete("Lead", ["bad-id"])
    org.store.upsert("Lead", [{"Id": org.store.records("Lead")[0]["Id"], "Company": "Fixed Inc."}])
    with duckdb.connect(str(exports / "current" / "flywheel_marts.duckdb"), read_only=True) as reader:
        rows = reader.execute("SELECT count(*) FROM marts.user_adoption_daily").fetchone()[0]
        result = run()
        assert result.success and published(result)
        # the reader still sees the publication it opened, whole
        assert reader.execute("SELECT count(*) FROM marts.user_adoption_daily").fetchone()[0] == rows
    manifest = orjson.loads((exports / "current" / "manifest.json").read_bytes())
    assert manifest["run_id"] == result.run_id  # the good run's own publication, not the one before
    assert manifest["row_counts"]["user_adoption_daily"] == rows
    second = export_metadata(result)
    assert (second["flags_opened"].value, second["flags_closed"].value) == (0, 0)


@pytest.mark.scenario_runs
def test_a_what_if_run_publishes_beside_the_real_publication_and_replaces_nothing(pipeline, org):
    """A what-if run publishes beside the real publication. Its org also holds a value outside a
    Salesforce enumeration, which a warning expectation reports without stopping the run: a
    Holiday's month that Salesforce never writes (the org's own picklists, Lead.Status or
    StageName, have no value set to break). One run holds what two held before."""
    run, _, exports = pipeline
    real = checksums(exports)
    report = (exports / "report" / "adoption_report.html").read_bytes()
    holiday = next(h for h in org.store.records("Holiday") if h.get("RecurrenceMonthOfYear"))["Id"]
    org.store.upsert("Holiday", [{"Id": holiday, "RecurrenceMonthOfYear": "Smarch"}])
    result = run({"ops": {"adoption_models": {"config": {"vars": {"dormant_days": 21}}}}})
    check = failed_checks(result)[("raw_salesforce/holiday", "rows_synced_pass_gx_suite")]
    assert check.severity == dg.AssetCheckSeverity.WARN and "'Smarch'" in check.description
    assert result.success and published(result)
    assert checksums(exports) == real  # what BI tools read: untouched
    assert (exports / "report" / "adoption_report.html").read_bytes() == report  # what managers read: untouched
    what_if = exports / "what_if" / "dormant_days=21"
    manifest = orjson.loads((what_if / "current" / "manifest.json").read_bytes())
    assert manifest["what_if"] == "dormant_days=21" and manifest["dbt_vars_overridden"] == {"dormant_days": 21}
    assert manifest["dbt_vars"]["dormant_days"] == 21 and manifest["dbt_vars"]["window_days"] == 28
    assert "What-if run with dbt vars <strong>dormant_days=21</strong>" in (what_if / "report" / "adoption_report.html").read_text()
    real_manifest = orjson.loads((exports / "current" / "manifest.json").read_bytes())
    assert real_manifest["what_if"] is None and real_manifest["dbt_vars"]["dormant_days"] == 14


def test_the_publication_describes_every_column_and_puts_every_user_in_a_team(good_run):
    import pyarrow.parquet as pq

    current = good_run.exports / "current"
    with duckdb.connect(str(current / "flywheel_marts.duckdb"), read_only=True) as reader:
        undescribed = reader.execute("SELECT table_name, column_name FROM duckdb_columns() "
                                     "WHERE schema_name = 'marts' AND coalesce(comment, '') = ''").fetchall()
        assert undescribed == []
        [(comment,)] = reader.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'silent_non_use'").fetchall()
        assert comment.startswith("The list to act on")
        per_user = [t for (t,) in reader.execute(
            "SELECT DISTINCT table_name FROM duckdb_columns() WHERE schema_name = 'marts' AND column_name = 'user_id'").fetchall()]
        assert set(per_user) >= {"user_adoption_daily", "user_adoption_scorecard", "silent_non_use", "user_recognition",
                                 "user_absences", "excluded_users"}
        for mart in per_user:
            # every row has a team that team_adoption knows, the team without a manager included
            orphans = reader.execute(
                f"SELECT count(*) FROM marts.{mart} m WHERE m.team_id IS NULL OR m.manager_name IS NULL OR "
                "(m.team_id <> 'no manager' AND m.team_id <> m.manager_id)").fetchone()[0]
            assert orphans == 0, mart
        teamless = reader.execute(
            "SELECT count(*) FROM marts.silent_non_use f WHERE NOT EXISTS (SELECT 1 FROM marts.team_adoption t "
            "WHERE t.team_id = f.team_id AND t.manager_name = f.manager_name)").fetchone()[0]
        assert teamless == 0
        assert reader.execute("SELECT count(*) FROM marts.user_adoption_scorecard WHERE team_id = 'no manager' "
                              "AND manager_name = 'no manager in Salesforce'").fetchone()[0] > 0
    metadata = pq.read_schema(current / "silent_non_use.parquet").metadata
    assert metadata[b"description"].startswith(b"The list to act on")
    assert metadata[b"column:team_id"].startswith(b"The user's team")
