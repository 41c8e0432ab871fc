"""The README's first command, run as a newcomer would: `flywheel demo` on the built-in org."""

import os
import re
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.salesforce.objects import OBJECTS
from pipelines.dbt.vocabulary import exclusion_reasons
from tests.support.accuracy import (
    badge_scores, exclusion_scores, flag_scores, pillar_results, pillar_table, read_ground_truth, recognition_failures,
    table,
)
from pipelines.sample_org.generator import GeneratorConfig, generate_org

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory):
    """`flywheel demo` (as `python -m pipelines.cli.main demo`, the same entry point) in a fresh
    folder. A second run reads nothing new: tests/integration/test_assets.py
    (`test_materializing_the_extract_assets_twice`) holds the extract assets to that."""
    cwd = tmp_path_factory.mktemp("quickstart")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SALESFORCE_", "FLYWHEEL_", "DAGSTER_HOME"))}
    first = subprocess.run([sys.executable, "-m", "pipelines.cli.main", "demo"], cwd=cwd, env=env, capture_output=True,
                           text=True, timeout=600)
    return cwd, first


def latest_metadata(home: Path, object_table: str, schema: str = "raw_salesforce") -> dict:
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        with dg.DagsterInstance.get() as instance:
            event = instance.get_latest_materialization_event(dg.AssetKey([schema, object_table]))
            return {k: v.value for k, v in event.asset_materialization.metadata.items()}
    finally:
        del os.environ["DAGSTER_HOME"]


def test_first_run_says_it_uses_the_sample_org_and_where_outputs_are(quickstart):
    cwd, first = quickstart
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "built-in sample org" in first.stdout + first.stderr
    published = cwd / "data" / "exports" / "current" / "flywheel_marts.duckdb"
    assert f"published marts   {published}" in first.stdout and "marts.silent_non_use" in first.stdout
    assert f"duckdb.connect('{published}', read_only=True)" in first.stdout  # readers are sent to the publication
    assert f"working database  {cwd / 'data' / 'flywheel.duckdb'}  (the run's own" in first.stdout
    assert "login_history 3" in first.stdout  # the raw tables' rows, on one line


def test_the_demo_prints_about_a_screen_and_names_the_file_with_the_whole_log(quickstart):
    cwd, first = quickstart
    print(first.stdout)
    lines = first.stdout.splitlines()
    assert len(lines) <= 60
    assert "done adoption_models (" in first.stdout and "dbt tests passed" in first.stdout
    assert "gates: " in first.stdout and "checks passed" in first.stdout
    assert not any(" - DEBUG - " in line or " of 262 " in line or "START test" in line for line in lines)
    [named] = [line for line in lines if line.startswith("The whole log of this run: ")]
    log = Path(named.split(": ", 1)[1])
    assert log.parent == cwd / "data" / "logs" and log.name.startswith("flywheel-demo-")
    whole = log.read_text()
    assert " - DEBUG - " in whole and "STEP_START" in whole and "START test" in whole and "Completed successfully" in whole


def test_raw_tables_equal_the_org(quickstart):
    cwd, _ = quickstart
    org = generate_org(GeneratorConfig())
    with duckdb.connect(str(cwd / "data" / "flywheel.duckdb"), read_only=True) as con:
        for spec in OBJECTS:
            ids = [i for (i,) in con.execute(f'SELECT "Id" FROM raw_salesforce.{spec.table}').fetchall()]
            assert len(ids) == len(set(ids)), spec.table
            assert sorted(ids) == sorted(org.tables[spec.name].column("Id").to_pylist()), spec.table


def test_flags_find_what_the_sample_org_planted(quickstart):
    """Issues 22's and 23's bar (issue 12's was 0.95): precision and recall 1.0 for every flag,
    people on leave, reps handed old leads, teams in every zone, people who sign in by SSO and the
    org's own picklists included; no excluded or new person flagged."""
    cwd, _ = quickstart
    data = cwd / "data"
    with duckdb.connect(str(data / "flywheel.duckdb"), read_only=True) as con:
        scores, wrongly_flagged = flag_scores(con, read_ground_truth(data / "sample_org_ground_truth.jsonl"))
    print(table(scores))
    for score in scores:
        assert score.expected > 0, f"the default org plants no {score.name}"
        assert score.precision == score.recall == 1.0, table(scores)
    assert wrongly_flagged == []


