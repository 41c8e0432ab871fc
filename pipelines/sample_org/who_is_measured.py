"""Who is measured, and what counts as theirs: the people real orgs hold beside sellers.

Planted by `plant_who_is_measured` after everyone else (orgs of 10 reps or more), so the rest of
the org is the same with them as without them. Days count back from the last day of the history
(the as-of date), `A` below. Each person's truth rests on counts of days far from any threshold
and on nothing that happens near a midnight, so it holds in whatever time zone their team works.
The ground truth (personas.py) names the reason excluded_users must give each excluded person.

| persona | team | planted | truth |
| --- | --- | --- | --- |
| sso_rep | sales | a healthy rep who signs in only through an Auth. Provider (`Third Party SSO`) | measured, no flag |
| sso_login_only | sales | signs in by Third Party SSO every working day, records nothing, owns 3 routed leads | login_only |
| lightning_login | sales | healthy; browser logins until A-30, `Lightning Login` since | no flag |
| passwordless | sales | healthy; browser logins until A-20, `Passwordless Login` since | no flag |
| new_status_neglecter | sales | 8 untouched leads A-20 … A-55 in the org's default status 'New' (LeadStatus IsDefault) | neglected_leads |
| unlogged_new_customer | sales | 4 'New Customer' deals (A-50 … A-8), no lead, nothing logged before | unlogged_leads |
| empty_type_unlogged | sales | 3 deals with no Type on new accounts, nothing logged before | unlogged_leads |
| empty_type_upsell | sales | 3 deals with no Type on an account won A-110, nothing logged before | no flag (not new business) |
| trail_keeper_new_customer | sales | 4 'New Customer' deals, each after a meeting logged on its account | badge clean_trail |
| dormant_long | sales | interactive on the first 10 working days only, Outlook every day: 10 of ~180 login days (5.6%) | dormant |
| frozen_leaver (2) | sales | worked until A-25 / A-35, then frozen (UserLogin.IsFrozen), still active; 6 untouched leads | excluded: frozen |
| support_manager, support_agent (3) | support | full licences (profile 'Custom: Support Profile'), log in every working day, work Cases: tasks on them | excluded: not_in_sales_scope |
| analyst, admin | none | log in every working day, record nothing | excluded: not_in_sales_scope |
| platform_user (2) | none | 'Standard Platform User' (Salesforce Platform licence); one logs unlinked tasks | excluded: not_in_sales_scope |
| integration_browser | none | an API account (System Administrator profile) loading leads daily, opened once in a browser (A-40) | excluded: integration_user |
| integration_licence | none | API logins on the 'Salesforce Integration' licence ('Minimum Access - API Only Integrations') | excluded: integration_user |
| viewing_director, viewing_manager | hierarchy | log in every working day and record nothing; the manager's 2 reps are steady | measured (they manage measured people), login_only |

The sales team's manager is steady; the support manager manages only people outside sales, so is
outside sales too; the viewing director manages a manager who manages sellers, two levels down.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from pipelines.sample_org.ids import make_id
from pipelines.sample_org.personas import CAST_BADGES

# The org's licences (Name → LicenseDefinitionKey), profiles (Name → licence, API-only) and roles,
# in the order their Ids are given (the first ones are the org's from before these people).
LICENSES = {"Salesforce": "SFDC", "Salesforce Platform": "AUL", "Salesforce Integration": "SFDC_INTEGRATION"}
PROFILES: dict[str, tuple[str, bool]] = {
    "System Administrator": ("Salesforce", False),
    "Standard User": ("Salesforce", False),
    "Sales Manager": ("Salesforce", False),
    "Integration User": ("Salesforce", True),
    "Minimum Access - Salesforce": ("Salesforce", False),
    "Minimum Access - API Only Integrations": ("Salesforce Integration", True),
    "Custom: Support Profile": ("Salesforce", False),
    "Standard Platform User": ("Salesforce Platform", False),
}
ROLES = ["VP Sales", "Sales Manager", "Account Executive", "SDR", "Support Manager", "Support Agent", "Analyst",
         "Operations", "Director of Sales"]
ROUTED_LEADS = 3  # closed web leads each login-only rep owns (routed to them by the integration)


def plant_who_is_measured(b: Any) -> None:
    """Plant the people above in the generator `b` (a `_Builder`)."""
    if sum(p.role == "rep" for p in b.people) < 10:
        return
    last, vp = b.d - 1, b.people[0]

    def person(role: str, persona: str, manager: Any, **kwargs: Any) -> Any:
        p = b._person(role, persona, manager.id if manager else None, **kwargs)
        p.truth.update(CAST_BADGES.get(persona, {}))
        return p

    # --- sales: how people sign in, the org's own picklists, the boundary of integration accounts
    sales = person("manager", "steady", vp)
    b._logins(sales)
    b._records(sales)
    for persona, switch_day, login_type in (("sso_rep", 0, "Third Party SSO"), ("lightning_login", last - 29, "Lightning Login"),
                                            ("passwordless", last - 19, "Passwordless Login")):
        p = person("rep", persona, sales)
        days = _working_days(b, p, 0.9)
        b._interactive_logins(p, days & (np.arange(b.d) < switch_day))
        b._interactive_logins(p, days & (np.arange(b.d) >= switch_day), login_type)
        p.login_days = days
        b._records(p)
    p = person("rep", "sso_login_only", sales)
    b._interactive_logins(p, _working_days(b, p, 0.9), "Third Party SSO")

    p = person("rep", "new_status_neglecter", sales)
    p.rates = (0.0, *p.rates[1:])  # their only open leads are the neglected ones
    b._interactive_logins(p, _working_days(b, p, 0.9))
    b._records(p)
    for k in range(8):
        b._lead(p, b.ms(last - 20 - 5 * k, 10 + k / 10), touched=False, status="New")

    for persona, backs, opportunity_type in (("unlogged_new_customer", (50, 35, 20, 8), "New Customer"),
                                             ("empty_type_unlogged", (45, 25, 10), None)):
        p = _seller_without_other_deals(b, person("rep", persona, sales))
        for back in backs:
            _deal(b, p, last - back, opportunity_type)
    p = _seller_without_other_deals(b, person("rep", "empty_type_upsell", sales))
    _, won_account = _deal(b, p, last - 130, "New Customer", close_day=last - 110, won=True)
    for back in (60, 40, 15):
        _deal(b, p, last - back, None, account=won_account)
    p = _seller_without_other_deals(b, person("rep", "trail_keeper_new_customer", sales))
    for back in (40, 30, 20, 10):
        account = b._account(p, b.ms(last - back - 5, 9))
        b._event(p, b.ms(last - back - 3, 11), target=("account", None, account), subject="Discovery call")
        _deal(b, p, last - back, "New Customer", account=account)

    p = person("rep", "dormant_long", sales)
    active = np.zeros(b.d, dtype=bool)
    active[np.flatnonzero(p.working & (np.arange(b.d) >= max(p.created_day, 0)))[:10]] = True
    b._interactive_logins(p, active)
    _sync_client_logins(b, p)
    for day in np.flatnonzero(active).tolist():
        b._task(p, b.ms(day, 11), target=("none", None, None))
    b._lead(p, b.ms(int(np.flatnonzero(active)[0]), 11.5), touched=False, status="Closed - Not Converted")

    for back in (25, 35):
        p = person("rep", "frozen_leaver", sales)
        p.active_until, p.outlook = last - back, False  # a frozen user cannot log in, nor can their sync client
        b._logins(p)
        b._records(p)
        for k in range(6):
            b._lead(p, b.ms(p.active_until - 10 - 3 * k, 10), touched=False)
        p.frozen_on = p.active_until + 2
        p.truth["expected_exclusion"] = "frozen"

    # --- people outside sales ------------------------------------------------------------------
    support = person("manager", "support_manager", vp, profile="Custom: Support Profile", user_role="Support Manager")
    agents = [person("rep", "support_agent", support, profile="Custom: Support Profile", user_role="Support Agent")
              for _ in range(3)]
    for p, tasks_per_day in ((support, 0.5), *((agent, 2.5) for agent in agents)):
        b._interactive_logins(p, _working_days(b, p, 0.9))
        _case_work(b, p, tasks_per_day)
    others = [person("rep", "analyst", vp, user_role="Analyst"),
              person("rep", "admin", None, profile="System Administrator", user_role="Operations"),
              *(person("rep", "platform_user", None, profile="Standard Platform User", user_role="Operations")
                for _ in range(2))]
    for p in others:
        b._interactive_logins(p, _working_days(b, p, 0.85))
    for day in np.flatnonzero(others[2].login_days).tolist():  # a Platform user's own to-dos: on nothing
        b._task(others[2], b.ms(day, 11), target=("none", None, None))
    for p in [support, *agents, *others]:
        p.truth["expected_exclusion"] = "not_in_sales_scope"

    integration = person("integration", "integration_browser", None, name="Marketing Cloud Connector",
                         profile="System Administrator")
    b._logins(integration)
    b._records(integration)
    once = np.zeros(b.d, dtype=bool)
    once[max(last - 40, 0)] = True
    b._interactive_logins(integration, once)
    integration = person("integration", "integration_licence", None, name="Data Cloud Sync",
                         profile="Minimum Access - API Only Integrations")
    b._logins(integration)

    # --- a hierarchy: a director of a manager of sellers, neither recording anything ------------
    director = person("manager", "viewing_director", vp, user_role="Director of Sales")
    manager = person("manager", "viewing_manager", director)
    for p in (director, manager):
        b._interactive_logins(p, _working_days(b, p, 0.9))
    for _ in range(2):
        p = person("rep", "steady", manager)
        b._logins(p)
        b._records(p)


def give_login_only_reps_their_routed_leads(b: Any) -> None:
    """Each login-only rep owns `ROUTED_LEADS` web leads the integration created and routed to them,
    closed since (so they are in sales scope, as a rep who logs in and records nothing is): the
    first closed leads of the integration's, in the order they were created. No random draw: the
    rest of the org stays the same."""
    leads = b.cols.columns["Lead"]
    integrations = {p.id for p in b.people if p.role == "integration"}
    routable = iter([row for row, (owner, status) in enumerate(zip(leads["OwnerId"], leads["Status"]))
                     if owner in integrations and status == "Closed - Not Converted"])
    for p in b.people:
        if p.role == "rep" and p.persona in ("login_only", "sso_login_only"):
            for row in [next(routable, None) for _ in range(ROUTED_LEADS)]:
                if row is not None:
                    leads["OwnerId"][row] = p.id


def _working_days(b: Any, p: Any, share: float) -> np.ndarray:
    """The working days the person exists on, each kept with probability `share`."""
    return (np.arange(b.d) >= max(p.created_day, 0)) & p.working & (b.rng.random(b.d) < share)


def _seller_without_other_deals(b: Any, p: Any) -> Any:
    """A rep working as usual (logins, tasks, events) whose deals are only the planted ones: no
    leads either, which would convert into deals of their own."""
    p.rates = (0.0, 0.0, p.rates[2], p.rates[3])
    b._interactive_logins(p, _working_days(b, p, 0.9))
    b._records(p)
    return p


def _sync_client_logins(b: Any, p: Any) -> None:
    """Salesforce for Outlook logging in on the person's behalf every day, early in the morning."""
    days = np.flatnonzero(np.arange(b.d) >= max(p.created_day, 0))
    count = len(days)
    b.login_chunks.append({
        "LoginTime": b.start_ms + days * 86_400_000 + (b.rng.uniform(5.0, 7.0, count) * 3_600_000).astype(np.int64),
        "LoginType": np.full(count, "Remote Access 2.0", dtype=object),
        "Application": np.full(count, "Salesforce for Outlook", dtype=object),
        "Status": np.full(count, "Success", dtype=object), "UserId": np.full(count, p.id, dtype=object),
    })


