"""What each team's digest says, read from a publication's marts (schema `marts`).

A team is the measured users whose `manager_id` is one manager's User Id (or null: the team of
users without a manager), as in `team_adoption`. With the `team` scope a manager's digest holds
their direct reports only: a manager of managers reads about the managers who report to them, not
about those managers' reps. With the `subtree` scope it holds every team under them too.

Pure functions over a DuckDB connection: nothing here sends, writes or logs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb

from pipelines.dbt.vocabulary import badges as badge_order
from pipelines.dbt.vocabulary import pillars
from pipelines.report.queries import SEVERITIES, as_of_date

STREAKS_SHOWN = 3
WEEK = dt.timedelta(days=6)  # the week ending on the as-of date starts six days before it


@dataclass(frozen=True)
class Flag:
    user_id: str
    user_name: str
    flag: str
    severity: str
    evidence: str
    first_flagged_on: dt.date | None = None
    returns_on: dt.date | None = None
    """The day the person is back, when they are away on the as-of date."""


@dataclass(frozen=True)
class Badge:
    user_id: str
    user_name: str
    badge: str
    earned_on: dt.date
    evidence: str


@dataclass(frozen=True)
class Streak:
    user_id: str
    user_name: str
    days: int
    weeks: int
    longest: int


@dataclass(frozen=True)
class Away:
    user_id: str
    user_name: str
    start_on: dt.date
    returns_on: dt.date | None


@dataclass(frozen=True)
class Pillars:
    scores: dict[str, float | None]
    """Each CASEI pillar's score 0-100, in the contract's order (None: the team has no such pillar)."""
    weakest: str | None
    evidence: str | None


@dataclass(frozen=True)
class TeamSection:
    """One team's week: its wins, who is silent and why, who is away, its weakest pillar, and
    the manager's own score beside the team's."""

    team_id: str
    manager_id: str | None
    manager_name: str
    members: tuple[str, ...]
    """The members' names, by name."""
    weekly_active: int
    median_score: float | None
    manager_score: float | None
    manager_tier: str | None
    new_badges: tuple[Badge, ...] = ()
    """Badges earned in the week ending on the as-of date."""
    badges_held: int = 0
    streaks: tuple[Streak, ...] = ()
    flags: tuple[Flag, ...] = ()
    """Every flag holding, most severe first."""
    opened: tuple[Flag, ...] = ()
    closed: tuple[Flag, ...] = ()
    away: tuple[Away, ...] = ()
    pillars: Pillars | None = None

    @property
    def quiet(self) -> bool:
        """Nothing to say: no one flagged, no flag opened or closed, no one away, no new badge."""
        return not (self.flags or self.opened or self.closed or self.away or self.new_badges)

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Digest:
    """One message: a manager's team (and, with the `subtree` scope, the teams under them)."""

    team_id: str
    """The recipient's own team: the ledger's key and the name of its page."""
    manager_id: str | None
    manager_name: str
    as_of: dt.date
    sections: tuple[TeamSection, ...]

    @property
    def week_start(self) -> dt.date:
        return self.as_of - WEEK

    @property
    def team(self) -> TeamSection:
        return self.sections[0]

    @property
    def quiet(self) -> bool:
        return all(section.quiet for section in self.sections)


@dataclass
class _Rows:
    """The publication's rows for the week, grouped by the team they belong to (manager_id)."""

    teams: list[dict]
    members: dict[str | None, list[dict]] = field(default_factory=lambda: defaultdict(list))
    flags: dict[str | None, list[dict]] = field(default_factory=lambda: defaultdict(list))
    changes: dict[str | None, list[dict]] = field(default_factory=lambda: defaultdict(list))
    badges: dict[str | None, list[dict]] = field(default_factory=lambda: defaultdict(list))
    away: dict[str | None, list[dict]] = field(default_factory=lambda: defaultdict(list))
    pillars: dict[str | None, dict] = field(default_factory=dict)
    managers: dict[str, str | None] = field(default_factory=dict)
    """Every user's manager (measured or not), for the `subtree` scope."""


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def _grouped(rows: Iterable[dict], into: dict[str | None, list[dict]]) -> None:
    for row in rows:
        into[row["manager_id"]].append(row)


