"""The adoption report's pure pieces on a tiny hand-made set of marts: queries, figures, HTML."""

import datetime as dt
import math
from html.parser import HTMLParser

import duckdb
import pytest

from pipelines.report.figures import (
    TIER_COLORS, build_charts, casei_pillars, flags_by_team, team_scores, tier_distribution, wins_by_team,
)
from pipelines.report.queries import NO_MANAGER, as_of_date, read_report_data
from pipelines.report.render import render_report, win_groups, write_report

AS_OF = dt.date(2026, 11, 15)
EVIL_EVIDENCE = 'logged in on 19 of the last 28 days and recorded nothing <script>alert("evidence")</script>'

MARTS = """
CREATE SCHEMA marts;
CREATE TABLE marts.user_adoption_scorecard AS SELECT * FROM (VALUES
    ('u1', 'Al Ames', 'm1', DATE '2026-11-15', true, 'champion', 23, 25, 5),
    ('u2', 'Zoe Young', 'm1', DATE '2026-11-15', true, 'champion', 4, 9, 2),
    ('u3', 'Ana <i>Alvarez</i>', 'm1', DATE '2026-11-15', true, 'silent', 0, 3, 0),
    ('u1', 'Al Ames', 'm1', DATE '2026-11-08', false, 'silent', 18, 25, 4)
) t(user_id, user_name, manager_id, week_ending_on, is_current_week, tier, current_streak_days, longest_streak_days,
    current_streak_weeks);
CREATE TABLE marts.user_recognition AS SELECT * FROM (VALUES
    ('u1', 'Al Ames', 'm1', 'iron_streak', DATE '2026-11-01', 23.0, 20.0, 'logged in and recorded work on 23 working days in a row, since 2026-10-14'),
    ('u1', 'Al Ames', 'm1', 'steady_hand', DATE '2026-10-25', 5.0, 4.0, 'recorded work on at least 3 working days a week for 5 weeks in a row'),
    ('u2', 'Zoe Young', 'm1', 'most_improved', DATE '2026-11-15', 22.5, 15.0, 'score rose by 22.5 points over the last 4 weekly scores (from 40.0 to 62.5), the most in the team')
) t(user_id, user_name, manager_id, badge, earned_on, metric_value, threshold, evidence);
CREATE TABLE marts.team_casei AS SELECT * FROM (VALUES
    ('m1', DATE '2026-11-15', 2, 60.0, 100.0, 95.0, 100.0, 40.0, 'involvement', 'weakest: involvement — the manager''s own score is 40.0 while the team''s median is 65.0, with 1 tasks or events on the team''s leads and deals in the last 28 days'),
    ('m2', DATE '2026-11-15', 1, 100.0, 50.0, 95.0, 100.0, 95.0, 'agility', 'weakest: agility — a median of 336.0 hours from a new lead to its first task or event, 0 new leads untouched, 100% of 0 flags closed within 14 days'),
    (NULL, DATE '2026-11-15', 1, 50.0, 100.0, NULL, 0.0, NULL, 'engagement', 'weakest: engagement — 0 of 1 members are champion or healthy'),
    ('m1', DATE '2026-11-08', 2, 10.0, 10.0, 10.0, 10.0, 10.0, 'culture', 'last week')
) t(manager_id, week_ending_on, team_size, culture_score, agility_score, sponsorship_score, engagement_score,
    involvement_score, weakest_pillar, evidence);
CREATE TABLE marts.org_adoption_kpis AS SELECT * FROM (VALUES
    ('week', DATE '2026-10-05', DATE '2026-10-11', 3, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0, 0, NULL, 3, 3, 0),
    ('week', DATE '2026-11-02', DATE '2026-11-08', 3, 2.0, 0.0, 0.0, 0.0, 1.0, 20.0, 2, 1, 0.5, 3, 0, 0),
    ('week', DATE '2026-11-09', DATE '2026-11-15', 3, 3.0, 0.667, 0.0, 0.0, 0.333, 70.0, 4, 3, 0.75, 4, 2, 1),
    ('month', DATE '2026-11-01', DATE '2026-11-15', 3, 2.5, 0.667, 0.0, 0.0, 0.333, 70.0, 6, 4, 0.667, 4, 2, 1)
) t(period_type, period_start_on, period_end_on, measured_users, weekly_active_users, champion_share,
    healthy_share, at_risk_share, silent_share, average_score, new_business_deals, deals_with_lead_trail,
    lead_trail_share, open_flags, flags_opened, flags_closed);
CREATE TABLE marts.team_adoption AS SELECT * FROM (VALUES
    ('m1', DATE '2026-11-15', 'Mateo Evans', 'Sales Manager', 2, 80.0, 75.0, 40.0, 'at_risk', -40.0, 1, 2, 3),
    ('m2', DATE '2026-11-15', '<b>Boss</b>', 'VP Sales', 1, 95.0, 95.0, NULL, NULL, NULL, 0, 1, 1),
    ('m1', DATE '2026-11-08', 'Mateo Evans', 'Sales Manager', 2, 10.0, 10.0, 5.0, 'silent', -5.0, 2, 0, 3),
    (NULL, DATE '2026-11-15', 'no manager in Salesforce', NULL, 1, 20.0, 20.0, NULL, NULL, NULL, 1, 0, 1)
) t(manager_id, week_ending_on, manager_name, manager_role_name, team_members, team_median_score,
    team_average_score, manager_score, manager_tier, manager_score_minus_team_median, silent_members,
    weekly_active_members, open_flags);
CREATE TABLE marts.silent_non_use AS SELECT * FROM (VALUES
    ('u2', 'Zoe Young', 'm1', 'unlogged_leads', 'warn', 1.0, 0.6, '2 of 2 new-business opportunities have no lead', DATE '2026-11-01'),
    ('u3', 'Ana <i>Alvarez</i>', 'm1', 'login_only', 'critical', 19.0, 4.0, '__EVIL__', DATE '2026-11-08'),
    ('u4', 'Bo Berg', 'm2', 'batch_entry', 'info', 0.9, 0.6, 'created 40 records, 36 of them in bursts', DATE '2026-11-15'),
    ('u5', 'Cy Cole', NULL, 'dormant', 'critical', 20.0, 14.0, 'no interactive login in the last 20 days', DATE '2026-11-15')
) t(user_id, user_name, manager_id, flag, severity, metric_value, threshold, evidence, first_flagged_on);
CREATE TABLE marts.unlogged_opportunities AS SELECT * FROM (VALUES
    ('u2', 'Deal A', 'Prospecting', 1000.0, DATE '2026-10-01', DATE '2026-12-01', 'no lead converted into it', true, false),
    ('u2', 'Deal B', 'Closed Won', 2000.0, DATE '2026-10-02', DATE '2026-10-03', 'created 1 day before close', true, true)
) t(owner_id, opportunity_name, stage_name, amount, created_on, close_date, reason,
    is_behind_unlogged_leads, is_behind_deal_logged_at_close);
CREATE TABLE marts.user_absences AS SELECT * FROM (VALUES
    ('u5', 'Cy Cole', NULL, DATE '2026-11-10', DATE '2026-11-30', 21, DATE '2026-12-01', true, 'absences_file', NULL),
    ('u2', 'Zoe Young', 'm1', DATE '2026-10-01', DATE '2026-10-03', 3, DATE '2026-10-04', false, 'out_of_office_event', NULL),
    ('u6', 'Dee Dunn', 'm2', DATE '2026-11-15', DATE '2026-11-16', 2, DATE '2026-11-17', true, 'holiday, holidays_file', 'Founders'' Day, Labour Day')
) t(user_id, user_name, manager_id, start_on, end_on, days_away, returns_on, is_current, sources, holidays);
CREATE TABLE marts.login_activity_daily AS SELECT * FROM (VALUES
    (DATE '2026-11-03', 'Browser', 'Mac OSX', 10, 9, 8, 1),
    (DATE '2026-11-03', 'Salesforce for Outlook', '(none)', 5, 5, 0, 0),
    (DATE '2026-11-14', 'Browser', 'Mac OSX', 6, 6, 6, 0),
    (DATE '2026-10-18', 'Browser', 'Windows 10', 4, 4, 4, 0),
    (DATE '2026-11-16', 'Browser', 'Mac OSX', 99, 99, 99, 0)
) t(login_date, application, platform, logins, successful_logins, interactive_logins, failed_logins);
"""


