"""Each person's own calendar, end to end on the sample org: local dates in every zone, the org's
zone for people without one, the last complete day by Salesforce's clock, a company shutdown, and
LoginHistory's horizon (docs/calendar.md). The personas and their truth are pipelines/sample_org/
personas.py's; the zones and holidays calendar.py's."""

import dataclasses
import datetime as dt

import dagster as dg
import duckdb
import pytest
from conftest import SMALL, run_pipeline

from tests.support.accuracy import per_user_differences
from pipelines.sample_org.generator import GeneratorConfig
from pipelines.sample_org.org import SampleOrg

pytestmark = pytest.mark.slow  # runs the whole job

# Everything but the gates and the publication: what the per-user comparisons read.
MODELS = dg.AssetSelection.groups("salesforce_raw", "adoption_models").without_checks()


def persona_ids(config: GeneratorConfig, persona: str) -> list[str]:
    from pipelines.sample_org.generator import generate_org

    return [t["user_id"] for t in generate_org(config).ground_truth.to_pylist() if t["persona"] == persona]


def build(config: GeneratorConfig, folder, *, refuse: tuple[str, ...] = (), selection=MODELS, prepare=None):
    """The org of `config`, run (the models, by default) into `folder`; returns the database."""
    folder.mkdir()
    with SampleOrg.from_generator(config) as org, pytest.MonkeyPatch.context() as env:
        env.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
        for name in refuse:
            org.shape.refuse_object(name)
        if prepare:
            prepare(org)
        result = run_pipeline(org, folder / "flywheel.duckdb", folder / "exports", selection=selection)
    assert result.success
    return folder / "flywheel.duckdb"


def query(database, sql, params=()):
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_a_sydney_rep_active_every_working_day_for_20_days_has_a_20_day_streak_and_iron_streak(good_run):
    """Their Monday starts on Sunday in UTC; on their own calendar they were active on each of the
    last 20 working days (not the one before): a streak of exactly 20, and the badge."""
    [rep] = persona_ids(SMALL, "streak_20_days")
    [(zone, source)] = query(good_run.database, "SELECT time_zone, time_zone_source FROM intermediate.int_users "
                                                "WHERE user_id = ?", [rep])
    assert (zone, source) == ("Australia/Sydney", "user")
    sunday_logins = query(good_run.database, "SELECT count(*) FROM raw_salesforce.login_history WHERE \"UserId\" = ? "
                                             "AND dayofweek(\"LoginTime\") = 0", [rep])[0][0]
    assert sunday_logins >= 4  # their Monday mornings, in UTC
    [(streak,)] = query(good_run.database, "SELECT current_streak_days FROM marts.user_adoption_scorecard "
                                           "WHERE user_id = ? AND is_current_week", [rep])
    assert streak == 20
    assert ("iron_streak",) in query(good_run.database, "SELECT badge FROM marts.user_recognition WHERE user_id = ?", [rep])


def test_a_user_whose_zone_is_missing_falls_back_to_the_org_zone(good_run):
    """Two reps without a zone of their own (none, and one that is not an IANA name) work their
    evenings on the org's zone (New York), after midnight UTC: on the org's calendar every working
    day of theirs is active, on UTC's their Mondays would be empty and their Fridays Saturdays."""
    for persona in ("night_owl_no_zone", "night_owl_bad_zone"):
        [rep] = persona_ids(SMALL, persona)
        [(zone, source)] = query(good_run.database, "SELECT time_zone, time_zone_source FROM intermediate.int_users "
                                                    "WHERE user_id = ?", [rep])
        assert (zone, source) == ("America/New_York", "organization"), persona
        [(streak, days)] = query(good_run.database, "SELECT current_streak_days, working_days FROM "
                                                    "marts.user_adoption_scorecard WHERE user_id = ? AND is_current_week", [rep])
        assert streak >= 20, persona
        assert ("iron_streak",) in query(good_run.database, "SELECT badge FROM marts.user_recognition WHERE user_id = ?",
                                         [rep]), persona


