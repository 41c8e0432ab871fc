"""The report's charts: one pure function per picture, from a frame of `queries.ReportData` to a
plotly figure. Titles and captions live in the page (`Chart`); figures carry only the picture.

Names and labels that come from Salesforce are HTML-escaped before they reach plotly, which reads
a few tags (`<b>`, `<a href>`) in text: a name is shown as written, never interpreted.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from pipelines.report.queries import LOGIN_WINDOW_DAYS, SEVERITIES, ReportData
from pipelines.dbt.vocabulary import badges, pillars, tiers

TIER_LABELS = {"champion": "Champion", "healthy": "Healthy", "at_risk": "At risk", "silent": "Silent"}
TIER_COLORS = {"champion": "#1a7f4b", "healthy": "#74c476", "at_risk": "#f0a500", "silent": "#c0392b"}
SEVERITY_LABELS = {"critical": "Critical", "warn": "Warning", "info": "Info"}
BADGE_LABELS = {"steady_hand": "Steady hand", "iron_streak": "Iron streak", "clean_trail": "Clean trail",
                "pipeline_keeper": "Pipeline keeper", "comeback": "Comeback", "most_improved": "Most improved"}
BADGE_COLORS = {"steady_hand": "#2563eb", "iron_streak": "#1e3a8a", "clean_trail": "#0f766e",
                "pipeline_keeper": "#74c476", "comeback": "#f0a500", "most_improved": "#9333ea"}
PILLAR_LABELS = {"culture": "Culture", "agility": "Agility", "sponsorship": "Sponsorship",
                 "engagement": "Engagement", "involvement": "Involvement"}
WEAKEST_COLOR = "#c0392b"
PILLAR_COLORS = {"culture": "#0f766e", "agility": "#2563eb", "sponsorship": "#9333ea",
                 "engagement": "#74c476", "involvement": "#f0a500"}
SEVERITY_COLORS = {"critical": "#c0392b", "warn": "#f0a500", "info": "#5b8def"}
LOGIN_KINDS = {  # column -> (legend label, colour)
    "interactive": ("People (browser, SSO, mobile)", "#2563eb"),
    "other_successful": ("Integrations and sync clients", "#a3a9b3"),
    "failed": ("Failed", "#c0392b"),
}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
WEEK_HOVER = "week ending %{x|%d %b %Y}"


@dataclass(frozen=True)
class Chart:
    """A figure with what the page says about it."""

    title: str
    caption: str
    figure: go.Figure


def label(text: object) -> str:
    """A data value as plotly text: escaped, so it is shown and not read as markup."""
    return html.escape(str(text))


@functools.cache
def _template() -> go.layout.Template:
    """plotly_white with trace defaults for the traces the report draws (bars and lines) only:
    plotly copies a figure's template several times, and the whole template, with defaults for
    every kind of trace, made those copies half of what a page costs."""
    white = pio.templates["plotly_white"]
    return go.layout.Template(layout=white.layout, data={"bar": white.data.bar, "scatter": white.data.scatter})


def _finish(figure: go.Figure, height: int, empty: str | None) -> go.Figure:
    """The shared look; `empty` is the sentence shown instead of an empty plot."""
    figure.update_layout(
        template=_template(),
        height=height,
        margin={"l": 10, "r": 10, "t": 36, "b": 10},
        font={"family": FONT, "size": 13, "color": "#1f2937"},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "title": None, "traceorder": "normal"},
        hoverlabel={"font": {"family": FONT}},
    )
    figure.update_yaxes(automargin=True)
    figure.update_xaxes(automargin=True)
    if empty:
        figure.update_xaxes(visible=False)
        figure.update_yaxes(visible=False)
        figure.add_annotation(text=empty, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                              font={"size": 15, "color": "#6b7280"})
    return figure


def weekly_active_users(kpis: pd.DataFrame) -> go.Figure:
    """Weekly active users against the users measured that week."""
    figure = go.Figure([
        go.Scatter(x=kpis["period_end_on"], y=kpis["measured_users"], name="Measured users",
                   mode="lines", line={"color": "#a3a9b3", "dash": "dash"},
                   hovertemplate=f"%{{y}} measured<extra>{WEEK_HOVER}</extra>"),
        go.Scatter(x=kpis["period_end_on"], y=kpis["weekly_active_users"], name="Weekly active users",
                   mode="lines+markers", line={"color": "#2563eb", "width": 3}, fill="tozeroy",
                   fillcolor="rgba(37, 99, 235, 0.12)",
                   hovertemplate=f"%{{y}} active<extra>{WEEK_HOVER}</extra>"),
    ])
    figure.update_yaxes(rangemode="tozero", title="users")
    return _finish(figure, 320, None if len(kpis) else "No weeks with logins yet")


def tier_shares(kpis: pd.DataFrame) -> go.Figure:
    """Share of measured users in each tier, week by week (stacked to 100%)."""
    figure = go.Figure([
        go.Scatter(x=kpis["period_end_on"], y=kpis[f"{tier}_share"], name=TIER_LABELS[tier], stackgroup="tiers",
                   mode="lines", line={"width": 0.5, "color": TIER_COLORS[tier]}, fillcolor=TIER_COLORS[tier],
                   hovertemplate=f"{TIER_LABELS[tier]}: %{{y:.0%}}<extra>{WEEK_HOVER}</extra>")
        for tier in tiers()
    ])
    figure.update_yaxes(range=[0, 1], tickformat=".0%")
    return _finish(figure, 320, None if len(kpis) else "No weeks with logins yet")


def lead_trail_share(kpis: pd.DataFrame) -> go.Figure:
    """Share of the week's new-business deals that have a lead trail (no bar: no new deals)."""
    counts = kpis[["deals_with_lead_trail", "new_business_deals"]].fillna(0).astype(int)
    figure = go.Figure(go.Bar(
        x=kpis["period_end_on"], y=kpis["lead_trail_share"], marker_color="#0f766e",
        customdata=counts.to_numpy(), name="With a lead trail",
        hovertemplate=f"%{{y:.0%}}: %{{customdata[0]}} of %{{customdata[1]}} deals<extra>{WEEK_HOVER}</extra>",
    ))
    figure.update_yaxes(range=[0, 1], tickformat=".0%")
    return _finish(figure, 320, None if kpis["new_business_deals"].fillna(0).sum() else "No new-business deals yet")


