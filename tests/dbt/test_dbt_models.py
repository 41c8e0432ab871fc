"""The real dbt project, built against a small hand-made org (see flywheel_raw_org.py).

One `dbt build` (models, data tests and unit tests) runs once for the module, in its own process
(dbt-duckdb keeps its connection open in the process that ran it), against a DuckDB file in a
temporary directory; the tests then read the marts it produced and dbt's run_results.json. dbt's
target and log directories go to the temporary directory too, so a run never touches the
project's own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.storage.warehouse import DuckDBWarehouse
from pipelines.quality.cross_checks import run_cross_checks

from flywheel_raw_org import AS_OF, EXPECTED_FLAGS, U, build_raw_org

pytestmark = pytest.mark.slow  # runs the whole job (or dbt build): not in the fast tier

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"

# the contract's marts (docs/metrics.md, "Marts"), against which the manifest's folder is held
MARTS = {
    "user_adoption_daily", "user_adoption_scorecard", "silent_non_use", "team_adoption",
    "login_activity_daily", "org_adoption_kpis", "unlogged_opportunities", "excluded_users", "user_absences",
    "user_recognition", "team_casei", "silent_non_use_changes",
}


@dataclass(frozen=True)
class DbtRun:
    returncode: int
    output: str
    results: list[dict]  # run_results.json "results"


def dbt_cli_args(command: str, work_dir: Path) -> list[str]:
    """`dbt <command>` on the project, with target and logs kept in work_dir."""
    return [
        sys.executable, "-c", "import sys; from dbt.cli.main import cli; sys.exit(cli())",
        command, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
        "--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs"),
    ]


def run_dbt(command: str, work_dir: Path, database: Path) -> DbtRun:
    env = {**os.environ, **DuckDBWarehouse(database=str(database)).dbt_env()}
    done = subprocess.run(dbt_cli_args(command, work_dir), env=env, capture_output=True, text=True, timeout=600)
    results_file = work_dir / "target" / "run_results.json"
    results = json.loads(results_file.read_text())["results"] if results_file.exists() else []
    return DbtRun(done.returncode, done.stdout + done.stderr, results)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DbtRun]:
    work_dir = tmp_path_factory.mktemp("dbt")
    database = work_dir / "flywheel.duckdb"
    build_raw_org(database)
    return database, run_dbt("build", work_dir, database)


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_dbt_build_passes_models_tests_and_unit_tests(built):
    _, run = built
    failures = [f"{r['unique_id']}: {r['status']} {r.get('message')}" for r in run.results if r["status"] not in ("success", "pass", "no-op")]
    assert run.returncode == 0 and not failures, failures or run.output[-3000:]
    kinds: dict[str, int] = {}
    for r in run.results:
        kind = r["unique_id"].split(".")[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds["unit_test"] >= 16  # every flag rule, plus the logic they stand on
    assert kinds["model"] >= 38 and kinds["test"] >= 120  # the marts' keys and not-nulls are their contracts'


def test_marts_land_in_schema_marts(built):
    database, _ = built
    tables = query(database, "select table_schema, table_name from information_schema.tables where table_schema in ('marts', 'main_marts')")
    assert {schema for schema, _ in tables} == {"marts"}
    assert {name for _, name in tables} == MARTS


def test_silent_non_use_holds_exactly_the_planted_flags(built):
    database, _ = built
    rows = set(query(database, "select user_id, flag from marts.silent_non_use"))
    assert rows == EXPECTED_FLAGS


def test_flags_carry_severity_numbers_and_evidence(built):
    database, _ = built
    rows = {
        flag: (severity, metric, threshold, evidence, first)
        for flag, severity, metric, threshold, evidence, first in query(
            database,
            "select flag, severity, metric_value, threshold, evidence, first_flagged_on from marts.silent_non_use",
        )
    }
    assert rows["login_only"][:4] == ("critical", 20.0, 4.0, "logged in on 20 of the last 28 days and recorded nothing")
    assert rows["dormant"][:4] == ("critical", 20.0, 14.0, "no interactive login in the last 20 days (last on 2026-10-26)")
    assert rows["dormant"][4] == AS_OF  # 13 days without a login on the check a week before
    # flagged since the first check of LoginHistory's horizon: logins are stored from 2026-07-01, so
    # judged from 2026-07-15 (dormant_days later), first checked on Sunday 2026-07-19
    assert rows["login_only"][4] == date(2026, 7, 19)
    assert rows["unlogged_leads"][:3] == ("warn", 0.6, 0.6)  # exactly at the threshold
    assert rows["deal_logged_at_close"][:3] == ("warn", 0.5, 0.5)
    assert rows["neglected_leads"][:3] == ("warn", 5.0, 5.0)
    assert rows["stale_pipeline"][:3] == ("info", 3.0, 3.0)
    assert rows["declining_usage"][0] == "warn" and rows["declining_usage"][1] < 0.4
    assert rows["batch_entry"][:3] == ("info", 1.0, 0.6)


def test_users_without_a_manager_form_one_team_holding_their_flags(built):
    database, _ = built
    teams = query(database, "select team_id, manager_name, team_members, open_flags from marts.team_adoption "
                            "where manager_id is null and week_ending_on = date '2026-11-15'")
    assert teams == [("no manager", "no manager in Salesforce", 2, 1)]  # the manager and the login-only rep
    with duckdb.connect(str(database), read_only=True) as con:
        [(check, offending)] = run_cross_checks(con, "team_adoption")
    assert check.name == "open_flags_match_silent_non_use" and offending == []


def test_badges_and_pillars_pass_their_cross_checks(built):
    """No badge for the unmeasured, new hires or the critically flagged; every team has its pillars."""
    database, _ = built
    with duckdb.connect(str(database), read_only=True) as con:
        checks = run_cross_checks(con, "user_recognition") + run_cross_checks(con, "team_casei")
        flagged = {u for (u,) in con.execute("select user_id from marts.silent_non_use where severity = 'critical'").fetchall()}
        awarded = {u for (u,) in con.execute("select user_id from marts.user_recognition").fetchall()}
        teams = con.execute("select count(*), count(distinct weakest_pillar) from marts.team_casei where is_current_week").fetchone()
    assert [c.name for c, _ in checks] == ["no_badge_for_the_unmeasured_or_new", "no_badge_with_a_critical_flag",
                                           "every_team_has_its_pillars"]
    assert all(offending == [] for _, offending in checks), checks
    assert flagged and not flagged & awarded
    assert teams[0] >= 2 and teams[1] >= 1


def test_events_carry_show_as(built):
    database, _ = built
    assert query(database, "select distinct show_as from staging.stg_salesforce__events order by 1") == [
        ("Busy",), ("OutOfOffice",)]


def test_the_absences_file_reaches_dbt(built):
    database, _ = built
    assert query(database, "select user_id, start_date, end_date, reason, source from staging.stg_absences__file "
                           "order by start_date") == [
        (U["healthy"], date(2026, 8, 3), date(2026, 8, 7), "holiday", "absences_file"),
        (U["back_from_leave"], date(2026, 10, 21), date(2026, 11, 10), "parental leave", "absences_file")]


def test_days_away_are_not_counted_against_anyone(built):
    """Both people away would be dormant (26 and 23 days without a login) and declining if days
    away counted; neither is flagged (EXPECTED_FLAGS holds exactly), and the evidence says why."""
    database, _ = built
    dormant = dict(query(database, "select user_id, evidence from intermediate.int_flag_dormant "
                                   f"where evaluated_on = date '{AS_OF}'"))
    assert dormant[U["back_from_leave"]] == "no interactive login in the last 5 present days (last on 2026-10-20; 21 days away not counted)"
    assert dormant[U["away_today"]] == "no interactive login in the last 2 present days (last on 2026-10-23; 21 days away not counted)"
    assert query(database, "select user_id, start_on, end_on, days_away, returns_on, is_current, sources "
                           "from marts.user_absences order by start_on") == [
        (U["healthy"], date(2026, 8, 3), date(2026, 8, 7), 5, date(2026, 8, 8), False, "absences_file"),
        (U["back_from_leave"], date(2026, 10, 21), date(2026, 11, 10), 21, date(2026, 11, 11), False, "absences_file"),
        (U["away_today"], date(2026, 10, 26), date(2026, 11, 24), 30, date(2026, 11, 25), True,
         "out_of_office, out_of_office_event")]
    on_leave = dict(query(database, "select user_id, is_on_leave from marts.user_adoption_scorecard where is_current_week"))
    assert on_leave[U["away_today"]] and not on_leave[U["back_from_leave"]] and not on_leave[U["healthy"]]
    # the Out of Office event is not a record the user logged
    assert query(database, f"select sum(records_created) from marts.user_adoption_daily where user_id = '{U['away_today']}' "
                           "and activity_date = date '2026-10-23'") == [(1,)]


def test_leads_handed_over_count_from_the_hand_over(built):
    """healthy got 6 old untouched leads two days ago (the name row beside each Id row ignored): not
    neglected; without the hand-over they would be (all their open leads, created in August)."""
    database, _ = built
    assert query(database, "select count(*), min(assigned_on), max(assigned_on) from intermediate.int_lead_trail "
                           f"where owner_id = '{U['healthy']}' and assigned_on is not null") == [
        (6, date(2026, 11, 13), date(2026, 11, 13))]
    assert query(database, "select metric_value, is_flagged from intermediate.int_flag_neglected_leads "
                           f"where user_id = '{U['healthy']}' and evaluated_on = date '{AS_OF}'") == [(0.0, False)]


def test_scorecard_tiers(built):
    database, _ = built
    tiers = dict(query(database, "select user_id, tier from marts.user_adoption_scorecard where is_current_week"))
    assert tiers[U["dormant"]] == "silent"
    assert tiers[U["login_only"]] == "silent"
    assert tiers[U["healthy"]] == "champion"
    assert tiers[U["manager"]] == "champion"
    assert U["integration"] not in tiers and U["inactive"] not in tiers
    # the new hire is scored (not flagged): no critical flag can make them silent
    assert tiers[U["new_hire"]] != "silent"
    weeks = query(database, "select count(distinct week_ending_on), max(week_ending_on) from marts.user_adoption_scorecard")
    assert weeks == [(20, AS_OF)]


def test_excluded_users_are_listed_separately_with_their_reason(built):
    """The integration account, the inactive rep, the frozen leaver (who would be dormant, with 5
    neglected leads) and the service agent working Cases are not measured; the login-only rep, who
    owns a routed lead, and the new hire, with 7 login days, are."""
    database, _ = built
    excluded = {u: (reason, detail) for u, reason, detail in query(
        database, "select user_id, exclusion_reason, exclusion_detail from marts.excluded_users")}
    assert {u: reason for u, (reason, _) in excluded.items()} == {
        U["integration"]: "integration_user", U["inactive"]: "inactive", U["frozen"]: "frozen",
        U["service_agent"]: "not_in_sales_scope"}
    assert excluded[U["service_agent"]][1] == ("logged in interactively on 98 of the last 180 days with no sales work "
                                               "(no lead or opportunity owned or created, no task or event on one) and "
                                               "no measured report")
    daily_users = {u for (u,) in query(database, "select distinct user_id from marts.user_adoption_daily")}
    assert not {U["integration"], U["frozen"], U["service_agent"]} & daily_users
    assert {U["new_hire"], U["login_only"]} <= daily_users


def test_unlogged_opportunities_lists_the_deals_behind_the_flags(built):
    database, _ = built
    rows = query(
        database,
        "select owner_id, is_behind_unlogged_leads, is_behind_deal_logged_at_close from marts.unlogged_opportunities",
    )
    assert sorted(rows) == sorted(
        [(U["deal_logged_at_close"], False, True)] + [(U["unlogged_leads"], True, False)] * 3
    )


def test_daily_facts_include_days_without_activity(built):
    database, _ = built
    (days, login_days, records), = query(
        database,
        f"select count(*), sum(case when is_login_day then 1 else 0 end), sum(records_created) "
        f"from marts.user_adoption_daily where user_id = '{U['dormant']}'",
    )
    assert days == (AS_OF - date(2026, 7, 1)).days + 1
    assert login_days == records == 17  # Mondays from 2026-07-06 to 2026-10-26


def test_hidden_fields_become_typed_nulls(built):
    database, _ = built
    # Department and LeadSource are absent from the raw tables of this org
    assert query(database, "select count(department) from staging.stg_salesforce__users") == [(0,)]
    assert query(database, "select count(lead_source) from staging.stg_salesforce__leads") == [(0,)]


def test_login_activity_counts_people_and_integrations(built):
    database, _ = built
    (logins, failed, interactive), = query(
        database,
        f"select sum(logins), sum(failed_logins), sum(interactive_logins) from marts.login_activity_daily "
        f"where login_date = '{AS_OF}' and profile_name = 'Integration User'",
    )
    assert (logins, failed, interactive) == (2, 1, 0)


def test_a_flag_on_an_excluded_user_fails_the_gate(built):
    """silent_non_use holds no excluded user; one slipped in (the frozen leaver, dormant) fails its
    cross-table check with the reason (inserted in a transaction rolled back)."""
    database, _ = built
    with duckdb.connect(str(database)) as con:
        [(check, offending)] = run_cross_checks(con, "silent_non_use")
        assert check.name == "no_flag_for_the_unmeasured" and offending == []
        con.begin()
        con.execute(f"insert into marts.silent_non_use select * replace ('{U['frozen']}' as user_id) "
                    "from marts.silent_non_use where flag = 'dormant'")
        [(_, offending)] = run_cross_checks(con, "silent_non_use")
        con.rollback()
    assert offending == [(U["frozen"], "dormant held by a user excluded as frozen")]


def test_the_marts_refuse_rows_that_break_their_contract(built):
    """On DuckDB the marts' keys and not-null columns are table constraints (their contracts), not
    dbt tests: a repeated key or a null where the contract says not null is refused by the table."""
    from pipelines.dbt.project import dbt_project

    database, _ = built
    manifest = json.loads(Path(dbt_project.manifest_path).read_text())
    marts = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["fqn"][1] == "marts"]
    assert {n["name"] for n in marts} == MARTS
    refused = set()
    with duckdb.connect(str(database)) as con:
        for node in marts:
            table = f"marts.{node['name']}"
            if not con.execute(f"select count(*) from {table}").fetchone()[0]:
                continue
            [key] = [c["columns"] for c in node["constraints"] if c["type"] == "primary_key"]
            not_null = [c for c, column in node["columns"].items() if any(k["type"] == "not_null" for k in column["constraints"])]
            for column in [None, *not_null]:  # the same row again; then one with a null in `column`
                row = f"select * replace (null as {column}) from {table}" if column else f"select * from {table}"
                con.execute("begin")
                with pytest.raises(duckdb.ConstraintException):
                    con.execute(f"insert into {table} {row} limit 1")
                con.execute("rollback")
                refused.add((node["name"], column or "+".join(key)))
    assert len({mart for mart, _ in refused}) >= 10 and ("silent_non_use", "user_id+flag") in refused
    assert ("silent_non_use", "evidence") in refused and ("user_adoption_scorecard", "is_on_leave") in refused