@pytest.mark.scenario_runs
def test_the_0500_utc_run_on_a_friday_equals_the_end_of_thursday_run(tmp_path):
    """The daily schedule runs at 05:00 UTC, when the org already holds the new day's first hours
    (a Sydney team's Friday morning, sync clients, integrations). It judges Thursday, the last
    complete day by Salesforce's clock, exactly as a run made when everyone's Thursday had ended and
    nothing of Friday had begun: not one per-user result differs."""
    thursday = dataclasses.replace(SMALL, end_date=dt.date(2026, 11, 12))
    end_of_thursday = build(dataclasses.replace(thursday, new_day=False, clock_hour=0.0), tmp_path / "end_of_thursday")
    friday_morning = build(thursday, tmp_path / "friday_0500")
    for database, clock in ((end_of_thursday, dt.datetime(2026, 11, 13)), (friday_morning, dt.datetime(2026, 11, 13, 5))):
        [(as_of, reading)] = query(database, "SELECT as_of_date, salesforce_clock FROM intermediate.int_reporting_dates")
        assert as_of == dt.date(2026, 11, 12) and dt.timedelta(0) <= reading - clock < dt.timedelta(minutes=30), database
    new_day = query(friday_morning, "SELECT count(*) FROM raw_salesforce.login_history WHERE \"LoginTime\" >= '2026-11-13'")
    assert new_day[0][0] > 0  # the morning's logins are there, and change nothing
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{end_of_thursday}' AS thursday (READ_ONLY)")
        con.execute(f"ATTACH '{friday_morning}' AS friday (READ_ONLY)")
        differences = per_user_differences(con, "thursday", "friday")
    assert not any(differences.values()), differences


@pytest.mark.scenario_runs
def test_a_shutdown_with_holiday_rows_raises_no_flag_and_the_report_names_it(tmp_path):
    """The last two weeks are a company shutdown (Holiday records, one per working day): nobody
    works. Without the Holiday records nearly everyone would be dormant and declining; with them,
    only people planted dormant before it still are, and the report names the holiday."""
    shutdown = dataclasses.replace(SMALL, end_date=dt.date(2027, 1, 1), shutdown_days_before_end=11, shutdown_weeks=2)
    with_holidays = build(shutdown, tmp_path / "with_holidays", selection=None)
    without = build(shutdown, tmp_path / "without_holidays", refuse=("Holiday",))
    sql = "SELECT count(DISTINCT user_id) FROM marts.silent_non_use WHERE flag IN ('dormant', 'declining_usage')"
    measured = query(with_holidays, "SELECT count(*) FROM intermediate.int_users WHERE is_measured")[0][0]
    assert query(without, sql)[0][0] > measured / 2  # the shutdown read as silence
    # never logged in at all, or gone quiet long before the shutdown: dormant whatever the calendar
    before = {p for persona in ("absent_leader", "dormant_then_leave", "dormant_long") for p in persona_ids(shutdown, persona)}
    flagged = {u for (u,) in query(with_holidays, sql.replace("count(DISTINCT user_id)", "DISTINCT user_id"))}
    assert flagged <= before, flagged
    page = (tmp_path / "with_holidays" / "exports" / "report" / "adoption_report.html").read_text()
    assert "Holiday: <strong>Company shutdown, New Year&#39;s Day</strong>" in page


@pytest.mark.scenario_runs
def test_a_first_install_with_six_months_of_logins_shows_no_wave_of_historical_dormancy(tmp_path):
    """A year of records and, as Salesforce keeps, six months of LoginHistory: weeks before the
    logins' horizon carry no tier and no login-based flag, and say why; dormancy is first flagged
    from the horizon on, where people really stopped; no week of the KPIs reads the missing logins
    as an org gone silent."""
    year = dataclasses.replace(SMALL, days=365)

    def keep_six_months(org):
        cutoff = dt.datetime(2026, 5, 20)
        old = [r["Id"] for r in org.store.records("LoginHistory") if r["LoginTime"] < cutoff]
        org.store.hard_delete("LoginHistory", old)

    database = build(year, tmp_path / "first_install", prepare=keep_six_months)
    [(starts, judged_from)] = query(database, "SELECT login_history_starts_on, logins_judged_from "
                                              "FROM intermediate.int_reporting_dates")
    assert starts >= dt.date(2026, 5, 19) and judged_from == starts + dt.timedelta(days=14)
    before = query(database, "SELECT count(*), count(tier), count(not_scored_because) FROM marts.user_adoption_scorecard "
                             "WHERE week_ending_on < ?", [judged_from])[0]
    assert before[0] > 0 and before[1] == 0 and before[2] == before[0]
    assert query(database, "SELECT min(first_flagged_on) FROM marts.silent_non_use WHERE flag = 'dormant'")[0][0] >= judged_from
    shares = query(database, "SELECT period_end_on, silent_share FROM marts.org_adoption_kpis WHERE period_type = 'week' "
                             "ORDER BY period_end_on")
    assert all(share is None for end, share in shares if end < judged_from)
    assert max(share for end, share in shares if end >= judged_from) < 0.5
    dormant_weeks = query(database, "SELECT count(*) FROM intermediate.int_flag_history WHERE flag = 'dormant' "
                                    "AND evaluated_on < ?", [judged_from])[0][0]
    assert dormant_weeks == 0
