"""The report as one self-contained HTML file: plotly.js inlined once, no external URL, and
every value from the marts escaped by Jinja2's autoescaping. Written atomically.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pandas as pd
import plotly.io as pio
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from pipelines.report.figures import BADGE_LABELS, PILLAR_LABELS, SEVERITY_LABELS, TIER_LABELS, Chart
from pipelines.report.queries import NO_MANAGER, ReportData

REPORT_FILE = Path("report") / "adoption_report.html"
FLAG_LABELS = {
    "dormant": "Dormant",
    "login_only": "Logs in, records nothing",
    "unlogged_leads": "Deals without a lead",
    "deal_logged_at_close": "Deals logged at close",
    "neglected_leads": "Neglected leads",
    "stale_pipeline": "Stale pipeline",
    "declining_usage": "Declining usage",
    "batch_entry": "Typed in after the fact",
}
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}


@dataclass(frozen=True)
class Tile:
    """A headline number at the top of the report."""

    title: str
    value: str
    note: str


def report_path(export_dir: Path) -> Path:
    """Where the report lives: `<FLYWHEEL_EXPORT_DIR>/report/adoption_report.html`."""
    return export_dir / REPORT_FILE


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


def percent(value: object) -> str:
    return "–" if _missing(value) else f"{float(value):.0%}"


def score(value: object) -> str:
    return "–" if _missing(value) else f"{float(value):.0f}"


def signed(value: object) -> str:
    return "–" if _missing(value) else f"{float(value):+.0f}"


def amount(value: object) -> str:
    return "–" if _missing(value) else f"{float(value):,.0f}"


def sentence(text: str) -> str:
    """Evidence as a sentence: "logged in on 19 …" becomes "Logged in on 19 …." """
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def day(value: object) -> str:
    """A date as a manager reads it: 15 Nov 2026."""
    if _missing(value):
        return "–"
    moment = pd.Timestamp(value)
    return f"{moment.day} {moment:%b %Y}"  # no "%-d": it is not portable


def headline(data: ReportData) -> list[Tile]:
    """This week's headline numbers, each with a line of context."""
    if data.kpis.empty:
        return []
    week = data.kpis.iloc[-1]
    before = data.kpis.iloc[-2] if len(data.kpis) > 1 else None
    silent = int(data.tiers.set_index("tier").loc["silent", "users"])
    measured = int(data.tiers["users"].sum())
    change = None if before is None else week.weekly_active_users - before.weekly_active_users
    wau_change = "" if change is None else ", same as last week" if change == 0 else f", {change:+.0f} on last week"
    return [
        Tile("Weekly active users", f"{week.weekly_active_users:.0f} of {week.measured_users}",
             f"{percent(week.weekly_active_users / week.measured_users if week.measured_users else None)} "
             f"of measured users{wau_change}"),
        Tile("Champions and healthy", percent(week.champion_share + week.healthy_share),
             f"average score {score(week.average_score)}"),
        Tile("Silent users", f"{silent}", f"{percent(silent / measured if measured else None)} of measured users"),
        *([] if pd.isna(week.new_business_deals) else [  # a team's page has no deal counts
            Tile("Deals with a lead trail", percent(week.lead_trail_share),
                 f"{week.deals_with_lead_trail:.0f} of {week.new_business_deals:.0f} new-business deals this week")]),
        Tile("Open flags", f"{week.open_flags:.0f}",
             f"{week.flags_opened:.0f} opened, {week.flags_closed:.0f} closed this week"),
    ]