def _read(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> _Rows:
    pillar_scores = ", ".join(f"{p}_score" for p in pillars())
    rows = _Rows(teams=_dicts(
        con,
        "SELECT team_id, manager_id, manager_name, weekly_active_members, team_median_score, manager_score, "
        "manager_tier FROM marts.team_adoption WHERE week_ending_on = ? ORDER BY manager_name, team_id",
        [as_of],
    ))
    _grouped(_dicts(
        con,
        "SELECT user_id, user_name, manager_id, current_streak_days, current_streak_weeks, longest_streak_days "
        "FROM marts.user_adoption_scorecard WHERE week_ending_on = ? ORDER BY user_name, user_id",
        [as_of],
    ), rows.members)
    severity_rank = "CASE severity " + " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(SEVERITIES)) + " END"
    _grouped(_dicts(
        con,
        "SELECT s.user_id, s.user_name, s.manager_id, s.flag, s.severity, s.evidence, s.first_flagged_on, a.returns_on "
        "FROM marts.silent_non_use s LEFT JOIN marts.user_absences a ON a.user_id = s.user_id AND a.is_current "
        f"ORDER BY {severity_rank}, s.user_name, s.flag",
    ), rows.flags)
    _grouped(_dicts(
        con,
        "SELECT user_id, user_name, manager_id, flag, severity, evidence, change FROM marts.silent_non_use_changes "
        f"WHERE is_current_week ORDER BY {severity_rank}, user_name, flag",
    ), rows.changes)
    badge_rank = "CASE badge " + " ".join(f"WHEN '{b}' THEN {i}" for i, b in enumerate(badge_order())) + " END"
    _grouped(_dicts(
        con,
        "SELECT user_id, user_name, manager_id, badge, earned_on, evidence FROM marts.user_recognition "
        f"ORDER BY {badge_rank}, user_name",
    ), rows.badges)
    _grouped(_dicts(
        con,
        "SELECT user_id, user_name, manager_id, start_on, returns_on FROM marts.user_absences "
        "WHERE is_current ORDER BY user_name",
    ), rows.away)
    rows.pillars = {r["manager_id"]: r for r in _dicts(
        con,
        f"SELECT manager_id, {pillar_scores}, weakest_pillar, evidence FROM marts.team_casei WHERE week_ending_on = ?",
        [as_of],
    )}
    rows.managers = dict(con.execute(
        "SELECT user_id, manager_id FROM marts.user_adoption_scorecard WHERE week_ending_on = ? "
        "UNION SELECT user_id, manager_id FROM marts.excluded_users",
        [as_of],
    ).fetchall())
    return rows


def _section(team: dict, rows: _Rows, as_of: dt.date) -> TeamSection:
    key = team["manager_id"]
    members = rows.members.get(key, [])
    member_ids = {m["user_id"] for m in members}

    def ours(found: list[dict]) -> list[dict]:  # only the team's own people, whatever a mart holds
        return [r for r in found if r["user_id"] in member_ids]

    def flag(r: dict) -> Flag:
        return Flag(r["user_id"], r["user_name"], r["flag"], r["severity"], r["evidence"],
                    r.get("first_flagged_on"), r.get("returns_on"))

    changes = ours(rows.changes.get(key, []))
    held = [Badge(r["user_id"], r["user_name"], r["badge"], r["earned_on"], r["evidence"])
            for r in ours(rows.badges.get(key, []))]
    streaks = sorted((m for m in members if m["current_streak_days"]),
                     key=lambda m: (-m["current_streak_days"], -m["current_streak_weeks"], m["user_name"]))
    casei = rows.pillars.get(key)
    return TeamSection(
        team_id=team["team_id"],
        manager_id=key,
        manager_name=team["manager_name"],
        members=tuple(m["user_name"] for m in members),
        weekly_active=int(team["weekly_active_members"] or 0),
        median_score=team["team_median_score"],
        manager_score=team["manager_score"],
        manager_tier=team["manager_tier"],
        new_badges=tuple(b for b in held if b.earned_on > as_of - dt.timedelta(days=7)),
        badges_held=len(held),
        streaks=tuple(Streak(m["user_id"], m["user_name"], m["current_streak_days"], m["current_streak_weeks"],
                             m["longest_streak_days"]) for m in streaks[:STREAKS_SHOWN]),
        flags=tuple(flag(r) for r in ours(rows.flags.get(key, []))),
        opened=tuple(flag(r) for r in changes if r["change"] == "opened"),
        closed=tuple(flag(r) for r in changes if r["change"] == "closed"),
        away=tuple(Away(r["user_id"], r["user_name"], r["start_on"], r["returns_on"])
                   for r in ours(rows.away.get(key, []))),
        pillars=Pillars({p: casei[f"{p}_score"] for p in pillars()}, casei["weakest_pillar"], casei["evidence"])
        if casei else None,
    )


def under(manager_id: str, managers: dict[str, str | None]) -> set[str]:
    """Everyone whose chain of managers reaches `manager_id` (not themselves); a loop in the
    hierarchy ends where it closes."""
    reports: dict[str | None, list[str]] = defaultdict(list)
    for user, manager in managers.items():
        reports[manager].append(user)
    found: set[str] = set()
    todo = [manager_id]
    while todo:
        for user in reports.get(todo.pop(), []):
            if user not in found and user != manager_id:
                found.add(user)
                todo.append(user)
    return found


def read_digests(con: duckdb.DuckDBPyConnection, scope: str = "team") -> list[Digest]:
    """One digest per team of the publication's current week, by manager name: the team's own
    section, and with `scope="subtree"` a section for each team under its manager too (the
    nearest first). The team without a manager has its own digest, with no one under it."""
    as_of = as_of_date(con)
    rows = _read(con, as_of)
    sections = {team["manager_id"]: _section(team, rows, as_of) for team in rows.teams}
    digests = []
    for team in rows.teams:
        own = sections[team["manager_id"]]
        below: list[TeamSection] = []
        if scope == "subtree" and team["manager_id"] is not None:
            people = under(team["manager_id"], rows.managers)
            below = [s for key, s in sections.items() if key in people]
            depth = {key: _depth(key, team["manager_id"], rows.managers) for key in people}
            below.sort(key=lambda s: (depth[s.manager_id], s.manager_name, s.team_id))
        digests.append(Digest(own.team_id, own.manager_id, own.manager_name, as_of, (own, *below)))
    return digests


def _depth(user_id: str, top: str, managers: dict[str, str | None]) -> int:
    depth, current, seen = 0, user_id, set()
    while current is not None and current != top and current not in seen:
        seen.add(current)
        current, depth = managers.get(current), depth + 1
    return depth
