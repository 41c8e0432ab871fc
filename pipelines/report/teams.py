"""Each manager's page: the adoption report written per team (`report/teams/<team>.html`), the same
charts scoped to that team, so a page names no one outside it.

The report's own queries (`queries.read_report_data`) run unchanged on a connection in which every
mart is a view over the publication holding only the team's rows: the user marts filtered on the
team's manager, the team marts on its row, and the two org-level marts rebuilt from the team's
rows (`org_adoption_kpis` from its scorecard and flag changes; `login_activity_daily` from its
members' days, all applications together). What the marts hold only for the whole org (deals
with a lead trail per week; logins by application) is left off a team's page.

The pages share one copy of plotly.js (`report/plotly.min.js`) instead of carrying 4.6 MB each.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
from plotly.offline import get_plotlyjs

from pipelines.dbt.vocabulary import tiers
from pipelines.report.figures import build_charts
from pipelines.report.queries import NothingToReport, as_of_date, read_report_data
from pipelines.report.render import render_report, write_report

TEAM_PAGES = "teams"  # under the report folder: report/teams/<team>.html
PLOTLY_FILE = "plotly.min.js"
ORG_ONLY_CHARTS = ("lead-trail-share", "logins-by-app")
# marts with one row per user (or per deal), each carrying the user's manager_id
USER_MARTS = ("user_adoption_daily", "user_adoption_scorecard", "silent_non_use", "silent_non_use_changes",
              "user_recognition", "user_absences", "unlogged_opportunities", "excluded_users")
TEAM_MARTS = ("team_adoption", "team_casei")


def page_name(team_id: str) -> str:
    """The file name of a team's page: its team_id (the manager's User Id), with anything but
    letters and digits as '-' (the team without a manager: `no-manager.html`)."""
    return "".join(c if c.isascii() and c.isalnum() else "-" for c in team_id) + ".html"


def page_url(report_url: str | None, team_id: str) -> str | None:
    """Where the team's page is served, when `FLYWHEEL_REPORT_URL` says where `report/` is."""
    return f"{report_url.rstrip('/')}/{TEAM_PAGES}/{page_name(team_id)}" if report_url else None


def team_heading(manager_id: str | None, manager_name: str) -> str:
    return "People without a manager in Salesforce" if manager_id is None else f"{manager_name}'s team"


def _literal(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def scope_to_team(con: duckdb.DuckDBPyConnection, publication: str, manager_id: str | None) -> None:
    """Make `marts.*` in `con` (an empty database) the team's rows of the publication attached as
    `publication`."""
    team = f"manager_id IS NOT DISTINCT FROM {_literal(manager_id)}"
    con.execute("CREATE SCHEMA marts")
    for mart in (*USER_MARTS, *TEAM_MARTS):
        con.execute(f"CREATE VIEW marts.{mart} AS SELECT * FROM {publication}.marts.{mart} WHERE {team}")
    shares = ", ".join(f"avg(CASE WHEN tier = '{t}' THEN 1.0 ELSE 0.0 END) AS {t}_share" for t in tiers())
    con.execute(f"""
        CREATE VIEW marts.org_adoption_kpis AS
        WITH weeks AS (
            SELECT week_start_on AS period_start_on, week_ending_on AS period_end_on, count(*) AS measured_users,
                   CAST(sum(CASE WHEN is_weekly_active THEN 1 ELSE 0 END) AS DOUBLE) AS weekly_active_users,
                   {shares}, avg(adoption_score) AS average_score
            FROM marts.user_adoption_scorecard GROUP BY ALL),
        changes AS (
            SELECT week_ending_on, count(*) FILTER (WHERE change = 'opened') AS flags_opened,
                   count(*) FILTER (WHERE change = 'closed') AS flags_closed
            FROM marts.silent_non_use_changes GROUP BY ALL)
        SELECT 'week' AS period_type, weeks.*, CAST(NULL AS BIGINT) AS new_business_deals,
               CAST(NULL AS BIGINT) AS deals_with_lead_trail, CAST(NULL AS DOUBLE) AS lead_trail_share,
               coalesce(t.open_flags, 0) AS open_flags, coalesce(c.flags_opened, 0) AS flags_opened,
               coalesce(c.flags_closed, 0) AS flags_closed
        FROM weeks
        LEFT JOIN marts.team_adoption t ON t.week_ending_on = weeks.period_end_on
        LEFT JOIN changes c ON c.week_ending_on = weeks.period_end_on""")
    con.execute("""
        CREATE VIEW marts.login_activity_daily AS
        SELECT activity_date AS login_date, 'all applications' AS application, 'all platforms' AS platform,
               sum(logins) AS logins, sum(logins - failed_logins) AS successful_logins,
               sum(interactive_logins) AS interactive_logins, sum(failed_logins) AS failed_logins
        FROM marts.user_adoption_daily WHERE logins > 0 GROUP BY ALL""")


def team_page(publication_db: Path, manager_id: str | None, manager_name: str, generated_at: dt.datetime,
              what_if: str | None = None) -> str:
    """The team's page: the report's sections and charts, on the team's rows only."""
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"ATTACH '{publication_db}' AS publication (READ_ONLY)")
        scope_to_team(con, "publication", manager_id)
        data = read_report_data(con)
    charts = {key: chart for key, chart in build_charts(data).items() if key not in ORG_ONLY_CHARTS}
    return render_report(data, charts, generated_at, team=team_heading(manager_id, manager_name),
                         plotly_src=f"../{PLOTLY_FILE}", what_if=what_if)


def write_team_pages(publication_db: Path, report_folder: Path, generated_at: dt.datetime,
                     what_if: str | None = None) -> list[Path]:
    """A page per team of the publication's current week under `report_folder/teams/`, and the
    plotly.js they share; pages of teams that are gone are removed. `what_if` labels a what-if
    run's pages with its vars."""
    with duckdb.connect(str(publication_db), read_only=True) as con:
        try:
            as_of = as_of_date(con)
        except NothingToReport:
            return []
        teams = con.execute(
            "SELECT team_id, manager_id, manager_name FROM marts.team_adoption WHERE week_ending_on = ? ORDER BY team_id",
            [as_of],
        ).fetchall()
    write_report(get_plotlyjs(), report_folder / PLOTLY_FILE)
    folder = report_folder / TEAM_PAGES
    written = []
    for team_id, manager_id, manager_name in teams:
        page = team_page(publication_db, manager_id, manager_name, generated_at, what_if=what_if)
        written.append(write_report(page, folder / page_name(team_id)))
    for stale in set(folder.glob("*.html")) - set(written):
        stale.unlink(missing_ok=True)
    return written
