"""Checks that span tables, in SQL: the marts must agree with each other and with who is measured."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class CrossCheck:
    name: str
    description: str
    sql: str  # returns offending rows: (id, detail)


CROSS_CHECKS: dict[str, list[CrossCheck]] = {
    "user_adoption_scorecard": [
        CrossCheck(
            "every_measured_user_is_scored",
            "every active human user measured as of the date has a scorecard row for the current week",
            # a user created after the as-of date on their own calendar (a new hire in Sydney the
            # morning the run extracts) has no day to score yet
            """SELECT u.user_id, u.user_name FROM intermediate.int_users u
               WHERE u.is_measured
                 AND u.created_on <= (SELECT as_of_date FROM intermediate.int_reporting_dates)
                 AND NOT EXISTS (
                   SELECT 1 FROM marts.user_adoption_scorecard s
                   WHERE s.user_id = u.user_id AND s.is_current_week)""",
        )
    ],
    "team_adoption": [
        CrossCheck(
            "open_flags_match_silent_non_use",
            "each manager's open_flags for the as-of week equals their team's rows in silent_non_use",
            """WITH listed AS (SELECT manager_id, count(*) AS flags FROM marts.silent_non_use GROUP BY 1),
                    teams AS (SELECT manager_id, open_flags FROM marts.team_adoption
                              WHERE week_ending_on = (SELECT max(as_of_date) FROM marts.silent_non_use))
               SELECT coalesce(t.manager_id, l.manager_id, 'no manager in Salesforce'),
                      'team_adoption says ' || coalesce(t.open_flags, 0) || ', silent_non_use lists ' || coalesce(l.flags, 0)
               FROM teams t FULL JOIN listed l ON t.manager_id IS NOT DISTINCT FROM l.manager_id
               WHERE coalesce(t.open_flags, 0) != coalesce(l.flags, 0)""",
        )
    ],
    "silent_non_use": [
        CrossCheck(
            "no_flag_for_the_unmeasured",
            "no flag for a user who is not measured (excluded_users: integration, frozen, outside sales, inactive, not Standard)",
            """SELECT s.user_id, s.flag || ' held by a user excluded as ' || coalesce(u.exclusion_reason, 'unknown')
               FROM marts.silent_non_use s JOIN intermediate.int_users u ON u.user_id = s.user_id
               WHERE NOT u.is_measured""",
        )
    ],
    "user_recognition": [
        CrossCheck(
            "no_badge_for_the_unmeasured_or_new",
            "no badge for an excluded user (integration, frozen, outside sales, inactive, not Standard) or a new hire",
            """SELECT r.user_id, r.badge || ' held by ' || CASE WHEN u.is_measured THEN 'a new hire'
                                                                  ELSE coalesce(u.exclusion_reason, 'an excluded user') END
               FROM marts.user_recognition r JOIN intermediate.int_users u ON u.user_id = r.user_id
               WHERE NOT u.is_measured OR u.is_new""",
        ),
        CrossCheck(
            "no_badge_with_a_critical_flag",
            "no badge for someone holding a critical flag",
            """SELECT r.user_id, r.badge || ' held beside the critical flag ' || s.flag
               FROM marts.user_recognition r JOIN marts.silent_non_use s ON s.user_id = r.user_id
               WHERE s.severity = 'critical'""",
        ),
    ],
    "team_casei": [
        CrossCheck(
            "every_team_has_its_pillars",
            "every team and week of team_adoption from LoginHistory's horizon on has a team_casei row (weeks "
            "before it have no scores to weigh)",
            """SELECT t.team_id, 'no team_casei row for the week ending ' || t.week_ending_on
               FROM marts.team_adoption t
               WHERE t.week_ending_on >= (SELECT logins_judged_from FROM intermediate.int_reporting_dates)
                 AND NOT EXISTS (SELECT 1 FROM marts.team_casei c
                                 WHERE c.team_id = t.team_id AND c.week_ending_on = t.week_ending_on)""",
        )
    ],
}


def run_cross_checks(con: duckdb.DuckDBPyConnection, mart: str) -> list[tuple[CrossCheck, list[tuple[str, str]]]]:
    """Each cross check of `mart` with its offending rows (empty when it holds)."""
    return [(check, con.execute(check.sql).fetchall()) for check in CROSS_CHECKS.get(mart, [])]
