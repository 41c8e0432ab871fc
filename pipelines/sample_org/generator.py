"""A deterministic Salesforce org: teams of reps under managers, months of behaviour, personas.

`generate_org(GeneratorConfig(seed, users, days, end_date))` returns Arrow tables with
Salesforce's field names (schema.py) and the ground truth: each user's persona and the flags
the contract should raise for them (personas.py says how each is planted). The same config
always gives the same org. The ground truth is for measuring the rules, never an input to them,
and the API never serves it.

How the history is made: every person has a daily rhythm (work-day logins, records created in
proportion to how they work), their leads are touched and converted or closed, their deals move
through stages and close on their close date, and activity (tasks, events) lands on the leads,
deals and accounts they own. Personas change one part of that rhythm. Background sync clients
(Salesforce for Outlook) log in every day for many users, including the dormant ones.

The org lives in the world (calendar.py): each team works in its own time zone, and everything is
planned on each person's own calendar (day indices are their local dates, hours their wall
clock), then stored as the UTC instants Salesforce keeps. Nobody works on the holidays that cover
them (the org's `Holiday` records, and their country's rows of the holidays file). The org's clock
reads `clock_hour` UTC on the morning after `end_date`, so its default as-of date is `end_date`;
with `new_day`, the first hours of that morning are in it too (people whose day has begun log in
and record a few things, sync clients and integrations run): what a daily run at 05:00 UTC meets.
"""

from __future__ import annotations

import datetime as dt
import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa

from pipelines.sample_org.calendar import (
    BAD_ZONE, NO_ZONE, ORG_TIME_ZONE, TEAM_COUNTRIES, TEAM_ZONES, after, country_holidays, east_of_utc9,
    holiday_records, holidays_file_lines, org_holidays, shutdown_days, to_local_ms, to_utc_ms,
)
from pipelines.sample_org.ids import make_id
from pipelines.sample_org.leave_and_handovers import plant_leave_and_handovers
from pipelines.sample_org.personas import (
    CALENDAR_REPS, CAST_BADGES, CASEI_TEAMS, CASEI_TRUTH, MANAGER_MIX, NEW_HIRE_SHARE, NO_MANAGER_PERSONAS,
    RECOGNITION_REPS, REP_MIX, expected_exclusion, expected_flags,
)
from pipelines.sample_org.schema import DEFAULT_LEAD_STATUS, LEAD_STATUSES, OBJECTS
from pipelines.sample_org.who_is_measured import (
    LICENSES, PROFILES, ROLES, give_login_only_reps_their_routed_leads, plant_who_is_measured,
)

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
MINUTE_MS = 60_000

_FIRST = ["Ann", "Ben", "Carla", "Dev", "Elif", "Femi", "Grace", "Hugo", "Ines", "Jon", "Kai", "Lena",
          "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Vik", "Wen", "Yusuf"]
_LAST = ["Adams", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hansen", "Ito", "Jones",
         "Khan", "Lopez", "Moreau", "Novak", "Okafor", "Patel", "Rossi", "Silva", "Tanaka", "Weber"]
# TimeZoneSidKey of the people planted without a valid zone of their own (they work on the org's)
CAST_ZONES = {"night_owl_no_zone": NO_ZONE, "night_owl_bad_zone": BAD_ZONE}
# Whose wall clock each record's datetimes are on: the user's, else whoever created the record.
PERSON_FIELD = {"User": "Id", "LoginHistory": "UserId", "OutOfOffice": "UserId"}
_OPEN_STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
                "Proposal/Price Quote", "Negotiation/Review"]
_PROBABILITY = {"Prospecting": 10, "Qualification": 20, "Needs Analysis": 30, "Value Proposition": 50,
                "Proposal/Price Quote": 70, "Negotiation/Review": 90, "Closed Won": 100, "Closed Lost": 0}


@dataclass(frozen=True)
class GeneratorConfig:
    seed: int = 7
    users: int = 120  # human sales users, managers included; integration and system users come on top
    days: int = 180  # days of history, ending at end_date (inclusive)
    end_date: dt.date = dt.date(2026, 11, 15)
    login_history_multiplier: int = 1  # >1 adds background-sync logins per user-day (benchmarks)
    # where the teams work: one zone per team, in turn (calendar.py); one zone for all puts the same
    # people, doing the same things at the same local hours, all in that zone
    team_zones: tuple[str, ...] = TEAM_ZONES
    # the org's clock reads this hour (UTC) on the day after end_date; with new_day, the org holds
    # that morning's first hours too (a daily run's view), without them exactly what the last day left
    clock_hour: float = 5.0
    new_day: bool = True
    # the company shutdown (Holiday records): `shutdown_weeks` working weeks from the Monday on or
    # before end_date - shutdown_days_before_end
    shutdown_days_before_end: int = 70
    shutdown_weeks: int = 1


@dataclass
class GeneratedOrg:
    config: GeneratorConfig
    tables: dict[str, pa.Table]
    ground_truth: pa.Table
    absences: list[dict[str, str]] = field(default_factory=list)  # the absences file's lines (leave_and_handovers.py)
    holidays: list[dict[str, str]] = field(default_factory=list)  # the holidays file's lines (calendar.py)

    @property
    def clock(self) -> dt.datetime:
        """What the org's clock reads when it starts (UTC): `clock_hour` on the day after end_date."""
        return dt.datetime.combine(self.config.end_date + dt.timedelta(days=1), dt.time()) + dt.timedelta(
            hours=self.config.clock_hour)


@dataclass
class _Person:
    id: str
    name: str
    persona: str
    role: str  # vp | manager | rep | integration | inactive | system
    manager_id: str | None
    created_day: int  # day index (may be negative: before the history starts)
    active_until: int  # last day of normal work; later days follow the persona's decline
    p_login: float
    rates: tuple[float, float, float, float]  # leads, opportunities, tasks, events per login day
    outlook: bool = False
    away: tuple[int, int] | None = None  # first and last day index away (the last may lie after the history)
    touch_hours: tuple[float, float] = (0.5, 48.0)  # a new lead's first task comes this many hours after it
    zone: str = ORG_TIME_ZONE  # where they work: their TimeZoneSidKey, or the org's when theirs is not valid
    country: str = TEAM_COUNTRIES[0]
    working: np.ndarray | None = None  # their working days: Monday to Friday, less the holidays that cover them
    truth: dict[str, Any] = field(default_factory=dict)  # recognition, CASEI and exclusion truth (personas.py)
    frozen_on: int | None = None  # the day an admin froze the user (UserLogin.IsFrozen), who = who_is_measured.py
    leads: list[tuple[int, str]] = field(default_factory=list)  # (created ms, id) task targets
    opps: list[tuple[int, str, str]] = field(default_factory=list)  # (created ms, id, account id)