@pytest.fixture
def marts():
    with duckdb.connect() as con:
        con.execute(MARTS.replace("__EVIL__", EVIL_EVIDENCE.replace("'", "''")))
        yield con


@pytest.fixture
def data(marts):
    return read_report_data(marts)


def test_the_report_is_as_of_the_current_week_of_the_scorecard(marts):
    assert as_of_date(marts) == AS_OF
    marts.execute("DELETE FROM marts.user_adoption_scorecard")
    with pytest.raises(ValueError, match="no current week"):
        as_of_date(marts)


def test_weeks_run_from_the_first_login_to_the_as_of_date(data):
    # the week ending 2026-10-11 is before the first login (2026-10-18); months are not weeks
    assert [d.date() for d in data.kpis["period_end_on"]] == [dt.date(2026, 11, 8), AS_OF]


def test_every_tier_is_counted_this_week_even_when_empty(data):
    assert data.tiers.to_dict("list") == {"tier": ["champion", "healthy", "at_risk", "silent"], "users": [2, 0, 0, 1]}


def test_flags_come_by_team_most_severe_first_and_without_a_manager_under_their_own_heading(data):
    assert list(zip(data.flags["team"], data.flags["flag"])) == [
        ("<b>Boss</b>", "batch_entry"),
        ("Mateo Evans", "login_only"),
        ("Mateo Evans", "unlogged_leads"),
        (NO_MANAGER, "dormant"),
    ]
    deals = data.flag_deals
    assert sorted(zip(deals["opportunity_name"], deals["flag"])) == [
        ("Deal A", "unlogged_leads"), ("Deal B", "deal_logged_at_close"), ("Deal B", "unlogged_leads")]


