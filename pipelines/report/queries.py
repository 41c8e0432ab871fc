"""What the adoption report shows, read from the marts of a DuckDB connection into plain frames.

Everything is read as of the marts' own date (the week ending on `as_of_date`), never the day
the report happens to be built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipelines.dbt import vocabulary

SEVERITIES = ("critical", "warn", "info")
LOGIN_WINDOW_DAYS = 28  # the contract's usage window (`window_days`)
NO_MANAGER = "no manager in Salesforce"  # team_adoption's name for the team of users without one
HOLIDAY_SOURCES = ("holiday", "holidays_file")  # user_absences' sources of a holiday (everyone's time away)


@dataclass(frozen=True)
class ReportData:
    """The report's inputs, one frame per picture or list."""

    as_of: dt.date
    kpis: pd.DataFrame
    """org_adoption_kpis, one row per week from the first week with logins, oldest first."""
    tiers: pd.DataFrame
    """`tier`, `users`: this week's tier distribution, every tier present, in the vocabulary's order."""
    teams: pd.DataFrame
    """team_adoption this week, one row per manager, by manager name."""
    flags: pd.DataFrame
    """silent_non_use with its `team` (the manager's name), by team, severity and user."""
    flag_deals: pd.DataFrame
    """The deals behind each user's `unlogged_leads` and `deal_logged_at_close` flag."""
    logins_by_day: pd.DataFrame
    """`login_date`, `interactive`, `other_successful`, `failed` over the whole history."""
    logins_by_app: pd.DataFrame
    """Logins by `application` and `platform` in the login window, most first."""
    away: pd.DataFrame
    """Who is away on the as-of date on leave of their own (user_absences' current spans that are
    not only holidays): `user_name`, `team`, `start_on`, `returns_on`, `sources`, by team and name."""
    holidays: pd.DataFrame
    """The holidays on the as-of date, by name (`holidays`), with the `people` they cover, most first."""
    badges: pd.DataFrame
    """user_recognition with its `team`: `user_name`, `badge`, `earned_on`, `metric_value`,
    `evidence`, by team, badge (the vocabulary's order) and name."""
    streaks: pd.DataFrame
    """This week's streaks with `team`: `user_name`, `current_streak_days`, `longest_streak_days`,
    `current_streak_weeks`, of people with a current streak, by team and longest current streak."""
    casei: pd.DataFrame
    """team_casei this week with its `team`: the five `<pillar>_score`, `weakest_pillar`,
    `evidence`, by team."""


def login_window_start(as_of: dt.date) -> dt.date:
    """First day of the LOGIN_WINDOW_DAYS-day window that ends on (and includes) `as_of`."""
    return as_of - dt.timedelta(days=LOGIN_WINDOW_DAYS - 1)


class NothingToReport(ValueError):
    """The published marts measure nobody (an empty org, or one with no active Standard users)."""


