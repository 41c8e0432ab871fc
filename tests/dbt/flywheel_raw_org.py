"""A small hand-made org in `raw_salesforce.*`: one user planted per flag, plus a healthy user,
their manager, an integration user, a new hire, an inactive user, a frozen leaver and a
service agent working Cases.

The as-of date is 2026-11-15 (the newest login). Thresholds are met *exactly* where the contract
says "at least" (60% unlogged, 50% logged at close, 5 neglected leads = 50%, 3 stale = 50%).
Tables and columns follow `pipelines.salesforce.objects` (relationship fields flattened with
`_`), with the types the extraction writes; a few columns are left out, as an org hiding fields
through field-level security would.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb

from pipelines.extract import raw_store
from pipelines.leave.absences_file import parse_absences, user_lookup, write_absences
from pipelines.leave.holidays_file import write_holidays
from pipelines.salesforce.objects import OBJECTS, column_name
from pipelines.sample_org.schema import OBJECTS as SCHEMA_OBJECTS, STORAGE_TYPES

AS_OF = date(2026, 11, 15)
START = date(2026, 7, 1)
SYNCED_AT = datetime(2026, 11, 16, 3, 0)

# Fields an org might hide: their columns are absent from the raw tables.
HIDDEN = {"User": {"Department", "TimeZoneSidKey"}, "LoginHistory": {"Browser", "CipherSuite"}, "Lead": {"LeadSource"}}

U = {
    "manager": "005000000000MGR",
    "healthy": "005000000000HLT",
    "dormant": "005000000000DRM",
    "login_only": "005000000000LGO",
    "unlogged_leads": "005000000000UNL",
    "deal_logged_at_close": "005000000000LAT",
    "neglected_leads": "005000000000NGL",
    "stale_pipeline": "005000000000STL",
    "declining_usage": "005000000000DEC",
    "batch_entry": "005000000000BAT",
    "integration": "005000000000INT",
    "new_hire": "005000000000NEW",
    "inactive": "005000000000INA",
    "back_from_leave": "005000000000BFL",
    "away_today": "005000000000AWY",
    "frozen": "005000000000FRZ",
    "service_agent": "005000000000SRV",
}

# An HR export of leave: the healthy rep's summer holiday, three weeks away for the rep just back
# (by username), and a line naming no one (skipped).
ABSENCES_FILE = (
    f"user,start_date,end_date,reason\n{U['healthy']},2026-08-03,2026-08-07,holiday\n"
    "back_from_leave@example.com,2026-10-21,2026-11-10,parental leave\nghost@nowhere.example,2026-08-03,2026-08-04,\n"
)

# The (user, flag) pairs `marts.silent_non_use` must hold, and nothing else.
EXPECTED_FLAGS = {
    (U["dormant"], "dormant"),
    (U["login_only"], "login_only"),
    (U["unlogged_leads"], "unlogged_leads"),
    (U["deal_logged_at_close"], "deal_logged_at_close"),
    (U["neglected_leads"], "neglected_leads"),
    (U["stale_pipeline"], "stale_pipeline"),
    (U["declining_usage"], "declining_usage"),
    (U["batch_entry"], "batch_entry"),
}


def _days(start: date, end: date):
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def _at(d: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(d, time(hour, minute, second))


@dataclass
class Org:
    rows: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    counter: int = 0

    def new_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter:012d}"

    def user(self, key, name, *, manager=None, created=date(2026, 6, 1), active=True,
             profile="Standard User", role="Account Executive", user_type="Standard"):
        self.rows["User"].append({
            "Id": U[key], "Username": f"{key}@example.com", "Name": name, "FirstName": name.split()[0],
            "LastName": name.split()[-1], "Email": f"{key}@example.com", "IsActive": active,
            "UserType": user_type, "ProfileId": "00e000000000001", "Profile.Name": profile,
            "UserRoleId": "00E000000000001", "UserRole.Name": role,
            "ManagerId": U[manager] if manager else None, "Title": "Rep",
            "CreatedById": U["manager"], "CreatedDate": _at(created, 8),
            "LastModifiedDate": _at(created, 8), "SystemModstamp": _at(created, 8),
        })

    def frozen(self, key, at):
        """An admin froze the user (UserLogin.IsFrozen): still active, cannot log in."""
        self.rows["UserLogin"].append({"Id": self.new_id("060"), "UserId": U[key], "IsFrozen": True,
                                       "IsPasswordLocked": False, "LastModifiedDate": at})

    def login(self, key, at, *, login_type="Application", application="Browser", status="Success"):
        self.rows["LoginHistory"].append({
            "Id": self.new_id("0Ya"), "UserId": U[key], "LoginTime": at, "LoginType": login_type,
            "Status": status, "Application": application, "Platform": "Mac OSX",
            "LoginUrl": "login.salesforce.com",
        })

    def _audit(self, key, at, deleted=False):
        return {"CreatedById": U[key], "CreatedDate": at, "LastModifiedDate": at,
                "SystemModstamp": at, "IsDeleted": deleted}

    def task(self, key, at, *, who=None, what=None, account=None, deleted=False):
        task_id = self.new_id("00T")
        self.rows["Task"].append({
            "Id": task_id, "Subject": "Call", "Status": "Completed", "Priority": "Normal",
            "ActivityDate": at.date(), "WhoId": who, "WhatId": what, "AccountId": account,
            "OwnerId": U[key], "IsClosed": True, "TaskSubtype": "Call", "IsArchived": False,
            **self._audit(key, at, deleted),
        })
        return task_id

    def event(self, key, at, *, who=None, what=None, account=None):
        self.rows["Event"].append({
            "Id": self.new_id("00U"), "Subject": "Meeting", "StartDateTime": at,
            "EndDateTime": at + timedelta(hours=1), "ActivityDateTime": at, "ActivityDate": at.date(),
            "DurationInMinutes": 60, "WhoId": who, "WhatId": what, "AccountId": account,
            "OwnerId": U[key], "IsArchived": False, "ShowAs": "Busy", **self._audit(key, at),
        })

    def out_of_office(self, key, start, end, *, created):
        """An Event marking time away, as Outlook or the calendar writes it: not work logged."""
        self.rows["Event"].append({
            "Id": self.new_id("00U"), "Subject": "Out of office", "StartDateTime": start, "EndDateTime": end,
            "ActivityDateTime": start, "ActivityDate": start.date(),
            "DurationInMinutes": int((end - start).total_seconds() // 60), "OwnerId": U[key], "IsArchived": False,
            "ShowAs": "OutOfOffice", **self._audit(key, created),
        })

    def out_of_office_entry(self, key, start, end, *, enabled=True):
        """An Out of Office entry (the OutOfOffice object), set a week before it starts."""
        self.rows["OutOfOffice"].append({
            "Id": self.new_id("0Ow"), "UserId": U[key], "StartDate": start, "EndDate": end, "IsEnabled": enabled,
            "Message": "Away", **self._audit(key, start - timedelta(days=7)),
        })

    def hand_over(self, lead_id, old, new, at):
        """The lead goes to `new`: its owner changes, and Salesforce writes two LeadHistory rows, one
        with User Ids and one with names."""
        lead = next(row for row in self.rows["Lead"] if row["Id"] == lead_id)
        lead["OwnerId"], lead["LastModifiedDate"], lead["SystemModstamp"] = U[new], at, at
        names = {row["Id"]: row["Name"] for row in self.rows["User"]}
        for old_value, new_value, data_type in ((U[old], U[new], "EntityId"), (names[U[old]], names[U[new]], "Text")):
            self.rows["LeadHistory"].append({
                "Id": self.new_id("017"), "LeadId": lead_id, "Field": "Owner", "OldValue": old_value,
                "NewValue": new_value, "DataType": data_type, "CreatedById": U["manager"], "CreatedDate": at,
                "IsDeleted": False,
            })

    def lead(self, key, at, *, status="Open - Not Contacted", converted_to=None, converted_on=None):
        lead_id = self.new_id("00Q")
        self.rows["Lead"].append({
            "Id": lead_id, "FirstName": "Pat", "LastName": "Prospect", "Company": "Acme",
            "Status": status, "IsConverted": converted_to is not None,
            "ConvertedDate": converted_on, "ConvertedOpportunityId": converted_to,
            "OwnerId": U[key], **self._audit(key, at),
        })
        return lead_id

    def opportunity(self, key, created, close, *, kind="New Business", stages=("Prospecting",),
                    closed=False, won=False, modified=None, account=None):
        """An opportunity and its history: one OpportunityHistory row per stage, a day apart."""
        opportunity_id = self.new_id("006")
        account = account or self.new_id("001")
        modified = modified or created
        self.rows["Opportunity"].append({
            "Id": opportunity_id, "Name": f"Deal {opportunity_id[-4:]}", "AccountId": account,
            "StageName": stages[-1], "IsClosed": closed, "IsWon": won, "Amount": 10000.0,
            "CloseDate": close, "Type": kind, "OwnerId": U[key],
            **self._audit(key, created), "LastModifiedDate": modified, "SystemModstamp": modified,
        })
        for i, stage in enumerate(stages):
            at = created + timedelta(days=i)
            self.rows["OpportunityHistory"].append({
                "Id": self.new_id("008"), "OpportunityId": opportunity_id, "StageName": stage,
                "Amount": 10000.0, "CloseDate": close, "Probability": 10.0,
                "CreatedById": U[key], "CreatedDate": at, "SystemModstamp": at, "IsDeleted": False,
            })
        return opportunity_id, account

    def work(self, key, start, end, *, record=True, weekdays_only=True):
        """A person at work: an interactive login each (week)day, Outlook syncing in the
        background every day, and one task logged mid-morning."""
        for d in _days(start, end):
            self.login(key, _at(d, 6), login_type="Remote Access 2.0", application="Salesforce for Outlook")
            if weekdays_only and d.weekday() >= 5:
                continue
            self.login(key, _at(d, 9))
            if record:
                self.task(key, _at(d, 10, 30))


def build_org() -> Org:
    org = Org()
    reps = ["healthy", "dormant", "login_only", "unlogged_leads", "deal_logged_at_close",
            "neglected_leads", "stale_pipeline", "declining_usage", "batch_entry", "new_hire",
            "back_from_leave", "away_today", "frozen"]
    org.user("manager", "Mia Manager", role="Sales Manager")
    for key in reps:
        # the login-only rep has no ManagerId (like the manager at the top): flagged, in no manager's team
        org.user(key, key.replace("_", " ").title() + " Rep", manager=None if key == "login_only" else "manager",
                 created=date(2026, 11, 5) if key == "new_hire" else date(2026, 6, 1))
    org.user("integration", "Sync Integration", profile="Integration User", role=None)
    org.user("inactive", "Gone Rep", manager="manager", active=False)
    org.user("service_agent", "Sam Service", profile="Custom: Support Profile", role="Support Agent")

    org.work("manager", START, AS_OF)

    # healthy: works every weekday; deals start as leads or after a meeting on the account, and
    # are worked through stages for weeks before they close.
    org.work("healthy", START, AS_OF)
    for created in (date(2026, 9, 10), date(2026, 10, 20)):
        opp, account = org.opportunity("healthy", _at(created, 11), created + timedelta(days=60),
                                       modified=_at(date(2026, 11, 12), 11))
        org.lead("healthy", _at(created - timedelta(days=20), 11), status="Closed - Converted",
                 converted_to=opp, converted_on=created)
    opp, account = org.opportunity("healthy", _at(date(2026, 8, 1), 11), date(2026, 10, 1),
                                   kind="Existing Business", closed=True, won=True,
                                   stages=("Prospecting", "Negotiation", "Closed Won"))
    org.event("healthy", _at(date(2026, 7, 20), 14), account=account, what=account)
    # two days ago healthy was handed 6 old leads the rep who left never touched: all of their open
    # leads, but held for 2 days, not neglected
    for i in range(6):
        org.hand_over(org.lead("inactive", _at(date(2026, 8, 3), 9, i)), "inactive", "healthy", _at(date(2026, 11, 13), 10))

    # dormant: logged in (and recorded) once a week, last on 2026-10-26: 20 days before as-of.
    # Outlook keeps logging in every day, which must not hide it.
    for d in _days(START, date(2026, 10, 26)):
        if d.weekday() == 0:
            org.login("dormant", _at(d, 9))
            org.task("dormant", _at(d, 10))
    for d in _days(START, AS_OF):
        org.login("dormant", _at(d, 6), login_type="Remote Access 2.0", application="Salesforce for Outlook")
    # an Out of Office entry switched off marks no absence: still dormant
    org.out_of_office_entry("dormant", _at(date(2026, 10, 27), 0), _at(date(2026, 11, 20), 17), enabled=False)

    # login_only: logs in every weekday and records nothing (a task it deleted does not count); it
    # owns a web lead the manager routed to it in the summer, closed since: in sales scope.
    org.work("login_only", START, AS_OF, record=False)
    org.task("login_only", _at(date(2026, 11, 3), 10), deleted=True)
    org.lead("manager", _at(date(2026, 7, 2), 9), status="Closed - Not Converted")
    org.rows["Lead"][-1]["OwnerId"] = U["login_only"]

    # unlogged_leads: 5 new-business deals in the deal window, 3 with no lead and no earlier
    # activity (60%, exactly the threshold), 2 converted from leads.
    org.work("unlogged_leads", START, AS_OF)
    for i, created in enumerate([date(2026, 9, 1), date(2026, 9, 20), date(2026, 10, 5),
                                 date(2026, 10, 25), date(2026, 11, 9)]):
        opp, _ = org.opportunity("unlogged_leads", _at(created, 11), date(2027, 1, 31),
                                 modified=_at(date(2026, 11, 13), 9))
        if i < 2:
            org.lead("unlogged_leads", _at(created - timedelta(days=10), 11),
                     status="Closed - Converted", converted_to=opp, converted_on=created)

    # deal_logged_at_close: 2 deals closed in the window, one typed in 2 days before its close
    # date and first recorded Closed Won (50%, exactly the threshold).
    org.work("deal_logged_at_close", START, AS_OF)
    org.opportunity("deal_logged_at_close", _at(date(2026, 10, 10), 15), date(2026, 10, 12),
                    kind="Existing Business", stages=("Closed Won",), closed=True, won=True)
    org.opportunity("deal_logged_at_close", _at(date(2026, 8, 20), 15), date(2026, 10, 30),
                    kind="Existing Business", stages=("Prospecting", "Proposal", "Closed Lost"),
                    closed=True, won=False, modified=_at(date(2026, 10, 30), 9))

    # neglected_leads: 10 open leads; 5 untouched since 2026-10-20 (26 days), 5 being worked:
    # 5 neglected = 50% of open, both exactly at the thresholds. A converted lead is not open.
    org.work("neglected_leads", START, AS_OF)
    for i in range(5):
        org.lead("neglected_leads", _at(date(2026, 10, 20), 9, i))
    for i in range(4):
        lead = org.lead("neglected_leads", _at(date(2026, 10, 21), 9, i), status="Working - Contacted")
        org.task("neglected_leads", _at(date(2026, 10, 22), 14, 10 * i), who=lead)
    # a lead created 14 days ago is not yet "more than 14 days" old
    org.lead("neglected_leads", _at(date(2026, 11, 1), 9))

    # stale_pipeline: 6 open deals; 3 stale (one past its close date, two untouched 45 days),
    # 3 fresh: 3 stale = 50%, exactly at the thresholds.
    org.work("stale_pipeline", START, AS_OF)
    org.opportunity("stale_pipeline", _at(date(2026, 9, 1), 9), date(2026, 11, 1),
                    kind="Existing Business", modified=_at(date(2026, 11, 10), 9))
    for _ in range(2):
        org.opportunity("stale_pipeline", _at(date(2026, 9, 15), 9), date(2027, 1, 15),
                        kind="Existing Business", modified=_at(date(2026, 10, 1), 9))
    for _ in range(3):
        org.opportunity("stale_pipeline", _at(date(2026, 10, 1), 9), date(2027, 1, 15),
                        kind="Existing Business", modified=_at(date(2026, 11, 12), 9))

    # declining_usage: worked every weekday until 2026-11-01, then one login in the last 14 days.
    org.work("declining_usage", START, date(2026, 11, 1))
    for d in _days(date(2026, 11, 2), AS_OF):
        org.login("declining_usage", _at(d, 6), login_type="Remote Access 2.0", application="Salesforce for Outlook")
    org.login("declining_usage", _at(date(2026, 11, 10), 9))

    # batch_entry: logs in every weekday, records nothing during the week and types in a week's
    # calls on Friday afternoon: 6 tasks within 5 minutes.
    org.work("batch_entry", START, AS_OF, record=False)
    for d in _days(START, AS_OF):
        if d.weekday() == 4:
            for i in range(6):
                org.task("batch_entry", _at(d, 17, i))

    # integration: logs in by API every day and creates tasks in bulk: never measured.
    for d in _days(START, AS_OF):
        org.login("integration", _at(d, 2), login_type="Other Apex API", application="Data Loader")
        for i in range(8):
            org.task("integration", _at(d, 2, 0, 5 * i))
    org.login("integration", _at(AS_OF, 2, 30), login_type="Other Apex API", application="Data Loader",
              status="Invalid Password")

    # back_from_leave: worked every weekday until 2026-10-20, then three weeks away (the absences
    # file: 2026-10-21 … 2026-11-10) and no login since: 26 days, but 5 present days. Not dormant,
    # and with 5 present days of the last 14 too few to judge a decline.
    org.work("back_from_leave", START, date(2026, 10, 20))
    # away_today: worked every weekday until Friday 2026-10-23; an Out of Office event from Monday
    # 2026-10-26 up to midnight starting 2026-11-21 (back that day). 23 days without a login, 2 present.
    org.work("away_today", START, date(2026, 10, 23))
    org.out_of_office("away_today", _at(date(2026, 10, 26), 0), _at(date(2026, 11, 21), 0),
                      created=_at(date(2026, 10, 23), 16))
    # and an Out of Office entry that overlaps it and runs on to 2026-11-24: one span, two sources
    org.out_of_office_entry("away_today", _at(date(2026, 11, 18), 0), _at(date(2026, 11, 24), 17))

    # new_hire: created 10 days before as-of, logs in every weekday (7 days: too few for the data
    # rule on sales scope), records nothing yet: measured, no flag.
    org.work("new_hire", date(2026, 11, 5), AS_OF, record=False)

    # frozen: worked like the healthy rep until 2026-10-16, then an admin froze them (still active):
    # no login since, which would make them dormant, with their open leads untouched. Not measured.
    org.work("frozen", START, date(2026, 10, 16))
    for i in range(5):
        org.lead("frozen", _at(date(2026, 10, 1), 9, i))
    org.frozen("frozen", _at(date(2026, 10, 19), 8))

    # service_agent: a full licence, logs in every weekday and works Cases (a call logged on a Case
    # each day, the Case's contact as WhoId): no sales work in 180 days, so not measured.
    for d in _days(START, AS_OF):
        if d.weekday() < 5:
            org.login("service_agent", _at(d, 9))
            org.task("service_agent", _at(d, 11), who="003000000000CON", what="500000000000CAS")
    # the last login of the org, which fixes the as-of date
    org.login("manager", _at(AS_OF, 18))
    return org


def write_raw_tables(org: Org, path: Path) -> None:
    """Write the org into `raw_salesforce.*` of the DuckDB file at `path`."""
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS raw_salesforce")
        for spec in OBJECTS:
            schema = SCHEMA_OBJECTS[spec.name]
            columns = []
            for f in spec.fields:
                if f in HIDDEN.get(spec.name, set()):
                    continue
                if "." in f:
                    duck_type = "VARCHAR"
                else:
                    duck_type = STORAGE_TYPES[schema.field(f).type]
                columns.append((f, column_name(f), duck_type))
            table = f'raw_salesforce."{spec.table}"'
            definitions = ", ".join(f'"{name}" {duck_type}' for _, name, duck_type in columns)
            con.execute(f"CREATE OR REPLACE TABLE {table} ({definitions}, _flywheel_synced_at TIMESTAMP)")
            rows = [[row.get(f) for f, _, _ in columns] + [SYNCED_AT] for row in org.rows[spec.name]]
            if rows:
                placeholders = ", ".join("?" for _ in range(len(columns) + 1))
                con.executemany(f"INSERT INTO {table} VALUES ({placeholders})", rows)
        # the extraction's sync state, as a sync leaves it without a clock reading (the as-of date is
        # then the newest login's date)
        raw_store.ensure_state_table(con)
        # the absences file, loaded as the raw_absences/absence asset loads it; no holidays file
        lookup = user_lookup([(row["Id"], row.get("Username"), row.get("Email")) for row in org.rows["User"]])
        write_absences(con, parse_absences(ABSENCES_FILE, lookup))
        write_holidays(con, ())
    finally:
        con.close()


def build_raw_org(path: Path) -> Org:
    org = build_org()
    write_raw_tables(org, path)
    return org