def records(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as dicts, missing values as None (which the template tests for)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def flag_groups(flags: pd.DataFrame, flag_deals: pd.DataFrame) -> list[dict]:
    """The silent list by team (in the order of `flags`), each flag with the deals behind it."""
    deals = {key: records(rows) for key, rows in flag_deals.groupby(["user_id", "flag"], sort=False)}
    groups: dict[str, list[dict]] = {}
    for row in records(flags):
        groups.setdefault(row["team"], []).append({**row, "deals": deals.get((row["user_id"], row["flag"]), [])})
    return [
        {"team": team, "heading": "Without a manager" if team == NO_MANAGER else f"{team}'s team",
         "anchor": f"team-{i}", "flags": rows,
         "people": len({r["user_id"] for r in rows}),
         "critical": sum(r["severity"] == "critical" for r in rows)}
        for i, (team, rows) in enumerate(groups.items(), start=1)
    ]


def win_groups(data: ReportData, streaks_shown: int = 3) -> list[dict]:
    """Per team with a win: the most improved, each person's other badges (in the order of
    `data.badges`) and the team's longest current streaks."""
    badge_rows = {team: records(rows) for team, rows in data.badges.groupby("team", sort=False)}
    streak_rows = {team: records(rows.head(streaks_shown)) for team, rows in data.streaks.groupby("team", sort=False)}
    groups = []
    for team in sorted(set(badge_rows) | set(streak_rows)):
        people: dict[str, dict] = {}
        for row in badge_rows.get(team, []):
            if row["badge"] != "most_improved":
                people.setdefault(row["user_id"], {"user_name": row["user_name"], "badges": []})["badges"].append(row)
        groups.append({"team": team, "heading": "Without a manager" if team == NO_MANAGER else f"{team}'s team",
                       "most_improved": [b for b in badge_rows.get(team, []) if b["badge"] == "most_improved"],
                       "people": sorted(people.values(), key=lambda p: (-len(p["badges"]), p["user_name"])),
                       "streaks": streak_rows.get(team, [])})
    return groups


def chart_html(key: str, chart: Chart) -> Markup:
    """The chart's container and the script that draws it (plotly.js itself is in the page head)."""
    return Markup(pio.to_html(chart.figure, full_html=False, include_plotlyjs=False, div_id=key,
                              config=PLOTLY_CONFIG, validate=False))  # the figure is plotly.js's own dict


def templates(package: str, *, autoescape: bool = True) -> jinja2.Environment:
    """The Jinja2 templates of `package` (its `templates/` folder), with the report's number and date
    filters; a name from the marts that is not declared fails the render instead of going blank."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(percent=percent, score=score, signed=signed, amount=amount, day=day,
                               sentence=sentence)
    return environment


@functools.cache
def _template() -> jinja2.Template:
    return templates("pipelines.report").get_template("adoption_report.html.j2")


def render_report(data: ReportData, charts: dict[str, Chart], generated_at: dt.datetime, *,
                  team: str | None = None, plotly_src: str | None = None, what_if: str | None = None) -> str:
    """The whole page as a string: the org's, or with `team` (its heading) one team's page;
    plotly.js inlined, or from `plotly_src` (a path relative to the page); `what_if` labels a
    what-if run's report with its vars."""
    week_start = data.as_of - dt.timedelta(days=6)
    built = generated_at.astimezone(dt.timezone.utc)
    return _template().render(
        as_of=data.as_of,
        what_if=what_if,
        week_start=week_start,
        generated_at=f"{day(built)} {built:%H:%M} UTC",
        team=team,
        plotly_src=plotly_src,
        plotlyjs=Markup("" if plotly_src else get_plotlyjs()),
        charts={key: {"title": c.title, "caption": c.caption, "html": chart_html(key, c)} for key, c in charts.items()},
        tiles=headline(data),
        teams=records(data.teams),
        groups=flag_groups(data.flags, data.flag_deals),
        away=records(data.away),
        holidays=records(data.holidays),
        wins=win_groups(data),
        casei=records(data.casei),
        badge_labels=BADGE_LABELS,
        pillar_labels=PILLAR_LABELS,
        flag_labels=FLAG_LABELS,
        severity_labels=SEVERITY_LABELS,
        tier_labels=TIER_LABELS,
    )


def write_report(html: str, path: Path) -> Path:
    """Write the page beside its final place, then rename it in: readers see the last whole report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(html)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