def tier_distribution(tiers: pd.DataFrame) -> go.Figure:
    """How many measured users are in each tier this week."""
    total = int(tiers["users"].sum())
    shares = tiers["users"] / total if total else tiers["users"] * 0.0
    figure = go.Figure(go.Bar(
        x=[TIER_LABELS[t] for t in tiers["tier"]], y=tiers["users"],
        marker_color=[TIER_COLORS[t] for t in tiers["tier"]],
        text=[f"{n} ({s:.0%})" for n, s in zip(tiers["users"], shares)], textposition="outside",
        cliponaxis=False, hovertemplate="%{x}: %{y} users<extra></extra>",
    ))
    figure.update_yaxes(rangemode="tozero", title="users")
    return _finish(figure, 320, None if total else "No measured users this week")


def team_scores(teams: pd.DataFrame) -> go.Figure:
    """Each team's median score (bar) with its manager's own score (diamond), lowest team at the bottom."""
    ordered = teams.sort_values(["team_median_score", "manager_name"], ascending=[True, False])
    names = [label(n) for n in ordered["manager_name"]]
    figure = go.Figure([
        go.Bar(y=names, x=ordered["team_median_score"], orientation="h", name="Team median score",
               marker_color="#93c5fd", customdata=ordered["team_members"],
               hovertemplate="%{y}'s team: median %{x:.0f} (%{customdata} people)<extra></extra>"),
        go.Scatter(y=names, x=ordered["manager_score"], mode="markers", name="Manager's own score",
                   marker={"symbol": "diamond", "size": 14, "color": "#1e3a8a", "line": {"color": "white", "width": 1}},
                   hovertemplate="%{y} (manager): %{x:.0f}<extra></extra>"),
    ])
    figure.update_xaxes(range=[0, 105], title="adoption score (0-100)")
    return _finish(figure, 120 + 34 * len(ordered), None if len(ordered) else "No teams this week")


def _counts_by_team(rows: pd.DataFrame, column: str, kinds: list[str], labels: dict[str, str],
                    colors: dict[str, str], unit: str, empty: str) -> go.Figure:
    """Rows per team, stacked by `column` (one of `kinds`); the team with most at the top."""
    counts = rows.pivot_table(index="team", columns=column, values="user_id", aggfunc="count", fill_value=0)
    counts = counts.reindex(columns=kinds, fill_value=0)
    counts = counts.assign(total=counts.sum(axis=1)).sort_values(["total"], ascending=True)
    names = [label(n) for n in counts.index]
    figure = go.Figure([
        go.Bar(y=names, x=counts[kind], orientation="h", name=labels[kind], marker_color=colors[kind],
               hovertemplate=f"%{{y}}: %{{x}} × {labels[kind].lower()}<extra></extra>")
        for kind in kinds
    ])
    figure.update_layout(barmode="stack")
    few = counts.empty or counts["total"].max() <= 10
    figure.update_xaxes(title=unit, rangemode="tozero", dtick=1 if few else None)  # no half flags or badges
    return _finish(figure, 120 + 34 * len(counts), None if len(counts) else empty)


def flags_by_team(flags: pd.DataFrame) -> go.Figure:
    """Flags holding per team, stacked by severity; the team with most at the top."""
    return _counts_by_team(flags, "severity", list(SEVERITIES), SEVERITY_LABELS, SEVERITY_COLORS, "flags",
                           "No one is flagged this week")


def wins_by_team(badges_held: pd.DataFrame) -> go.Figure:
    """Badges held per team, stacked by badge; the team with most at the top."""
    return _counts_by_team(badges_held, "badge", list(badges()), BADGE_LABELS, BADGE_COLORS, "badges",
                           "No badges earned this week")