def test_logins_split_people_from_integrations_and_failures(data):
    by_day = data.logins_by_day.set_index(data.logins_by_day["login_date"].dt.date)
    assert by_day.loc[dt.date(2026, 11, 3)].to_dict() | {"login_date": None} == {
        "login_date": None, "interactive": 8, "other_successful": 6, "failed": 1}
    assert dt.date(2026, 11, 16) not in by_day.index  # after the as-of date
    # the 28-day window (2026-10-19 … 2026-11-15) leaves out the login of 2026-10-18
    apps = data.logins_by_app
    assert list(zip(apps["application"], apps["platform"], apps["interactive"])) == [
        ("Browser", "Mac OSX", 14), ("Salesforce for Outlook", "(none)", 0)]


def test_tier_distribution_shows_each_tier_in_its_colour_with_its_share(data):
    [bar] = tier_distribution(data.tiers)["data"]
    assert bar["x"] == ["Champion", "Healthy", "At risk", "Silent"]
    assert bar["y"] == [2, 0, 0, 1]
    assert bar["text"] == ["2 (67%)", "0 (0%)", "0 (0%)", "1 (33%)"]
    assert bar["marker"]["color"][3] == TIER_COLORS["silent"]


def test_team_scores_put_each_manager_beside_the_team_lowest_team_at_the_bottom(data):
    team_bar, manager = team_scores(data.teams)["data"]
    assert team_bar["y"] == [NO_MANAGER, "Mateo Evans", "&lt;b&gt;Boss&lt;/b&gt;"]  # a name is shown, not read as markup
    assert team_bar["x"] == [20.0, 80.0, 95.0]
    assert math.isnan(manager["x"][0]) and manager["x"][1] == 40.0 and math.isnan(manager["x"][2])  # no manager; the VP is not measured


def test_flags_by_team_counts_each_severity(data):
    figure = flags_by_team(data.flags)
    counts = {trace["name"]: dict(zip(trace["y"], trace["x"])) for trace in figure["data"]}
    assert counts["Critical"] == {"&lt;b&gt;Boss&lt;/b&gt;": 0, NO_MANAGER: 1, "Mateo Evans": 1}
    assert counts["Warning"]["Mateo Evans"] == 1 and counts["Info"]["&lt;b&gt;Boss&lt;/b&gt;"] == 1


def test_a_chart_without_data_says_so(data):
    figure = flags_by_team(data.flags.iloc[0:0])
    assert [a["text"] for a in figure["layout"]["annotations"]] == ["No one is flagged this week"]
    assert not figure["layout"]["xaxis"]["visible"] and not figure["layout"]["yaxis"]["visible"]


class Tags(HTMLParser):
    """Every tag's attributes (script bodies are text to the parser, not tags)."""

    def __init__(self):
        super().__init__()
        self.attributes: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.attributes += [(tag, name, value) for name, value in attrs]


@pytest.fixture
def page(data):
    return render_report(data, build_charts(data), dt.datetime(2026, 11, 16, 7, 30, tzinfo=dt.timezone.utc))


def test_evidence_and_names_are_escaped(page):
    assert '<script>alert("evidence")' not in page
    assert "&lt;script&gt;alert(&#34;evidence&#34;)&lt;/script&gt;" in page
    assert "<b>Boss</b>" not in page and "&lt;b&gt;Boss&lt;/b&gt;" in page
    assert "<i>Alvarez</i>" not in page and "Ana &lt;i&gt;Alvarez&lt;/i&gt;" in page


def test_the_page_is_self_contained(page):
    tags = Tags()
    tags.feed(page)
    assert [a for a in tags.attributes if a[1] == "src"] == []
    assert all(value.startswith("#") for _, name, value in tags.attributes if name == "href")
    assert page.count("* plotly.js v") == 1


def test_the_page_says_when_and_holds_every_chart_and_list(page, data):
    assert "As of <strong>15 Nov 2026</strong>" in page and "Built 16 Nov 2026 07:30 UTC" in page
    for key in build_charts(data):
        assert f'id="{key}"' in page
    assert "Logged in on 19 of the last 28 days and recorded nothing" in page  # evidence as a sentence
    assert "The 2 deals behind it" in page and "Deal B" in page
    assert "Mateo Evans&#39;s team" in page and "Without a manager" in page