def _deal(b: Any, p: Any, created_day: int, opportunity_type: str | None, *, account: str | None = None,
          close_day: int | None = None, won: bool | None = None) -> tuple[str, str]:
    """An opportunity of `p`'s created on `created_day` at 11:00 with its stage history: open (last
    moved two days before the last day, its close date 45 days after it) or, with `won`, closed on
    `close_day`. Nothing is logged on it or its account here."""
    created = b.ms(created_day, 11)
    account = account or b._account(p, created)
    closed = won is not None
    close_day = close_day if closed else b.d - 1 + 45
    stages = [(created, "Prospecting"), (b.ms(close_day, 12) if closed else b.ms(b.d - 3, 10),
                                         ("Closed Won" if won else "Closed Lost") if closed else "Qualification")]
    close_date = b.start + dt.timedelta(days=close_day)
    opp_id = b.cols.new_id("Opportunity")
    for at, stage in stages:
        b.cols.add("OpportunityHistory", {
            "OpportunityId": opp_id, "StageName": stage, "Amount": 50000.0, "CloseDate": close_date,
            "Probability": 100.0 if stage == "Closed Won" else 0.0 if stage == "Closed Lost" else 20.0,
            "CreatedDate": at, "CreatedById": p.id, "SystemModstamp": at, "IsDeleted": False,
        })
    stage, modified = stages[-1][1], stages[-1][0]
    b.cols.add("Opportunity", {
        "Id": opp_id, "Name": f"Deal {b.cols.counters['Opportunity']}", "AccountId": account, "StageName": stage,
        "IsClosed": closed, "IsWon": bool(won), "Amount": 50000.0, "CloseDate": close_date, "Type": opportunity_type,
        "ForecastCategory": "Closed" if won else "Omitted" if closed else "Pipeline",
        "Probability": 100.0 if won else 0.0 if closed else 20.0, "OwnerId": p.id, "CreatedById": p.id,
        "CreatedDate": created, "LastStageChangeDate": modified, "LastModifiedDate": modified, "SystemModstamp": modified,
        "IsDeleted": False,
    })
    return opp_id, account