class _Columns:
    """Column lists per object, appended record by record (no per-record dicts kept)."""

    def __init__(self) -> None:
        self.columns: dict[str, dict[str, list]] = {
            name: {f.name: [] for f in sobject.fields} for name, sobject in OBJECTS.items()
        }
        self.counters: dict[str, int] = defaultdict(int)

    def new_id(self, obj: str) -> str:
        n = self.counters[obj]
        self.counters[obj] += 1
        return make_id(OBJECTS[obj].key_prefix, n)

    def add(self, obj: str, values: dict[str, Any]) -> str:
        values.setdefault("Id", self.new_id(obj))
        for name, column in self.columns[obj].items():
            column.append(values.get(name))
        return values["Id"]


class _Builder:
    def __init__(self, config: GeneratorConfig):
        self.c = config
        self.rng = np.random.default_rng(config.seed)
        self.start = config.end_date - dt.timedelta(days=config.days - 1)
        self.start_ms = int(dt.datetime(self.start.year, self.start.month, self.start.day, tzinfo=dt.timezone.utc).timestamp() * 1000)
        self.end_ms = self.start_ms + config.days * DAY_MS - 1
        self.d = config.days
        self.shutdown = shutdown_days(config.end_date, config.shutdown_days_before_end, config.shutdown_weeks)
        self.org_holidays = org_holidays(self.start, config.end_date + dt.timedelta(days=1), self.shutdown)
        self.teams = 0  # managers placed so far: the next team's zone and country
        self._working: dict[str, np.ndarray] = {}  # working days by country
        self.by_id: dict[str, _Person] = {}
        self.cols = _Columns()
        self.login_chunks: list[dict[str, np.ndarray]] = []
        self.people: list[_Person] = []

    # --- helpers ----------------------------------------------------------------------------
    def ms(self, day: int, hour: float) -> int:
        return self.start_ms + int(day) * DAY_MS + int(hour * HOUR_MS)

    def date_of(self, ms: int) -> dt.date:
        return self.start + dt.timedelta(days=(ms - self.start_ms) // DAY_MS)

    def day_of(self, ms: int) -> int:
        return (ms - self.start_ms) // DAY_MS

    def work_hour(self) -> float:
        return float(self.rng.uniform(8.5, 17.5))

    def works_on(self, p: _Person, date: dt.date) -> bool:
        """Whether `date` is a working day of `p`: Monday to Friday, and no holiday of the org's or
        of their country's."""
        return date.weekday() < 5 and date not in self.org_holidays and not country_holidays(p.country, date, date)

    def working_days(self, p: _Person) -> np.ndarray:
        """`p`'s working days over the history."""
        return np.array([self.works_on(p, self.start + dt.timedelta(days=i)) for i in range(self.d)])

    def pick(self, options: list[Any]) -> Any:
        return options[int(self.rng.integers(len(options)))]

    # --- the org ----------------------------------------------------------------------------
    def build(self) -> GeneratedOrg:
        self._reference_data()
        self._people()
        for person in self.people:
            self._logins(person)
            self._records(person)
        # planted after everyone else, so the rest of the org is the same with them as without
        for person in self._people_away():
            self._logins(person)
            self._records(person)
            self._out_of_office(person)
        absences = plant_leave_and_handovers(self)
        self._recognition_cast()
        self._calendar_cast()
        plant_who_is_measured(self)
        give_login_only_reps_their_routed_leads(self)
        self._user_logins()
        if self.c.new_day:
            self._new_day()
        holidays = holidays_file_lines((p.country for p in self.people), self.start, self.c.end_date + dt.timedelta(days=1))
        return GeneratedOrg(self.c, self._tables(), self._ground_truth(), absences, holidays)

    def _reference_data(self) -> None:
        created = self.start_ms - 800 * DAY_MS
        audit = {"CreatedDate": created, "LastModifiedDate": created, "SystemModstamp": created}
        self.licenses = {
            name: self.cols.add("UserLicense", {"Name": name, "MasterLabel": name, "LicenseDefinitionKey": key,
                                                "Status": "Active", "TotalLicenses": 500, "UsedLicenses": 0, **audit})
            for name, key in LICENSES.items()
        }
        self.profiles = {
            name: self.cols.add("Profile", {"Name": name, "UserType": "Standard", "UserLicenseId": self.licenses[license],
                                            "PermissionsApiUserOnly": api_only, **audit})
            for name, (license, api_only) in PROFILES.items()
        }
        for record in holiday_records(self.shutdown, created):
            self.cols.add("Holiday", record)
        self.cols.add("Organization", {"Id": make_id("00D", 0), "Name": "Acme Sample", "Country": TEAM_COUNTRIES[0],
                                       "TimeZoneSidKey": ORG_TIME_ZONE, "CreatedDate": created, "LastModifiedDate": created,
                                       "SystemModstamp": created})
        self.roles = {
            name: self.cols.add("UserRole", {"Name": name, "LastModifiedDate": created, "SystemModstamp": created})
            for name in ROLES
        }
        for order, status in enumerate(LEAD_STATUSES):
            self.cols.add("LeadStatus", {"ApiName": status, "MasterLabel": status, "IsDefault": status == DEFAULT_LEAD_STATUS,
                                         "IsConverted": status == "Closed - Converted", "SortOrder": order + 1, **audit})

    def _user_logins(self) -> None:
        """Every user's UserLogin: frozen from `frozen_on` (set by who_is_measured.py), else never."""
        for p in self.people:
            changed = self.ms(p.frozen_on, 9) if p.frozen_on is not None else self.ms(p.created_day, 10)
            self.cols.add("UserLogin", {"UserId": p.id, "IsFrozen": p.frozen_on is not None, "IsPasswordLocked": False,
                                        "LastModifiedById": self.people[0].id, "LastModifiedDate": changed})

    def _people(self) -> None:
        humans = max(self.c.users, 3)
        managers = max(1, round((humans - 1) / 8))
        reps = humans - 1 - managers
        rep_personas = _deal(REP_MIX, reps, self.rng)
        new_hires = max(1, round(reps * NEW_HIRE_SHARE)) if reps >= 10 else 0
        for i in self.rng.choice(reps, size=new_hires, replace=False):
            rep_personas[i] = "new_hire"
        manager_personas = _deal(MANAGER_MIX, managers, self.rng)

        vp = self._person("vp", "steady", None)
        manager_people = [self._person("manager", p, vp.id) for p in manager_personas]
        # ManagerId is often left empty in real orgs (and the VP at the top has none): one flagged and
        # one healthy rep without a manager, measured and flagged like everyone else
        without_manager = {rep_personas.index(p) for p in NO_MANAGER_PERSONAS if p in rep_personas}
        for i, persona in enumerate(rep_personas):
            self._person("rep", persona, None if i in without_manager else manager_people[i % managers].id)
        for n in range(max(1, humans // 60)):
            self._person("integration", "integration", None, name=["Marketo Integration", "ERP Sync", "Data Loader"][n % 3])
        for _ in range(2):
            self._person("inactive", "inactive", vp.id)
        self._person("system", "system", None, name="Automated Process")

    def _person(self, role: str, persona: str, manager_id: str | None, name: str | None = None,
                zone: str | None = None, profile: str | None = None, user_role: str | None = None) -> _Person:
        n = len(self.people)
        first, last = _FIRST[n % len(_FIRST)], _LAST[(n * 7 + n // len(_FIRST)) % len(_LAST)]
        name = name or f"{first} {last}"
        created_day = -int(self.rng.integers(60, 800))
        if persona == "new_hire":
            created_day = self.d - 1 - int(self.rng.integers(3, 13))
        rates = {
            "vp": (0.02, 0.02, 0.6, 0.6), "manager": (0.05, 0.04, 0.9, 0.6), "rep": (0.3, 0.11, 2.0, 0.4),
            "integration": (5.0, 0.0, 0.0, 0.0), "inactive": (0.3, 0.1, 2.0, 0.4), "system": (0, 0, 0, 0),
        }[role]
        if persona == "champion":
            rates = tuple(r * 1.5 for r in rates)
        if persona in ("deal_at_close", "unlogged_leads"):
            rates = (rates[0], 0.2, rates[2], rates[3])
        if persona == "stale_pipeline":  # their pipeline is what they entered long ago and left
            rates = (rates[0], 0.0, rates[2], rates[3])
        active_until = self.d - 1
        if persona == "dormant":
            active_until = self.d - 1 - int(self.rng.integers(15, 23))
        elif persona == "declining":
            active_until = self.d - 15
        elif role == "inactive":
            active_until = int(self.d * 0.5)
        person = _Person(
            id=self.cols.new_id("User"), name=name, persona=persona, role=role, manager_id=manager_id,
            created_day=created_day, active_until=active_until,
            p_login={"champion": 0.95, "steady": 0.9}.get(persona, 0.85 if role != "manager" else 0.8),
            rates=rates,  # type: ignore[arg-type]
            outlook=role in ("rep", "manager", "vp") and (persona == "dormant" or self.rng.random() < 0.4),
        )
        self._place(person, zone)
        self.people.append(person)
        self.by_id[person.id] = person
        profile = profile or {"vp": "Sales Manager", "manager": "Sales Manager", "integration": "Integration User",
                              "system": "Minimum Access - Salesforce"}.get(role, "Standard User")
        user_role = user_role or {"vp": "VP Sales", "manager": "Sales Manager",
                                  "rep": "Account Executive" if n % 3 else "SDR"}.get(role)
        first_name, _, last_name = name.partition(" ")
        created = self.ms(created_day, 10)
        self.cols.add("User", {
            "Id": person.id, "Username": f"{name.lower().replace(' ', '.')}.{n}@acme-sample.example",
            "Name": name, "FirstName": first_name, "LastName": last_name or first_name,
            "Email": f"{name.lower().replace(' ', '.')}.{n}@acme-sample.example",
            "IsActive": role != "inactive", "UserType": "AutomatedProcess" if role == "system" else "Standard",
            "ProfileId": self.profiles[profile], "UserRoleId": self.roles.get(user_role) if user_role else None,
            "ManagerId": manager_id, "Department": "Sales" if role in ("vp", "manager", "rep") else "IT",
            "Title": {"vp": "VP Sales", "manager": "Sales Manager", "rep": "Account Executive"}.get(role),
            "Country": person.country, "TimeZoneSidKey": CAST_ZONES.get(persona, person.zone), "CreatedDate": created,
            "CreatedById": self.people[0].id if self.people else person.id,
            "LastModifiedDate": created, "SystemModstamp": created,
        })
        return person

    def _place(self, p: _Person, zone: str | None) -> None:
        """Where `p` works: a manager opens the next team (its zone and country, or `zone`), a rep
        works where their manager does; the VP, people without a manager, integrations and people
        without a valid zone of their own (CAST_ZONES) on the org's zone."""
        manager = self.by_id.get(p.manager_id) if p.manager_id else None
        if manager is not None and manager.role != "manager":
            manager = None
        if p.role == "manager":
            team, self.teams = self.teams, self.teams + 1
            p.zone = zone or self.c.team_zones[team % len(self.c.team_zones)]
            p.country = TEAM_COUNTRIES[team % len(TEAM_COUNTRIES)]
        elif manager is not None:
            p.zone, p.country = manager.zone, manager.country
        if p.persona in CAST_ZONES:
            p.zone = ORG_TIME_ZONE
        if p.country not in self._working:
            self._working[p.country] = self.working_days(p)
        p.working = self._working[p.country]

    def _people_away(self) -> list[_Person]:
        """Two healthy reps whose time away is an Out of Office event (personas.py): one away on
        the last day, 16 days so far and 10 to come; one back 4 days ago after three weeks away."""
        managers = [p for p in self.people if p.role == "manager"]
        if sum(p.role == "rep" for p in self.people) < 10:
            return []
        spans = {"on_leave": (self.d - 16, self.d + 9), "back_from_leave": (self.d - 25, self.d - 5)}
        people = []
        for i, (persona, span) in enumerate(spans.items()):
            person = self._person("rep", persona, managers[i % len(managers)].id)
            person.away = span
            people.append(person)
        return people

    def _out_of_office(self, p: _Person) -> None:
        """The calendar entry of `p.away`: from midnight of its first day to midnight after its
        last, created three days before."""
        first, last = p.away
        start, end, created = self.ms(first, 0), self.ms(last + 1, 0), self.ms(first - 3, 10)
        self.cols.add("Event", {
            "Subject": "Out of office", "StartDateTime": start, "EndDateTime": end, "ActivityDateTime": start,
            "ActivityDate": self.date_of(start), "DurationInMinutes": (end - start) // 60_000, "WhoId": None,
            "WhatId": None, "AccountId": None, "OwnerId": p.id, "CreatedById": p.id, "IsArchived": False,
            "ShowAs": "OutOfOffice", "CreatedDate": created, "LastModifiedDate": created, "SystemModstamp": created,
            "IsDeleted": False,
        })

    # --- recognition and CASEI: planted after everyone else -----------------------------------
    def _recognition_cast(self) -> None:
        """The people and teams personas.py lists under "Recognition and CASEI" (orgs of 10 reps or
        more), in teams of their own under the VP, so the rest of the org is the same without them."""
        if sum(p.role == "rep" for p in self.people) < 10:
            return
        vp = self.people[0]
        badge_team = self._team("steady", vp, RECOGNITION_REPS)
        improvers = self._team("steady", vp, ["improver", "champion", "champion", "champion"])
        for teammate in improvers[2:]:
            teammate.truth["unexpected_badges"] = ["most_improved"]
        director = self._person("manager", "absent_leader", vp.id)
        weak = {pillar: self._team(manager, director if pillar == "sponsorship" else vp, reps)
                for pillar, (manager, reps) in CASEI_TEAMS.items()}
        for pillar, team in weak.items():
            team[0].truth.update(team_weakest_pillar=pillar, **dict(zip(("team_pillar_value", "team_pillar_tolerance"),
                                                                        CASEI_TRUTH[pillar])))
        director.truth.update(team_weakest_pillar="involvement", team_pillar_value=0.0, team_pillar_tolerance=0.0)
        for person in [*badge_team, *improvers, director, *(p for team in weak.values() for p in team)]:
            self._cast_behaviour(person)

    def _team(self, manager_persona: str, sponsor: _Person, rep_personas: list[str],
              zone: str | None = None) -> list[_Person]:
        """A manager under `sponsor` and their reps (the manager first), in the next team zone or `zone`."""
        manager = self._person("manager", manager_persona, sponsor.id, zone=zone)
        return [manager, *(self._person("rep", persona, manager.id) for persona in rep_personas)]

    def _cast_behaviour(self, p: _Person) -> None:
        days = np.arange(self.d)
        exists = days >= max(p.created_day, 0)
        weekday = (np.arange(self.d) + self.start.weekday()) % 7
        p.truth.update(CAST_BADGES.get(p.persona, {}))
        p.outlook = False  # a sync client alone would make an absent leader an integration user
        if p.persona == "absent_leader":  # never logs in, records nothing: dormant, score 0
            return
        if p.persona in ("streak_keeper", "streak_broken", "weekly_streaker", "lukewarm", "improver", *CALENDAR_REPS):
            active = exists & p.working
            if p.persona in ("streak_broken", "streak_20_days"):  # a working day without a login: 6 (20) after it
                streak = 6 if p.persona == "streak_broken" else 20
                active &= days != np.flatnonzero(p.working)[-streak - 1]
            elif p.persona == "weekly_streaker":  # the first three working days of each week: 3 active days a week
                week = (days + self.start.weekday()) // 7
                active &= np.array([np.count_nonzero(p.working[(week == week[d]) & (days <= d)]) <= 3 for d in days])
            elif p.persona == "lukewarm":  # Tuesdays only, one lead a week, moved on without a task
                active &= weekday == 1
            elif p.persona == "improver":  # Tuesdays only, then every working day for the last 26 days
                active &= (weekday == 1) | (days >= self.d - 26)
            if p.persona in ("streak_keeper", "streak_broken", "weekly_streaker", *CALENDAR_REPS):
                # active working days in a row up to the last working day (holidays and weekends skipped)
                worked = active[p.working]
                p.truth["current_streak_days"] = len(worked) - int(np.flatnonzero(~worked)[-1]) - 1 if (~worked).any() else len(worked)
            # night owls log in and record late in their evening: the next day in UTC
            night = p.persona in CAST_ZONES
            self._interactive_logins(p, active, hours=(20.5, 21.0) if night else (7.5, 10.0))
            for day in np.flatnonzero(active).tolist():
                if p.persona == "lukewarm":
                    self._lead(p, self.ms(day, self.work_hour()), touched=False, status="Working - Contacted")
                    continue
                for _ in range(1 + int(self.rng.poisson(1.0))):
                    self._task(p, self.ms(day, float(self.rng.uniform(21.0, 22.0)) if night else self.work_hour()))
            return
        if p.persona == "slow_toucher":  # a lead's first task comes past slow_touch_hours (336): touch speed 0;
            p.touch_hours = (340.0, 420.0)  # no other task or event, which could land on a lead sooner
            p.rates = (p.rates[0], p.rates[1], 0.0, 0.0)
        if p.persona in ("trail_keeper", "near_trail", "pipeline_tender", "near_pipeline"):
            p.rates = (p.rates[0], 0.0, p.rates[2], p.rates[3])  # their deals are the planted ones
        self._logins(p)
        if p.persona in ("comeback", "no_routine"):
            # comeback: logs in and records nothing (login_only) until 28 days before the last day;
            # no_routine: records only on Tuesdays and Thursdays, a few tasks spread over the day
            keep = (days >= self.d - 28) if p.persona == "comeback" else np.isin(weekday, (1, 3))
            for day in np.flatnonzero(p.login_days & keep).tolist():
                for _ in range(2 + int(self.rng.poisson(1.5))):
                    self._task(p, self.ms(day, self.work_hour()))
            return
        self._records(p)
        if p.persona == "slow_toucher":  # a task on nothing in particular each day they work: a routine
            for day in np.flatnonzero(p.login_days).tolist():
                for _ in range(1 + int(self.rng.poisson(1.0))):
                    self._task(p, self.ms(day, self.work_hour()), target=("none", None, None))
        last = self.d - 1
        if p.persona in ("trail_keeper", "near_trail"):
            for back in (35, 25, 15, 5):
                self._opportunity(p, self.ms(max(8, last - back), self.work_hour()), lead_id=None, new_business=True)
            if p.persona == "near_trail":  # one new-business deal with nothing before it
                self._opportunity(p, self.ms(last - 10, self.work_hour()), lead_id=None, new_business=True,
                                  logged_first=False)
        if p.persona in ("pipeline_tender", "near_pipeline"):
            for back in (14, 10, 6, 2)[: 4 if p.persona == "pipeline_tender" else 3]:
                self._opportunity(p, self.ms(last - back, self.work_hour()), lead_id=None)
            if p.persona == "near_pipeline":  # one open deal past its close date
                self._opportunity(p, self.ms(last - 50, self.work_hour()), lead_id=None, stale=True, late=False)

    def _calendar_cast(self) -> None:
        """The people personas.py lists under "Each person's own calendar" (orgs of 10 reps or more),
        in a team of their own under the VP, east of UTC+9 where the org has a team zone there."""
        if sum(p.role == "rep" for p in self.people) < 10:
            return
        east = next((z for z in self.c.team_zones if east_of_utc9(z, self.c.end_date)), None)
        for person in self._team("steady", self.people[0], CALENDAR_REPS, zone=east):
            self._cast_behaviour(person)

    def _new_day(self) -> None:
        """The first hours of the day after end_date, up to the org's clock, as a daily run at that
        hour finds them: people at work whose working day has begun log in and log a task or two
        on nothing in particular (new records only: nothing of before changes), sync clients and
        integrations log in. Planted last, so the org without them is the same."""
        rng, day = self.rng, self.d
        clock = self.start_ms + day * DAY_MS + int(self.c.clock_hour * HOUR_MS)  # UTC
        rows: dict[str, list] = defaultdict(list)

        def login(p: _Person, at: int, login_type: str, application: str, api_type: str | None = None) -> None:
            for name, value in (("UserId", p.id), ("LoginTime", at), ("LoginType", login_type), ("Application", application),
                                ("Status", "Success"), ("Browser", None if api_type else "Chrome 131"),
                                ("Platform", None if api_type else "Mac OSX"), ("ApiType", api_type)):
                rows[name].append(value)

        for p in self.people:
            now = to_local_ms(clock, p.zone)  # the clock on their wall
            working = self.works_on(p, self.c.end_date + dt.timedelta(days=1))
            at_work = (p.role in ("rep", "manager", "vp") and p.active_until == day - 1 and p.persona != "absent_leader"
                       and not (p.away and p.away[0] <= day <= p.away[1]))
            if at_work and working and (at := self.ms(day, float(rng.uniform(7.5, 10.0)))) < now and rng.random() < p.p_login:
                login(p, at, "Application", "Browser")
                for _ in range(int(rng.integers(0, 3))):
                    if (task := self.ms(day, self.work_hour())) < now:
                        self._task(p, task, target=("none", None, None), until=now)
            if p.outlook and (at := self.ms(day, float(rng.uniform(5.0, 7.0)))) < now:
                login(p, at, "Remote Access 2.0", "Salesforce for Outlook")
            if p.role == "integration":
                for at in (self.ms(day, hour) for hour in rng.uniform(0, 23.9, 4)):
                    if at < now:
                        login(p, at, "Other Apex API", "N/A", api_type="SOAP Partner")
        if rows["LoginTime"]:
            self.login_chunks.append({name: np.array(values, dtype=np.int64 if name == "LoginTime" else object)
                                      for name, values in rows.items()})

    def _interactive_logins(self, p: _Person, days: np.ndarray, login_type: str = "Application",
                            application: str = "Browser", hours: tuple[float, float] = (7.5, 10.0)) -> None:
        """One login a person makes on each day of the mask (a browser login in the morning unless
        told otherwise)."""
        chosen = np.flatnonzero(days)
        p.login_days = days  # type: ignore[attr-defined]
        if not len(chosen):
            return
        count = len(chosen)
        self.login_chunks.append({
            "LoginTime": self.start_ms + chosen * DAY_MS + (self.rng.uniform(*hours, count) * HOUR_MS).astype(np.int64),
            "LoginType": np.full(count, login_type, dtype=object), "Application": np.full(count, application, dtype=object),
            "Status": np.full(count, "Success", dtype=object), "Browser": np.full(count, "Chrome 131", dtype=object),
            "Platform": np.full(count, "Mac OSX", dtype=object), "ApiType": np.full(count, None, dtype=object),
            "UserId": np.full(count, p.id, dtype=object),
        })

    # --- logins -----------------------------------------------------------------------------
    def _logins(self, p: _Person) -> None:
        rng, d = self.rng, self.d
        days = np.arange(d)
        exists = days >= max(p.created_day, 0)
        rows: dict[str, list[np.ndarray]] = defaultdict(list)

        def emit(mask: np.ndarray, hours: np.ndarray, login_type: str, application: str, status: str = "Success",
                 browser: str | None = None, platform: str | None = None, api_type: str | None = None) -> None:
            chosen = days[mask]
            if not len(chosen):
                return
            times = self.start_ms + chosen * DAY_MS + (hours[mask] * HOUR_MS).astype(np.int64)
            rows["LoginTime"].append(times)
            for name, value in (("LoginType", login_type), ("Application", application), ("Status", status),
                                ("Browser", browser), ("Platform", platform), ("ApiType", api_type)):
                rows[name].append(np.full(len(chosen), value, dtype=object))

        if p.role in ("vp", "manager", "rep", "inactive"):
            p_day = np.where(p.working, p.p_login, 0.04)
            if p.persona == "declining":
                p_day = np.where(days > p.active_until, np.where(p.working, 0.2, 0.0), p_day)
            if p.persona == "near_decline":
                p_day = np.where(days > d - 15, p_day * 0.7, p_day)
            interactive = exists & (rng.random(d) < p_day) & (days <= (p.active_until if p.persona != "declining" else d - 1))
            if p.persona == "declining":  # a trickle, never none: they are declining, not dormant
                late = days[(days > p.active_until) & p.working]
                interactive[rng.choice(late, size=min(2, len(late)), replace=False)] = True
            if p.persona == "login_only" or p.role == "inactive":
                interactive &= days <= p.active_until
            if p.away:  # no login while away (Outlook, below, goes on syncing)
                interactive &= (days < p.away[0]) | (days > p.away[1])
            kind = rng.random(d)
            morning = rng.uniform(7.5, 10.0, d)
            emit(interactive & (kind < 0.75), morning, "Application", "Browser", browser=self.pick(["Chrome 131", "Firefox 133", "Safari 18"]), platform=self.pick(["Mac OSX", "Windows 10"]))
            emit(interactive & (kind >= 0.75) & (kind < 0.85), morning, "SAML Idp Initiated SSO", "Browser", browser="Chrome 131", platform="Windows 10")
            emit(interactive & (kind >= 0.85), morning, "Remote Access 2.0", self.pick(["Salesforce for iOS", "Salesforce for Android"]), platform="iOS/iPadOS")
            emit(interactive & (rng.random(d) < 0.35), rng.uniform(13.0, 17.0, d), "Application", "Browser", browser="Chrome 131", platform="Mac OSX")
            emit(interactive & (rng.random(d) < 0.03), morning - 0.02, "Application", "Browser", status=self.pick(["Invalid Password", "Password Lockout"]), browser="Chrome 131", platform="Mac OSX")
            p.login_days = interactive  # type: ignore[attr-defined]
            if p.outlook:
                for k in range(self.c.login_history_multiplier):
                    emit(exists, rng.uniform(5.0, 7.0, d) + k * 0.2, "Remote Access 2.0", "Salesforce for Outlook")
        elif p.role == "integration":
            for k in range(4 * self.c.login_history_multiplier):
                emit(exists, rng.uniform(0, 23.9, d), self.pick(["Other Apex API", "Remote Access Client"]), "N/A", api_type="SOAP Partner")
            p.login_days = np.zeros(d, dtype=bool)  # type: ignore[attr-defined]
        else:
            p.login_days = np.zeros(d, dtype=bool)  # type: ignore[attr-defined]
        if rows:
            chunk = {name: np.concatenate(parts) for name, parts in rows.items()}
            chunk["UserId"] = np.full(len(chunk["LoginTime"]), p.id, dtype=object)
            self.login_chunks.append(chunk)

    # --- records ----------------------------------------------------------------------------
    def _records(self, p: _Person) -> None:
        rng = self.rng
        if p.role == "integration":
            for day in range(self.d):
                for _ in range(int(rng.poisson(p.rates[0]))):
                    self._lead(p, self.ms(day, float(rng.uniform(0, 23.9))), fate="integration")
            return
        if p.persona in ("login_only", "system") or p.role == "system":
            return
        login_days = np.flatnonzero(p.login_days).tolist()
        leads_r, opps_r, tasks_r, events_r = p.rates
        if p.persona == "batch_logger":
            self._batch_records(p, login_days)
            return
        # near_decline logs in on ~70% of their usual days and records as usual on those days
        for day in login_days:
            scale = 0.1 if day > p.active_until else 1.0
            for _ in range(int(rng.poisson(leads_r * scale))):
                self._lead(p, self.ms(day, self.work_hour()))
            for _ in range(int(rng.poisson(opps_r * scale))):
                self._opportunity(p, self.ms(day, self.work_hour()), lead_id=None)
        # activity after pipeline, so it can land on what exists
        for day in login_days:
            scale = 0.1 if day > p.active_until else 1.0
            for _ in range(int(rng.poisson(tasks_r * scale))):
                self._task(p, self.ms(day, self.work_hour()))
            for _ in range(int(rng.poisson(events_r * scale))):
                self._event(p, self.ms(day, self.work_hour()))
        self._planted(p)

    def _batch_records(self, p: _Person, login_days: list[int]) -> None:
        """Twice a week, 8–12 records typed in within a few minutes."""
        record_days = [d for d in login_days if (self.start + dt.timedelta(days=int(d))).weekday() in (1, 3)]
        for day in record_days:
            t = self.ms(day, float(self.rng.uniform(16.5, 18.0)))
            for k in range(int(self.rng.integers(8, 13))):
                t += int(self.rng.integers(10, 25)) * 1000
                if k % 4 == 0:
                    self._lead(p, t, fate="batch")
                    t += 15_000
                    self._task(p, t, target=("lead", p.leads[-1][1], None))
                else:
                    self._task(p, t)

    def _lead(self, p: _Person, created: int, fate: str | None = None, touched: bool = True,
              status: str | None = None) -> str:
        rng = self.rng
        n = self.cols.counters["Lead"]
        lead = {"FirstName": _FIRST[n % 24], "LastName": f"{_LAST[n % 20]}-{n}", "Company": f"Prospect {n} Inc.",
                "Email": f"lead{n}@prospect{n}.example", "Phone": f"+1 555 01{n % 100:02d}",
                "LeadSource": self.pick(["Web", "Partner Referral", "Trade Show", "Cold Call"]),
                "OwnerId": p.id, "CreatedById": p.id, "CreatedDate": created, "Status": "Open - Not Contacted",
                "IsConverted": False, "IsDeleted": False}
        lead["Name"] = f"{lead['FirstName']} {lead['LastName']}"
        lead_id = self.cols.new_id("Lead")
        lead["Id"] = lead_id
        modified = created
        if fate == "integration":
            lead["Status"] = self.pick(["Open - Not Contacted", "Closed - Not Converted"])
        elif touched:
            touch = created + 15_000 if fate == "batch" else after(created, p.zone, float(rng.uniform(*p.touch_hours)))
            if touch <= self.end_ms and self.day_of(touch) <= p.active_until and fate != "batch":
                self._task(p, touch, target=("lead", lead_id, None), subject="Intro call")
            if touch <= self.end_ms and self.day_of(touch) <= p.active_until:
                lead["Status"] = "Working - Contacted"
                lead["LastActivityDate"] = self.date_of(touch)
                modified = touch
                resolve = created + int(rng.uniform(3, 25) * DAY_MS)
                if self.day_of(resolve) < min(self.d - 14, p.active_until + 1) and self.day_of(created) < self.d - 14:
                    r = rng.random()
                    converts = p.persona not in ("unlogged_leads", "batch_logger", "stale_pipeline")
                    if r < 0.45 and converts:
                        opp_id, account_id = self._opportunity(p, resolve, lead_id=lead_id)
                        lead.update(Status="Closed - Converted", IsConverted=True, ConvertedDate=self.date_of(resolve),
                                    ConvertedOpportunityId=opp_id, ConvertedAccountId=account_id,
                                    ConvertedContactId=make_id("003", n))
                        modified = resolve
                    elif r < 0.8 or p.persona == "lead_neglecter":
                        lead["Status"] = "Closed - Not Converted"
                        modified = resolve
        if status:  # moved on without a task or event (worked outside the CRM)
            lead["Status"] = status
        lead["LastModifiedDate"] = lead["SystemModstamp"] = modified
        if p.persona in ("steady", "champion") and rng.random() < 0.01:
            lead["IsDeleted"] = True
        self.cols.add("Lead", lead)
        if touched and fate != "integration":
            p.leads.append((created, lead_id))
        return lead_id

    def _account(self, p: _Person, created: int) -> str:
        n = self.cols.counters["Account"]
        return self.cols.add("Account", {"Name": f"Account {n}", "OwnerId": p.id, "Industry": self.pick(["Software", "Retail", "Banking", "Health"]),
                                         "CreatedDate": created, "CreatedById": p.id, "LastModifiedDate": created,
                                         "SystemModstamp": created, "IsDeleted": False})

    def _opportunity(self, p: _Person, created: int, lead_id: str | None, *, late: bool | None = None,
                     stale: bool = False, new_business: bool | None = None, logged_first: bool = True) -> tuple[str, str]:
        rng = self.rng
        if new_business is None:
            new_business = lead_id is not None or rng.random() < (0.9 if p.persona == "unlogged_leads" else 0.4)
        account_id = self._account(p, created - (0 if lead_id or p.persona == "unlogged_leads" else int(rng.uniform(2, 30) * DAY_MS)))
        if new_business and lead_id is None and p.persona != "unlogged_leads" and logged_first:
            # people who work in the CRM log the first meeting before the deal
            self._event(p, created - int(rng.uniform(1, 7) * DAY_MS), target=("account", None, account_id), subject="Discovery call")
        if late is None:
            late = p.persona == "deal_at_close" and rng.random() < 0.8
        length_days = float(rng.uniform(0, 2.5)) if late else float(rng.uniform(20, 80))
        close_ms = created + int(length_days * DAY_MS)
        close_day = self.day_of(close_ms)
        last_active = p.active_until if p.persona != "near_decline" else self.d - 1
        if stale:
            close_day = self.d - 1 - int(rng.integers(5, 40))
        elif close_day > last_active and close_day <= self.d - 1:
            close_day = self.d - 1 + int(rng.integers(5, 60))  # an absent owner leaves the close date ahead
        opp_id = self.cols.new_id("Opportunity")
        # stage history: created at a first stage, moved along, closed on the close date
        first_stage = "Closed Won" if late and rng.random() < 0.4 else "Prospecting"
        changes = [(created, first_stage)]
        if first_stage == "Prospecting":
            steps = int(rng.integers(1, 4))
            end_of_work = created + int((close_day - self.day_of(created)) * DAY_MS)
            for k, stage in enumerate(_OPEN_STAGES[1:steps + 1], 1):
                t = created + (end_of_work - created) * k // (steps + 1)
                if stale:
                    t = created + k * HOUR_MS
                if t <= self.end_ms and self.day_of(t) <= last_active and t > created:
                    changes.append((t, stage))
            if close_day <= min(self.d - 1, last_active) and not stale:
                closed_at = max(self.ms(close_day, self.work_hour()), changes[-1][0] + HOUR_MS)
                changes.append((min(closed_at, self.end_ms), "Closed Won" if rng.random() < 0.45 else "Closed Lost"))
        changes.sort()
        stage = changes[-1][1]
        closed = stage.startswith("Closed")
        modified = changes[-1][0]
        if not closed and not stale and last_active == self.d - 1:
            modified = max(modified, self.end_ms - int(rng.uniform(0, 7) * DAY_MS))  # worked recently
        elif not closed and not stale:
            modified = max(modified, self.ms(last_active, 12) - int(rng.uniform(0, 7) * DAY_MS))
        modified = min(modified, self.end_ms)
        amount = float(round(rng.uniform(5, 200)) * 1000)
        close_date = self.start + dt.timedelta(days=close_day)
        for t, s in changes:
            self.cols.add("OpportunityHistory", {
                "OpportunityId": opp_id, "StageName": s, "Amount": amount, "ExpectedRevenue": amount * _PROBABILITY[s] / 100,
                "CloseDate": close_date, "Probability": float(_PROBABILITY[s]),
                "ForecastCategory": "Closed" if s == "Closed Won" else ("Omitted" if s == "Closed Lost" else "Pipeline"),
                "CreatedDate": t, "CreatedById": p.id, "SystemModstamp": t, "IsDeleted": False,
            })
        self.cols.add("Opportunity", {
            "Id": opp_id, "Name": f"Deal {self.cols.counters['Opportunity']}", "AccountId": account_id, "StageName": stage,
            "IsClosed": closed, "IsWon": stage == "Closed Won", "Amount": amount, "CloseDate": close_date,
            "Type": "New Business" if new_business else "Existing Business", "LeadSource": "Web" if lead_id else None,
            "ForecastCategory": "Closed" if stage == "Closed Won" else ("Omitted" if stage == "Closed Lost" else "Pipeline"),
            "Probability": float(_PROBABILITY[stage]), "OwnerId": p.id, "CreatedById": p.id, "CreatedDate": created,
            "LastStageChangeDate": changes[-1][0], "LastModifiedDate": modified, "SystemModstamp": modified, "IsDeleted": False,
        })
        if not stale:
            p.opps.append((created, opp_id, account_id))
        return opp_id, account_id

    def _target(self, p: _Person, at: int) -> tuple[str, str | None, str | None] | None:
        """Something of the person's that existed before `at` (created on an earlier day)."""
        cutoff = self.start_ms + self.day_of(at) * DAY_MS
        use_opp = self.rng.random() < 0.6
        pool = p.opps if use_opp and p.opps else p.leads
        known = bisect.bisect_left(pool, (cutoff,))
        if not known:
            return None
        item = pool[int(self.rng.integers(known))]
        return ("opp", item[1], item[2]) if pool is p.opps else ("lead", item[1], None)

    def _task(self, p: _Person, at: int, target: tuple | None = None, subject: str | None = None,
              until: int | None = None) -> None:
        if at > (until or self.end_ms):
            return
        target = target or self._target(p, at)
        kind, record_id, account_id = target or (None, None, None)
        self.cols.add("Task", {
            "Subject": subject or self.pick(["Call", "Follow-up email", "Send proposal", "Check in"]),
            "Status": "Completed", "Priority": "Normal", "ActivityDate": self.date_of(at),
            "WhoId": record_id if kind == "lead" else None, "WhatId": record_id if kind in ("opp", "account") else None,
            "AccountId": account_id, "OwnerId": p.id, "CreatedById": p.id, "IsClosed": True,
            "TaskSubtype": self.pick(["Call", "Email", "Task"]), "CompletedDateTime": at, "IsArchived": False,
            "CreatedDate": at, "LastModifiedDate": at, "SystemModstamp": at,
            "IsDeleted": p.persona in ("steady", "champion") and self.rng.random() < 0.01,
        })

    def _event(self, p: _Person, at: int, target: tuple | None = None, subject: str | None = None) -> None:
        if at > self.end_ms:
            return
        target = target or self._target(p, at)
        kind, record_id, account_id = target or (None, None, None)
        # One logged before the history (the trail of a deal entered then) is kept, as old leads and
        # deals are; it draws nothing from the seed's stream, so the rest of the org stays the same.
        start = at + int((self.rng.uniform(1, 96) if at >= self.start_ms else 24) * HOUR_MS)
        self.cols.add("Event", {
            "Subject": subject or self.pick(["Demo", "Meeting", "Lunch"]), "StartDateTime": start,
            "EndDateTime": start + HOUR_MS, "ActivityDateTime": start, "ActivityDate": self.date_of(start),
            "DurationInMinutes": 60, "WhoId": record_id if kind == "lead" else None,
            "WhatId": record_id if kind == "opp" else account_id if kind == "account" else None,
            "AccountId": account_id, "OwnerId": p.id, "CreatedById": p.id, "IsArchived": False, "ShowAs": "Busy",
            "CreatedDate": at, "LastModifiedDate": at, "SystemModstamp": at, "IsDeleted": False,
        })

    def _planted(self, p: _Person) -> None:
        """The parts of a persona that are not a change of rhythm: things left undone."""
        rng = self.rng
        neglected = {"lead_neglecter": int(rng.integers(7, 13)), "near_neglect": 4}.get(p.persona, 0)
        for _ in range(neglected):
            day = int(rng.integers(self.d - 100, self.d - 20))  # may predate the history: old leads
            self._lead(p, self.ms(day, self.work_hour()), touched=False)
        stale = {"stale_pipeline": int(rng.integers(4, 8)), "near_stale": 2}.get(p.persona, 0)
        for _ in range(stale):
            day = int(rng.integers(self.d - 130, self.d - 60))
            self._opportunity(p, self.ms(day, self.work_hour()), lead_id=None, stale=True, late=False)
        if p.persona == "near_late":
            day = int(rng.integers(self.d - 60, self.d - 5))
            self._opportunity(p, self.ms(day, self.work_hour()), lead_id=None, late=True)

    # --- output -----------------------------------------------------------------------------
    def _tables(self) -> dict[str, pa.Table]:
        cols = self.cols.columns
        zone_of = {p.id: p.zone for p in self.people}
        for name, columns in cols.items():
            if name != "LoginHistory":
                self._to_utc(name, columns, zone_of)
        if self.login_chunks:
            merged = {name: np.concatenate([c.get(name, np.full(len(c["LoginTime"]), None, dtype=object)) for c in self.login_chunks])
                      for name in ("UserId", "LoginTime", "LoginType", "Application", "Status", "Browser", "Platform", "ApiType")}
            merged["LoginTime"] = _utc_of(merged["LoginTime"], merged["UserId"], zone_of)
            order = np.lexsort((merged["UserId"].astype(str), merged["LoginTime"]))
            count = len(order)
            login = cols["LoginHistory"]
            for name in login:
                login[name] = merged[name][order].tolist() if name in merged else [None] * count
            login["Id"] = [make_id("0Ya", i) for i in range(count)]
            login["LoginUrl"] = ["acme-sample.my.salesforce.com"] * count
            login["SourceIp"] = [f"198.51.100.{i % 250}" for i in range(count)]
            login["CountryIso"] = ["US"] * count
            login["TlsProtocol"] = ["TLS 1.3"] * count
            login["CipherSuite"] = ["TLS_AES_256_GCM_SHA384"] * count
            last_login: dict[str, int] = {}
            for user, time, status in zip(login["UserId"], login["LoginTime"], login["Status"]):
                if status == "Success":
                    last_login[user] = time
            cols["User"]["LastLoginDate"] = [last_login.get(u) for u in cols["User"]["Id"]]
        return {name: _arrow(name, columns) for name, columns in cols.items()}

    @staticmethod
    def _to_utc(name: str, columns: dict[str, list], zone_of: dict[str, str]) -> None:
        """The object's datetimes, planned on wall clocks, as UTC instants: each record's on the
        clock of its person (PERSON_FIELD; the org's for a record of no one)."""
        owners = columns.get(PERSON_FIELD.get(name, "CreatedById"))
        for f in OBJECTS[name].fields:
            values = columns[f.name]
            if f.type != "datetime" or not values:
                continue
            local = np.array([v if v is not None else 0 for v in values], dtype=np.int64)
            utc = _utc_of(local, np.array(owners if owners is not None else [None] * len(values), dtype=object), zone_of)
            columns[f.name] = [None if v is None else int(u) for v, u in zip(values, utc)]

    def _ground_truth(self) -> pa.Table:
        rows = [{
            "user_id": p.id, "user_name": p.name, "manager_id": p.manager_id, "persona": p.persona,
            "is_integration": p.role == "integration", "is_new": p.persona == "new_hire",
            "expected_exclusion": expected_exclusion(p.role, p.truth),
            "expected_flags": expected_flags(p.persona),
            "expected_badges": p.truth.get("expected_badges", []),
            "unexpected_badges": p.truth.get("unexpected_badges", []),
            "current_streak_days": p.truth.get("current_streak_days"),
            "team_weakest_pillar": p.truth.get("team_weakest_pillar"),
            "team_pillar_value": p.truth.get("team_pillar_value"),
            "team_pillar_tolerance": p.truth.get("team_pillar_tolerance"),
        } for p in self.people]
        return pa.Table.from_pylist(rows, schema=pa.schema([
            ("user_id", pa.string()), ("user_name", pa.string()), ("manager_id", pa.string()),
            ("persona", pa.string()), ("is_integration", pa.bool_()), ("is_new", pa.bool_()),
            # who is measured (who_is_measured.py): the reason in excluded_users, null for the measured
            ("expected_exclusion", pa.string()),
            ("expected_flags", pa.list_(pa.string())),
            # recognition and CASEI (personas.py): badges that must and must not be held, the day
            # streak, and on a planted team's manager the team's weakest pillar and its value
            ("expected_badges", pa.list_(pa.string())), ("unexpected_badges", pa.list_(pa.string())),
            ("current_streak_days", pa.int64()), ("team_weakest_pillar", pa.string()),
            ("team_pillar_value", pa.float64()), ("team_pillar_tolerance", pa.float64()),
        ]))


_ARROW = {"boolean": pa.bool_(), "date": pa.date32(), "double": pa.float64(), "currency": pa.float64(),
          "percent": pa.float64(), "int": pa.int64()}


def _arrow(name: str, columns: dict[str, list]) -> pa.Table:
    arrays = []
    for f in OBJECTS[name].fields:
        values = columns[f.name]
        if f.type == "datetime":
            arrays.append(pa.array(values, pa.int64()).cast(pa.timestamp("ms", tz="UTC")))
        else:
            arrays.append(pa.array(values, _ARROW.get(f.type, pa.string())))
    return pa.Table.from_arrays(arrays, names=[f.name for f in OBJECTS[name].fields])


def _utc_of(local_ms: np.ndarray, people: np.ndarray, zone_of: dict[str, str]) -> np.ndarray:
    """Wall-clock milliseconds of `people` (Ids, one per value) → UTC milliseconds, each on the
    zone of its person (the org's for one not known)."""
    zones = np.array([zone_of.get(p, ORG_TIME_ZONE) for p in people], dtype=object)
    utc = local_ms.copy()
    for zone in set(zones.tolist()):
        at = zones == zone
        utc[at] = to_utc_ms(local_ms[at], zone)
    return utc


def _deal(mix: dict[str, float], count: int, rng: np.random.Generator) -> list[str]:
    """`count` personas in the mix's proportions (largest remainder), shuffled by the seed."""
    exact = {k: v * count / sum(mix.values()) for k, v in mix.items()}
    chosen = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: exact[k] - chosen[k], reverse=True)[: count - sum(chosen.values())]:
        chosen[k] += 1
    personas = [k for k, n in chosen.items() for _ in range(n)]
    rng.shuffle(personas)
    return personas


def generate_org(config: GeneratorConfig) -> GeneratedOrg:
    return _Builder(config).build()


def write_ground_truth(org: GeneratedOrg, path: Path) -> None:
    """JSON Lines, one user a line: what the rules are measured against."""
    path.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in org.ground_truth.to_pylist()))