def test_excluded_users_show_every_reason_and_the_run_says_so(quickstart):
    """From a fresh demo, excluded_users holds every reason, each exactly the people planted with it;
    the models' metadata counts them by reason and says how each kind of login was counted."""
    cwd, _ = quickstart
    data = cwd / "data"
    truth = read_ground_truth(data / "sample_org_ground_truth.jsonl")
    with duckdb.connect(str(data / "flywheel.duckdb"), read_only=True) as con:
        scores = exclusion_scores(con, truth)
        counts = dict(con.execute("SELECT exclusion_reason, count(*) FROM marts.excluded_users GROUP BY 1").fetchall())
    print(table(scores, "exclusion_reason"))
    assert [s.name for s in scores] == list(exclusion_reasons())
    for score in scores:
        assert score.expected > 0 and score.precision == score.recall == 1.0, table(scores, "exclusion_reason")
    excluded = latest_metadata(cwd / "dagster_home", "excluded_users", "marts")
    assert {reason: excluded[f"excluded_{reason}"] for reason in exclusion_reasons()} == counts
    logins = latest_metadata(cwd / "dagster_home", "int_logins", "intermediate")["login_kinds"]
    assert "| Third Party SSO | Browser | a person (interactive) |" in logins
    assert "| Remote Access 2.0 | Salesforce for Outlook | not a person: mobile_login_type from an app outside mobile_app_patterns |" in logins
    assert "| Other Apex API | N/A | not a person: LoginType in non_interactive_login_types |" in logins


def test_the_demo_uses_the_sample_orgs_absences_and_holidays_files(quickstart):
    cwd, first = quickstart
    absences, holidays = cwd / "data" / "sample_org_absences.csv", cwd / "data" / "sample_org_holidays.csv"
    assert f"absences file (FLYWHEEL_ABSENCES_FILE): {absences}" in first.stdout
    assert f"holidays file (FLYWHEEL_HOLIDAYS_FILE): {holidays}" in first.stdout
    with duckdb.connect(str(cwd / "data" / "flywheel.duckdb"), read_only=True) as con:
        sources = {s for (s,) in con.execute("SELECT DISTINCT unnest(string_split(sources, ', ')) FROM marts.user_absences").fetchall()}
    assert sources == {"absences_file", "out_of_office", "out_of_office_event", "holiday", "holidays_file"}


def test_the_quickstart_org_has_teams_in_several_zones_and_a_holiday(quickstart):
    """Each person on their own calendar: teams in several zones (one at least nine hours ahead of
    UTC), the company shutdown in everyone's time away, by name; the as-of date is the last complete
    day by the org's clock (the morning after its last day)."""
    cwd, _ = quickstart
    with duckdb.connect(str(cwd / "data" / "flywheel.duckdb"), read_only=True) as con:
        zones = dict(con.execute("SELECT time_zone, count(*) FROM intermediate.int_users WHERE is_measured "
                                 "GROUP BY time_zone").fetchall())
        (shutdown,) = con.execute("SELECT count(DISTINCT user_id) FROM marts.user_absences "
                                  "WHERE holidays LIKE '%Company shutdown%'").fetchone()
        (measured,) = con.execute("SELECT count(*) FROM intermediate.int_users WHERE is_measured").fetchone()
        as_of, source = con.execute("SELECT as_of_date, as_of_date_source FROM intermediate.int_reporting_dates").fetchone()
    assert len(zones) >= 4 and {"Australia/Sydney", "America/New_York"} <= set(zones), zones
    assert shutdown == measured  # a company shutdown is time away for everyone
    assert (str(as_of), source) == ("2026-11-15", "the last complete day by the Salesforce clock")


def test_badges_and_pillars_find_what_the_sample_org_planted(quickstart):
    """Issue 15's bar on seed 7: every planted badge found and none held against the truth, nobody
    who must never hold one holds one, planted streaks counted exactly, each planted team's weakest
    pillar and its value (tests/integration/test_recognition_accuracy.py does seed 3)."""
    cwd, _ = quickstart
    data = cwd / "data"
    truth = read_ground_truth(data / "sample_org_ground_truth.jsonl")
    with duckdb.connect(str(data / "flywheel.duckdb"), read_only=True) as con:
        print(table(badge_scores(con, truth)[0], "badge"), pillar_table(pillar_results(con, truth)), sep="\n")
        assert recognition_failures(con, truth) == []


def test_every_mart_is_built(quickstart):
    cwd, _ = quickstart
    with duckdb.connect(str(cwd / "data" / "flywheel.duckdb"), read_only=True) as con:
        for mart in ["user_adoption_daily", "user_adoption_scorecard", "silent_non_use", "team_adoption",
                     "login_activity_daily", "org_adoption_kpis", "unlogged_opportunities", "user_recognition", "team_casei"]:
            assert con.execute(f"SELECT count(*) FROM marts.{mart}").fetchone()[0] > 0, mart


def documented_sql() -> list[str]:
    """Every SQL block of the README and the docs."""
    root = Path(__file__).resolve().parents[2]
    pages = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    return [q for page in pages for q in re.findall(r"```sql\n(.*?)```", page.read_text(), flags=re.S)]


def test_every_documented_sql_query_answers_on_the_default_orgs_publication(quickstart):
    """The queries are written for readers, so they run on what readers open: the publication."""
    cwd, _ = quickstart
    queries = documented_sql()
    assert len(queries) >= 6
    with duckdb.connect(str(cwd / "data" / "exports" / "current" / "flywheel_marts.duckdb"), read_only=True) as con:
        for query in queries:
            assert con.execute(query).fetchall(), query  # each answers with rows on the default org