def _case_work(b: Any, p: Any, tasks_per_day: float) -> None:
    """A service agent's day: now and then a new Case, and calls logged on their Cases (WhatId a
    Case, WhoId its contact): work, but not sales work."""
    cases: list[str] = []
    for day in np.flatnonzero(p.login_days).tolist():
        at = b.ms(day, b.work_hour())
        if not cases or b.rng.random() < 0.4:
            cases.append(b.cols.add("Case", {
                "Subject": "Cannot log in to the portal", "Status": "New", "Origin": "Phone", "OwnerId": p.id,
                "CreatedDate": at, "CreatedById": p.id, "LastModifiedDate": at, "SystemModstamp": at, "IsDeleted": False,
            }))
        for _ in range(int(b.rng.poisson(tasks_per_day))):
            at = b.ms(day, b.work_hour())
            b.cols.add("Task", {
                "Subject": "Call", "Status": "Completed", "Priority": "Normal", "ActivityDate": b.date_of(at),
                "WhoId": make_id("003", len(cases)), "WhatId": cases[int(b.rng.integers(len(cases)))], "AccountId": None,
                "OwnerId": p.id, "CreatedById": p.id, "IsClosed": True, "TaskSubtype": "Call", "CompletedDateTime": at,
                "IsArchived": False, "CreatedDate": at, "LastModifiedDate": at, "SystemModstamp": at, "IsDeleted": False,
            })