def as_of_date(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The last day of the marts' current week (the `as_of_date` the marts were built for)."""
    (as_of,) = con.execute(
        "SELECT max(week_ending_on) FROM marts.user_adoption_scorecard WHERE is_current_week"
    ).fetchone()
    if as_of is None:
        raise NothingToReport(
            "marts.user_adoption_scorecard has no current week: there is nothing to report. "
            "Run adoption_refresh on an org with active Standard users first."
        )
    return as_of


def _with_team(alias: str) -> tuple[str, str]:
    """The `team` column of rows of `alias` (a mart with `manager_id`) and the join that names it:
    the manager's name in team_adoption's week (a parameter), or NO_MANAGER."""
    column = (f"CASE WHEN {alias}.manager_id IS NULL THEN '{NO_MANAGER}' "
              f"ELSE coalesce(t.manager_name, {alias}.manager_id) END AS team")
    join = f"LEFT JOIN marts.team_adoption t ON t.manager_id IS NOT DISTINCT FROM {alias}.manager_id AND t.week_ending_on = ?"
    return column, join


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def read_report_data(con: duckdb.DuckDBPyConnection) -> ReportData:
    """Read every frame the report needs from the `marts` schema."""
    as_of = as_of_date(con)
    tiers = _frame(
        con,
        "SELECT tier, count(*) AS users FROM marts.user_adoption_scorecard WHERE week_ending_on = ? GROUP BY tier",
        [as_of],
    )
    severity_rank = "CASE s.severity " + " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(SEVERITIES)) + " END"
    login_sums = (
        "CAST(sum(interactive_logins) AS BIGINT) AS interactive, "
        "CAST(sum(successful_logins - interactive_logins) AS BIGINT) AS other_successful, "
        "CAST(sum(failed_logins) AS BIGINT) AS failed"
    )
    deal_columns = "owner_id AS user_id, opportunity_name, stage_name, amount, created_on, close_date, reason"
    flag_team, flag_team_join = _with_team("s")
    away_team, away_team_join = _with_team("a")
    badge_team, badge_team_join = _with_team("r")
    streak_team, streak_team_join = _with_team("c")
    casei_team, casei_team_join = _with_team("p")
    badge_rank = "CASE r.badge " + " ".join(f"WHEN '{b}' THEN {i}" for i, b in enumerate(vocabulary.badges())) + " END"
    pillar_scores = ", ".join(f"p.{pillar}_score" for pillar in vocabulary.pillars())
    return ReportData(
        as_of=as_of,
        kpis=_frame(
            con,
            "SELECT period_start_on, period_end_on, measured_users, weekly_active_users, champion_share, "
            "healthy_share, at_risk_share, silent_share, average_score, new_business_deals, "
            "deals_with_lead_trail, lead_trail_share, open_flags, flags_opened, flags_closed "
            "FROM marts.org_adoption_kpis WHERE period_type = 'week' AND period_end_on <= ? "
            # weeks that end before the first login on record measure nothing but missing history
            "AND period_end_on >= (SELECT min(login_date) FROM marts.login_activity_daily) "
            "ORDER BY period_end_on",
            [as_of],
        ),
        tiers=(
            tiers.set_index("tier").reindex(list(vocabulary.tiers()), fill_value=0).rename_axis("tier").reset_index()
        ),
        teams=_frame(
            con,
            "SELECT manager_id, manager_name, manager_role_name, team_members, team_median_score, "
            "team_average_score, manager_score, manager_tier, manager_score_minus_team_median, "
            "silent_members, weekly_active_members, open_flags "
            "FROM marts.team_adoption WHERE week_ending_on = ? ORDER BY manager_name, manager_id",
            [as_of],
        ),
        flags=_frame(
            con,
            f"SELECT s.user_id, s.user_name, s.manager_id, {flag_team}, "
            "s.flag, s.severity, s.metric_value, s.threshold, s.evidence, s.first_flagged_on, a.returns_on "
            f"FROM marts.silent_non_use s {flag_team_join} "
            "LEFT JOIN marts.user_absences a ON a.user_id = s.user_id AND a.is_current "
            f"ORDER BY team, {severity_rank}, s.user_name, s.flag",
            [as_of],
        ),
        away=_frame(
            con,
            f"SELECT a.user_id, a.user_name, {away_team}, a.start_on, a.returns_on, a.sources "
            f"FROM marts.user_absences a {away_team_join} "
            f"WHERE a.is_current AND NOT list_has_all({list(HOLIDAY_SOURCES)}, string_split(a.sources, ', ')) "
            "ORDER BY team, a.user_name",
            [as_of],
        ),
        holidays=_frame(
            con,
            "SELECT holidays, count(*) AS people FROM marts.user_absences WHERE is_current AND holidays IS NOT NULL "
            "GROUP BY holidays ORDER BY people DESC, holidays",
        ),
        badges=_frame(
            con,
            f"SELECT r.user_id, r.user_name, {badge_team}, r.badge, r.earned_on, r.metric_value, r.evidence "
            f"FROM marts.user_recognition r {badge_team_join} ORDER BY team, {badge_rank}, r.user_name",
            [as_of],
        ),
        streaks=_frame(
            con,
            f"SELECT c.user_id, c.user_name, {streak_team}, c.current_streak_days, c.longest_streak_days, "
            f"c.current_streak_weeks FROM marts.user_adoption_scorecard c {streak_team_join} "
            "WHERE c.is_current_week AND (c.current_streak_days > 0 OR c.current_streak_weeks > 0) "
            "ORDER BY team, c.current_streak_days DESC, c.current_streak_weeks DESC, c.user_name",
            [as_of],
        ),
        casei=_frame(
            con,
            f"SELECT p.manager_id, {casei_team}, p.team_size, {pillar_scores}, p.weakest_pillar, p.evidence "
            f"FROM marts.team_casei p {casei_team_join} WHERE p.week_ending_on = ? ORDER BY team",
            [as_of, as_of],
        ),
        flag_deals=_frame(
            con,
            f"SELECT {deal_columns}, 'unlogged_leads' AS flag FROM marts.unlogged_opportunities "
            "WHERE is_behind_unlogged_leads "
            f"UNION ALL SELECT {deal_columns}, 'deal_logged_at_close' AS flag FROM marts.unlogged_opportunities "
            "WHERE is_behind_deal_logged_at_close "
            "ORDER BY user_id, flag, created_on, opportunity_name",
        ),
        logins_by_day=_frame(
            con,
            f"SELECT login_date, {login_sums} FROM marts.login_activity_daily "
            "WHERE login_date <= ? GROUP BY login_date ORDER BY login_date",
            [as_of],
        ),
        logins_by_app=_frame(
            con,
            f"SELECT application, platform, {login_sums} FROM marts.login_activity_daily "
            "WHERE login_date BETWEEN ? AND ? GROUP BY application, platform "
            "ORDER BY sum(logins) DESC, application, platform",
            [login_window_start(as_of), as_of],
        ),
    )