def test_who_is_away_today_is_listed_with_the_return_date_and_marked_in_the_silent_list(page, data):
    assert data.away[["user_name", "team"]].values.tolist() == [["Cy Cole", NO_MANAGER]]  # Zoe Young is back
    assert dict(zip(data.flags["user_name"], data.flags["returns_on"].notna())) == {
        "Bo Berg": False, "Ana <i>Alvarez</i>": False, "Zoe Young": False, "Cy Cole": True}
    away = page[page.index('id="away"'):page.index('id="casei"')]
    assert "Cy Cole" in away and "1 Dec 2026" in away and "Zoe Young" not in away
    assert page.count("on leave · back 1 Dec 2026") == 1


def test_the_report_names_the_holiday_and_lists_only_leave_of_ones_own(page, data):
    """Someone off on a holiday (the org's, or their country's) is counted under the holiday, by
    name; the table of who is away lists leave of one's own."""
    assert data.holidays.values.tolist() == [["Founders' Day, Labour Day", 1]]
    away = page[page.index('id="away"'):page.index('id="casei"')]
    assert "Holiday: <strong>Founders&#39; Day, Labour Day</strong> (1 person off today)" in away
    assert "Dee Dunn" not in away


def test_the_team_of_users_without_a_manager_is_listed_with_its_flags(page, data):
    team = data.teams[data.teams["manager_id"].isna()]
    assert team[["manager_name", "team_members", "open_flags"]].values.tolist() == [[NO_MANAGER, 1, 1]]
    assert page.count(NO_MANAGER) >= 1 and "no manager: fill ManagerId" in page


def test_wins_come_by_team_with_badges_streaks_and_the_most_improved_apart(page, data):
    assert data.badges[["user_name", "badge"]].values.tolist() == [
        ["Al Ames", "steady_hand"], ["Al Ames", "iron_streak"], ["Zoe Young", "most_improved"]]  # the vocabulary's order
    [wins] = win_groups(data)
    assert wins["team"] == "Mateo Evans" and [b["badge"] for b in wins["most_improved"]] == ["most_improved"]
    assert [s["user_name"] for s in wins["streaks"]] == ["Al Ames", "Zoe Young"]  # longest current streak first
    section = page[page.index('id="wins"'):page.index('id="silent"')]
    assert "Most improved: <strong>Zoe Young</strong>" in section and "Iron streak" in section
    assert 'title="Logged in and recorded work on 23 working days in a row, since 2026-10-14."' in section
    assert [b["badge"] for b in wins["people"][0]["badges"]] == ["steady_hand", "iron_streak"]
    assert "<strong>Al Ames</strong> 23 working days in a row (5 active weeks, best 25)" in section
    assert page.index('id="wins"') < page.index('id="silent"')  # wins before the silent list
    counts = {t["name"]: t["x"] for t in wins_by_team(data.badges)["data"]}
    assert counts["Steady hand"] == [1] and counts["Most improved"] == [1] and counts["Comeback"] == [0]


def test_each_team_shows_its_five_pillars_and_the_weakest_with_its_evidence(page, data):
    assert data.casei[["team", "weakest_pillar"]].values.tolist() == [
        ["<b>Boss</b>", "agility"], ["Mateo Evans", "involvement"], [NO_MANAGER, "engagement"]]  # this week only
    figure = casei_pillars(data.casei)
    assert [t["name"] for t in figure["data"]] == ["Culture", "Agility", "Sponsorship", "Engagement", "Involvement"]
    assert [t["xaxis"] for t in figure["data"]] == ["x", "x2", "x3", "x4", "x5"]  # a column each, one row of teams
    assert [figure["layout"][f"yaxis{n}"]["matches"] for n in range(2, 6)] == ["y"] * 4
    involvement = figure["data"][4]["x"]  # first team at the top: the rows come reversed
    assert involvement[1:] == [40.0, 95.0] and math.isnan(involvement[0])  # no manager: no involvement bar
    assert figure["data"][4]["marker"]["color"] == ["#f0a500", "#c0392b", "#f0a500"]  # Mateo Evans' weakest in red
    section = page[page.index('id="casei"'):page.index('id="wins"')]
    assert "Weakest: involvement — the manager&#39;s own score is 40.0 while the team&#39;s median is 65.0" in section
    assert '<td class="num below">40</td>' in section  # the weakest marked


def test_write_report_replaces_the_file_whole_or_not_at_all(tmp_path):
    path = tmp_path / "report" / "adoption_report.html"
    write_report("<p>first</p>", path)
    write_report("<p>second</p>", path)
    assert path.read_text() == "<p>second</p>"
    with pytest.raises(TypeError):
        write_report(b"not text", path)  # fails while writing
    assert path.read_text() == "<p>second</p>"
    assert [p.name for p in path.parent.iterdir()] == ["adoption_report.html"]  # no temporary left behind
