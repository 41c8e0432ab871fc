"""A digest as a message: its subject, its plain text and its HTML (templates/). Small by design:
no script, no image to fetch; the pillars are drawn as table bars every mail client shows."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import jinja2

from pipelines.digest.content import Digest, TeamSection
from pipelines.report.figures import BADGE_LABELS, PILLAR_COLORS, PILLAR_LABELS, SEVERITY_LABELS, TIER_LABELS, WEAKEST_COLOR
from pipelines.report.render import FLAG_LABELS, day, templates
from pipelines.report.teams import page_url, team_heading


@dataclass(frozen=True)
class Message:
    team_id: str
    subject: str
    text: str
    html: str


def heading(section: TeamSection) -> str:
    return team_heading(section.manager_id, section.manager_name)


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def whose(digest: Digest) -> str:
    if digest.manager_id is None:
        return "People without a manager in Salesforce"
    return "Your teams" if len(digest.sections) > 1 else "Your team"


def news(digest: Digest) -> str:
    """The week in a few words: "2 new badges, 3 people flagged, 1 away", or "all quiet"."""
    if digest.quiet:
        return "all quiet"
    sections = digest.sections
    parts = [plural(sum(len(s.new_badges) for s in sections), "new badge"),
             plural(len({(s.team_id, f.user_id) for s in sections for f in s.flags}), "person", "people") + " flagged",
             f"{sum(len(s.away) for s in sections)} away",
             plural(sum(len(s.closed) for s in sections), "flag") + " closed"]
    return ", ".join(p for p in parts if not p.startswith("0 "))


def subject(digest: Digest) -> str:
    return f"{whose(digest)}: CRM week to {day(digest.as_of)}, {news(digest)}"


@functools.cache
def _environment(autoescape: bool) -> jinja2.Environment:
    environment = templates("pipelines.digest", autoescape=autoescape)
    environment.globals.update(heading=heading, plural=plural, flag_labels=FLAG_LABELS, badge_labels=BADGE_LABELS,
                               pillar_labels=PILLAR_LABELS, pillar_colors=PILLAR_COLORS, weakest_color=WEAKEST_COLOR,
                               severity_labels=SEVERITY_LABELS, tier_labels=TIER_LABELS)
    return environment


def render_digest(digest: Digest, report_url: str | None = None) -> Message:
    """The message for `digest`, linking each team's page when `report_url` is set."""
    context = {"digest": digest, "subject": subject(digest), "whose": whose(digest), "news": news(digest),
               "links": {s.team_id: page_url(report_url, s.team_id) for s in digest.sections}}
    return Message(
        team_id=digest.team_id,
        subject=context["subject"],
        text=_environment(False).get_template("digest.txt.j2").render(context),
        html=_environment(True).get_template("digest.html.j2").render(context),
    )