def casei_pillars(casei: pd.DataFrame) -> go.Figure:
    """Small multiples: a column per CASEI pillar (0-100), a row per team, each team's weakest
    pillar in red; no bar: the team has no such pillar (no manager)."""
    ordered = casei.iloc[::-1]
    names = [label(n) for n in ordered["team"]]
    figure = make_subplots(rows=1, cols=len(pillars()), shared_yaxes=True, horizontal_spacing=0.015,
                           subplot_titles=[PILLAR_LABELS[p] for p in pillars()])
    for column, pillar in enumerate(pillars(), start=1):
        weakest = ordered["weakest_pillar"] == pillar
        figure.add_trace(go.Bar(
            y=names, x=ordered[f"{pillar}_score"], orientation="h", name=PILLAR_LABELS[pillar], showlegend=False,
            marker_color=[WEAKEST_COLOR if w else PILLAR_COLORS[pillar] for w in weakest],
            hovertemplate=f"%{{y}}: {PILLAR_LABELS[pillar].lower()} %{{x:.0f}}<extra></extra>",
        ), row=1, col=column)
        figure.update_xaxes(range=[0, 105], tickvals=[0, 50, 100], row=1, col=column)
    figure.update_layout(bargap=0.3)
    _finish(figure, 130 + 26 * len(ordered), None if len(ordered) else "No teams this week")
    figure.update_annotations(font={"size": 13})
    return figure


def logins_by_day(logins: pd.DataFrame) -> go.Figure:
    """Login attempts per day: people, integrations and sync clients, failures."""
    figure = go.Figure([
        go.Bar(x=logins["login_date"], y=logins[column], name=name, marker_color=color,
               hovertemplate=f"%{{y}} {name.lower()}<extra>%{{x|%a %d %b %Y}}</extra>")
        for column, (name, color) in LOGIN_KINDS.items()
    ])
    figure.update_layout(barmode="stack", bargap=0.15)
    figure.update_yaxes(title="logins")
    return _finish(figure, 340, None if len(logins) else "No logins on record")


def logins_by_app(logins: pd.DataFrame) -> go.Figure:
    """Login attempts per application and platform over the login window, most at the top."""
    ordered = logins.iloc[::-1]
    names = [f"{label(a)} · {label(p)}" for a, p in zip(ordered["application"], ordered["platform"])]
    figure = go.Figure([
        go.Bar(y=names, x=ordered[column], orientation="h", name=name, marker_color=color,
               hovertemplate=f"%{{y}}: %{{x}} {name.lower()}<extra></extra>")
        for column, (name, color) in LOGIN_KINDS.items()
    ])
    figure.update_layout(barmode="stack")
    figure.update_xaxes(title="logins")
    return _finish(figure, 120 + 34 * len(ordered), None if len(ordered) else "No logins in the window")


def build_charts(data: ReportData) -> dict[str, Chart]:
    """Every chart of the report, keyed by the id its container gets in the page."""
    return {
        "weekly-active-users": Chart(
            "Weekly active users",
            "People who logged in themselves (browser, SSO or mobile) at least once in the week.",
            weekly_active_users(data.kpis)),
        "tier-shares": Chart(
            "Share of users per tier",
            "Champion 80+, healthy 60-79, at risk 30-59, silent under 30 or with a critical flag.",
            tier_shares(data.kpis)),
        "lead-trail-share": Chart(
            "New-business deals with a lead trail",
            "Deals that began as a lead or with logged activity, not typed in as a deal. No bar: no new deals that week.",
            lead_trail_share(data.kpis)),
        "tier-distribution": Chart(
            "Tier distribution this week",
            "Measured users in each tier for the week ending on the as-of date.",
            tier_distribution(data.tiers)),
        "team-scores": Chart(
            "Each team beside its manager",
            "Bar: the team's median adoption score. Diamond: the manager's own score. "
            "Teams follow their leader's example.",
            team_scores(data.teams)),
        "flags-by-team": Chart(
            "Silent non-use flags by team",
            "Flags holding on the as-of date; the list below says who and why.",
            flags_by_team(data.flags)),
        "casei-pillars": Chart(
            "Each team under the five CASEI pillars",
            "Culture (routines), agility (leads touched and flags closed quickly), sponsorship (the leader above), "
            "engagement (members champion or healthy), involvement (the manager's own use). Red: the team's weakest; "
            "the table below says why.",
            casei_pillars(data.casei)),
        "wins-by-team": Chart(
            "Wins this week",
            "Badges held on the as-of date, by team; the lists below say who and why.",
            wins_by_team(data.badges)),
        "logins-by-day": Chart(
            "Login activity by day",
            "Every login attempt: people at work, integrations and sync clients that log in by themselves, failures.",
            logins_by_day(data.logins_by_day)),
        "logins-by-app": Chart(
            "Logins by application and platform",
            f"The last {LOGIN_WINDOW_DAYS} days, up to the as-of date.",
            logins_by_app(data.logins_by_app)),
    }
