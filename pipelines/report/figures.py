"""The report's charts: one pure function per picture, from a frame of `queries.ReportData` to a
plotly figure. Titles and captions live in the page (`Chart`); figures carry only the picture.

A figure is the plain dict plotly.js draws (`{"data": [traces], "layout": {...}}`), written here
as plotly's figure reference names it, not built with `plotly.graph_objects`: its property
validation cost about half a second a figure, most of what a report with a page per team took.
`render.chart_html` hands the dict to plotly unvalidated; `tests/unit/test_report.py` holds each
chart to what it must show.

Names and labels that come from Salesforce are HTML-escaped before they reach plotly, which reads
a few tags (`<b>`, `<a href>`) in text: a name is shown as written, never interpreted.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pipelines.report.queries import LOGIN_WINDOW_DAYS, SEVERITIES, ReportData
from pipelines.dbt.vocabulary import badges, pillars, tiers

Figure = dict[str, Any]  # {"data": [trace, ...], "layout": {...}}, as plotly.js reads it

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
PILLAR_SPACING = 0.015  # between the CASEI small multiples, a share of the width


@dataclass(frozen=True)
class Chart:
    """A figure with what the page says about it."""

    title: str
    caption: str
    figure: Figure


def label(text: object) -> str:
    """A data value as plotly text: escaped, so it is shown and not read as markup."""
    return html.escape(str(text))


def values(column: pd.Series) -> list:
    """A column as the list a trace holds (missing numbers stay NaN: plotly draws no mark)."""
    return column.tolist()


def bar(**trace: Any) -> dict[str, Any]:
    return {"type": "bar", **trace}


def scatter(**trace: Any) -> dict[str, Any]:
    return {"type": "scatter", **trace}


@functools.cache
def _template() -> dict[str, Any]:
    """plotly_white, with trace defaults for the traces the report draws (bars and lines) only."""
    import plotly.io as pio

    white = pio.templates["plotly_white"].to_plotly_json()
    return {"layout": white["layout"], "data": {kind: white["data"][kind] for kind in ("bar", "scatter")}}


def _axes(layout: dict[str, Any], letter: str) -> list[dict[str, Any]]:
    """Every x (or y) axis of the layout, the first made when the figure names none."""
    layout.setdefault(f"{letter}axis", {})
    return [axis for name, axis in layout.items() if name.startswith(f"{letter}axis")]


def _finish(data: list[dict[str, Any]], layout: dict[str, Any], height: int, empty: str | None) -> Figure:
    """The figure with the shared look; `empty` is the sentence shown instead of an empty plot."""
    layout.update(
        template=_template(),
        height=height,
        margin={"l": 10, "r": 10, "t": 36, "b": 10},
        font={"family": FONT, "size": 13, "color": "#1f2937"},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "title": None, "traceorder": "normal"},
        hoverlabel={"font": {"family": FONT}},
    )
    for axis in [*_axes(layout, "x"), *_axes(layout, "y")]:
        axis["automargin"] = True
        if empty:
            axis["visible"] = False
    if empty:
        layout.setdefault("annotations", []).append({
            "text": empty, "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper",
            "font": {"size": 15, "color": "#6b7280"}})
    return {"data": data, "layout": layout}


def weekly_active_users(kpis: pd.DataFrame) -> Figure:
    """Weekly active users against the users measured that week."""
    weeks = values(kpis["period_end_on"])
    return _finish([
        scatter(x=weeks, y=values(kpis["measured_users"]), name="Measured users",
                mode="lines", line={"color": "#a3a9b3", "dash": "dash"},
                hovertemplate=f"%{{y}} measured<extra>{WEEK_HOVER}</extra>"),
        scatter(x=weeks, y=values(kpis["weekly_active_users"]), name="Weekly active users",
                mode="lines+markers", line={"color": "#2563eb", "width": 3}, fill="tozeroy",
                fillcolor="rgba(37, 99, 235, 0.12)",
                hovertemplate=f"%{{y}} active<extra>{WEEK_HOVER}</extra>"),
    ], {"yaxis": {"rangemode": "tozero", "title": {"text": "users"}}}, 320,
        None if len(kpis) else "No weeks with logins yet")


def tier_shares(kpis: pd.DataFrame) -> Figure:
    """Share of measured users in each tier, week by week (stacked to 100%)."""
    return _finish([
        scatter(x=values(kpis["period_end_on"]), y=values(kpis[f"{tier}_share"]), name=TIER_LABELS[tier],
                stackgroup="tiers", mode="lines", line={"width": 0.5, "color": TIER_COLORS[tier]},
                fillcolor=TIER_COLORS[tier], hovertemplate=f"{TIER_LABELS[tier]}: %{{y:.0%}}<extra>{WEEK_HOVER}</extra>")
        for tier in tiers()
    ], {"yaxis": {"range": [0, 1], "tickformat": ".0%"}}, 320, None if len(kpis) else "No weeks with logins yet")


def lead_trail_share(kpis: pd.DataFrame) -> Figure:
    """Share of the week's new-business deals that have a lead trail (no bar: no new deals)."""
    counts = kpis[["deals_with_lead_trail", "new_business_deals"]].fillna(0).astype(int)
    return _finish([bar(
        x=values(kpis["period_end_on"]), y=values(kpis["lead_trail_share"]), marker={"color": "#0f766e"},
        customdata=counts.to_numpy().tolist(), name="With a lead trail",
        hovertemplate=f"%{{y:.0%}}: %{{customdata[0]}} of %{{customdata[1]}} deals<extra>{WEEK_HOVER}</extra>",
    )], {"yaxis": {"range": [0, 1], "tickformat": ".0%"}}, 320,
        None if kpis["new_business_deals"].fillna(0).sum() else "No new-business deals yet")


def tier_distribution(tiers: pd.DataFrame) -> Figure:
    """How many measured users are in each tier this week."""
    total = int(tiers["users"].sum())
    shares = tiers["users"] / total if total else tiers["users"] * 0.0
    return _finish([bar(
        x=[TIER_LABELS[t] for t in tiers["tier"]], y=values(tiers["users"]),
        marker={"color": [TIER_COLORS[t] for t in tiers["tier"]]},
        text=[f"{n} ({s:.0%})" for n, s in zip(tiers["users"], shares)], textposition="outside",
        cliponaxis=False, hovertemplate="%{x}: %{y} users<extra></extra>",
    )], {"yaxis": {"rangemode": "tozero", "title": {"text": "users"}}}, 320,
        None if total else "No measured users this week")


def team_scores(teams: pd.DataFrame) -> Figure:
    """Each team's median score (bar) with its manager's own score (diamond), lowest team at the bottom."""
    ordered = teams.sort_values(["team_median_score", "manager_name"], ascending=[True, False])
    names = [label(n) for n in ordered["manager_name"]]
    return _finish([
        bar(y=names, x=values(ordered["team_median_score"]), orientation="h", name="Team median score",
            marker={"color": "#93c5fd"}, customdata=values(ordered["team_members"]),
            hovertemplate="%{y}'s team: median %{x:.0f} (%{customdata} people)<extra></extra>"),
        scatter(y=names, x=values(ordered["manager_score"]), mode="markers", name="Manager's own score",
                marker={"symbol": "diamond", "size": 14, "color": "#1e3a8a", "line": {"color": "white", "width": 1}},
                hovertemplate="%{y} (manager): %{x:.0f}<extra></extra>"),
    ], {"xaxis": {"range": [0, 105], "title": {"text": "adoption score (0-100)"}}}, 120 + 34 * len(ordered),
        None if len(ordered) else "No teams this week")


def _counts_by_team(rows: pd.DataFrame, column: str, kinds: list[str], labels: dict[str, str],
                    colors: dict[str, str], unit: str, empty: str) -> Figure:
    """Rows per team, stacked by `column` (one of `kinds`); the team with most at the top."""
    counts = rows.pivot_table(index="team", columns=column, values="user_id", aggfunc="count", fill_value=0)
    counts = counts.reindex(columns=kinds, fill_value=0)
    counts = counts.assign(total=counts.sum(axis=1)).sort_values(["total"], ascending=True)
    names = [label(n) for n in counts.index]
    few = counts.empty or counts["total"].max() <= 10
    axis = {"title": {"text": unit}, "rangemode": "tozero", **({"dtick": 1} if few else {})}  # no half flags or badges
    return _finish([
        bar(y=names, x=values(counts[kind]), orientation="h", name=labels[kind], marker={"color": colors[kind]},
            hovertemplate=f"%{{y}}: %{{x}} × {labels[kind].lower()}<extra></extra>")
        for kind in kinds
    ], {"barmode": "stack", "xaxis": axis}, 120 + 34 * len(counts), None if len(counts) else empty)


def flags_by_team(flags: pd.DataFrame) -> Figure:
    """Flags holding per team, stacked by severity; the team with most at the top."""
    return _counts_by_team(flags, "severity", list(SEVERITIES), SEVERITY_LABELS, SEVERITY_COLORS, "flags",
                           "No one is flagged this week")


def wins_by_team(badges_held: pd.DataFrame) -> Figure:
    """Badges held per team, stacked by badge; the team with most at the top."""
    return _counts_by_team(badges_held, "badge", list(badges()), BADGE_LABELS, BADGE_COLORS, "badges",
                           "No badges earned this week")


def casei_pillars(casei: pd.DataFrame) -> Figure:
    """Small multiples: a column per CASEI pillar (0-100), a row per team, each team's weakest
    pillar in red; no bar: the team has no such pillar (no manager). The columns share the teams'
    axis, which only the first labels."""
    ordered = casei.iloc[::-1]
    names = [label(n) for n in ordered["team"]]
    columns = pillars()
    width = (1 - PILLAR_SPACING * (len(columns) - 1)) / len(columns)
    data, layout = [], {"bargap": 0.3, "annotations": []}
    for n, pillar in enumerate(columns):
        suffix = "" if n == 0 else str(n + 1)
        left = n * (width + PILLAR_SPACING)
        weakest = ordered["weakest_pillar"] == pillar
        data.append(bar(
            y=names, x=values(ordered[f"{pillar}_score"]), orientation="h", name=PILLAR_LABELS[pillar], showlegend=False,
            marker={"color": [WEAKEST_COLOR if w else PILLAR_COLORS[pillar] for w in weakest]},
            xaxis=f"x{suffix}", yaxis=f"y{suffix}",
            hovertemplate=f"%{{y}}: {PILLAR_LABELS[pillar].lower()} %{{x:.0f}}<extra></extra>",
        ))
        layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "domain": [left, left + width], "range": [0, 105],
                                    "tickvals": [0, 50, 100]}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": [0.0, 1.0],
                                    **({} if n == 0 else {"matches": "y", "showticklabels": False})}
        layout["annotations"].append({"text": PILLAR_LABELS[pillar], "showarrow": False, "x": left + width / 2,
                                      "xanchor": "center", "xref": "paper", "y": 1.0, "yanchor": "bottom",
                                      "yref": "paper"})
    figure = _finish(data, layout, 130 + 26 * len(ordered), None if len(ordered) else "No teams this week")
    for annotation in layout["annotations"]:
        annotation["font"] = {**annotation.get("font", {}), "size": 13}
    return figure


def logins_by_day(logins: pd.DataFrame) -> Figure:
    """Login attempts per day: people, integrations and sync clients, failures."""
    days = values(logins["login_date"])
    return _finish([
        bar(x=days, y=values(logins[column]), name=name, marker={"color": color},
            hovertemplate=f"%{{y}} {name.lower()}<extra>%{{x|%a %d %b %Y}}</extra>")
        for column, (name, color) in LOGIN_KINDS.items()
    ], {"barmode": "stack", "bargap": 0.15, "yaxis": {"title": {"text": "logins"}}}, 340,
        None if len(logins) else "No logins on record")


def logins_by_app(logins: pd.DataFrame) -> Figure:
    """Login attempts per application and platform over the login window, most at the top."""
    ordered = logins.iloc[::-1]
    names = [f"{label(a)} · {label(p)}" for a, p in zip(ordered["application"], ordered["platform"])]
    return _finish([
        bar(y=names, x=values(ordered[column]), orientation="h", name=name, marker={"color": color},
            hovertemplate=f"%{{y}}: %{{x}} {name.lower()}<extra></extra>")
        for column, (name, color) in LOGIN_KINDS.items()
    ], {"barmode": "stack", "xaxis": {"title": {"text": "logins"}}}, 120 + 34 * len(ordered),
        None if len(ordered) else "No logins in the window")


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
