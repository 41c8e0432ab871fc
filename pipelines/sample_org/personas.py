"""The behaviours the sample org plants, and the flags each should raise under the contract.

Each user gets one persona. Most people are healthy; the rest show one pattern of silent
non-use the way real people do, with noise. `near_*` personas sit close to a threshold on the
safe side, so a rule that fires too early is caught.

| persona | planted behaviour | expected flags |
| --- | --- | --- |
| champion, steady | log in most work days, record leads, deals, tasks, events as they work | none |
| near_neglect | healthy, but 4 old untouched leads (the rule needs 5) | none |
| near_late | healthy, but 1 of 3 closed deals entered at close (33% < 50%) | none |
| near_decline | healthy, activity in the last 14 days at ~65% of usual (the rule needs < 40%) | none |
| near_stale | healthy, 2 open deals past close date (the rule needs 3) | none |
| login_only | logs in nearly every work day, records nothing | login_only |
| dormant | healthy until 15–22 days ago, then no interactive login; Outlook sync still logs in daily | dormant, declining_usage |
| declining | healthy for months, then 2–3 logins and a trickle of records in the last 14 days | declining_usage |
| deal_at_close | most deals created 0–2 days before they close, some first at a closed stage | deal_logged_at_close |
| unlogged_leads | new-business deals with no lead and no prior activity on the deal or account | unlogged_leads |
| lead_neglecter | 7–12 leads weeks old, never touched, still 'Open - Not Contacted' | neglected_leads |
| stale_pipeline | 4–7 open deals past their close date, untouched for 35+ days | stale_pipeline |
| batch_logger | records only twice a week, 8–12 at a time within minutes | batch_entry |
| new_hire | created 3–12 days ago | none (onboarding) |
| on_leave | healthy, then away since 16 days before the last day (10 more to come): an Out of Office event, no login, Outlook still syncing | none (days away are not counted) |
| back_from_leave | healthy, away three weeks (an Out of Office event) and back 4 days before the last day | none |

The two people away are planted after everyone else (orgs of 10 reps or more), so the rest of the
org is the same with them as without them: without the absence rules they would be flagged
`dormant` and `declining_usage`.

After them come the people of `leave_and_handovers.py` (its table says what each plants):

| persona | expected flags |
| --- | --- |
| leave_out_of_office, back_out_of_office, leave_file_long, back_file_short, leave_overlapping | none |
| dormant_then_leave | dormant, declining_usage (no login for 14 present days before the leave; 100+ days of history) |
| back_13_present_days | declining_usage (not dormant: the 14th present day back, before the leave, has a login; 100+ days of history) |
| back_6_present_days | none (6 present days in the last 14: declining_usage not judged) |
| handed_leads_recent | none (old leads, assigned 2 and 6 days ago) |
| handed_leads_neglected | neglected_leads (assigned 25 days ago, never touched) |
| departed | none (inactive: not measured) |

The VP and the first `login_only` and `steady` reps have no `ManagerId`: they form the team "no
manager in Salesforce", flagged and not.

## Recognition and CASEI

Planted after everyone else too (orgs of 10 reps or more), in teams of their own under the VP. The
ground truth names, per person, the badges that must be held (`expected_badges`) and must not be
(`unexpected_badges`), the day streak where it is known, and on each planted team's manager the
team's weakest pillar with its value (and a tolerance where the value depends on chance).

| persona | planted behaviour | badges held / not held |
| --- | --- | --- |
| streak_keeper | logs in and records tasks every working day of the history | iron_streak, steady_hand |
| streak_broken | the same, but no login on the 7th working day from the end: a streak of 6 | steady_hand / not iron_streak |
| weekly_streaker | logs in and records Monday to Wednesday only: 3 active days a week | steady_hand / not iron_streak |
| trail_keeper | a steady rep whose 4 new-business deals (last 40 days) each follow a logged meeting | clean_trail |
| near_trail | the same and one new-business deal with nothing before it (1 of 5: no flag) | not clean_trail |
| pipeline_tender | a steady rep with 4 open deals opened in the last 15 days, all current | pipeline_keeper |
| near_pipeline | 3 current open deals and one past its close date (1 stale: no flag) | not pipeline_keeper |
| comeback | logs in and records nothing (login_only) until 28 days before the last day, then works | comeback |
| improver | logs in on Tuesdays only, then every working day for the last 26 days, in a team of 3 champions | most_improved (the champions: not) |

| team (manager / reps) | weakest pillar | its value |
| --- | --- | --- |
| absent_leader (never logs in) / 3 steady | involvement | 0 (the manager's score) |
| steady, under an absent_leader director / 3 steady | sponsorship | 0 (the director's score); the director's own team (that manager): involvement 0 |
| steady / 3 slow_toucher (a lead's first task 340–420 hours after it; their other tasks are on nothing in particular) | agility | 50 (touch speed 0, no flag opened) |
| steady / 3 lukewarm (log in on Tuesdays, one lead a week moved on without a task: tier at_risk) | engagement | 0 |
| steady / 3 no_routine (log in most days, record only on Tuesdays and Thursdays) | culture | about 36 (± 12) |

An absent_leader is `dormant` (never logged in) and so earns nothing.

## Each person's own calendar

Every team works in its own zone (calendar.py), on its own working days less the holidays that
cover it; the truths above (streak lengths, who works when) are counted on each person's calendar.
Planted last, in a team of their own under the VP, east of UTC+9 where the org has a team zone
there (Sydney by default):

| persona | planted behaviour | badges held |
| --- | --- | --- |
| streak_20_days | logs in and records on every working day of the last 20, not on the one before: in Sydney, each Monday morning is Sunday in UTC | iron_streak (a streak of exactly 20), steady_hand |
| night_owl_no_zone | no TimeZoneSidKey: works every working evening 20:30–22:00 on the org's zone (New York), after midnight UTC | iron_streak, steady_hand (on UTC dates their Mondays would be empty) |
| night_owl_bad_zone | the same with a TimeZoneSidKey that is not a zone (`GMT+10 Sydney`) | iron_streak, steady_hand |

## Who is measured

Planted last by `who_is_measured.py` (orgs of 10 reps or more; its table says what each plants).
The ground truth names, per person, the reason `excluded_users` must give (`expected_exclusion`:
`inactive` for the inactive and departed, `not_standard_user` for the Automated Process user,
`integration_user` for every integration account, and the reasons planted there), null for the
measured. An excluded person must hold no flag and no badge.

| persona | expected flags / badges |
| --- | --- |
| sso_rep, lightning_login, passwordless, empty_type_upsell | none |
| sso_login_only, viewing_director, viewing_manager | login_only |
| new_status_neglecter | neglected_leads (its untouched leads are in the org's default status 'New') |
| unlogged_new_customer, empty_type_unlogged | unlogged_leads ('New Customer' deals; deals with no Type on new accounts) |
| trail_keeper_new_customer | badge clean_trail ('New Customer' deals, each after a logged meeting) |
| dormant_long | dormant (interactive on 10 days of ~180 with Outlook every day: 5.6%, above 5%) |
| frozen_leaver | excluded: frozen |
| support_manager, support_agent, analyst, admin, platform_user | excluded: not_in_sales_scope |
| integration_browser, integration_licence | excluded: integration_user |

The login_only reps (and nobody else) own three web leads each, routed to them on creation by the
Marketo integration and closed since: people who own leads are in sales scope, as a rep who logs
in and records nothing still does.
"""

from __future__ import annotations

EXPECTED_FLAGS: dict[str, tuple[str, ...]] = {
    "dormant": ("dormant", "declining_usage"),
    "login_only": ("login_only",),
    "declining": ("declining_usage",),
    "deal_at_close": ("deal_logged_at_close",),
    "unlogged_leads": ("unlogged_leads",),
    "lead_neglecter": ("neglected_leads",),
    "stale_pipeline": ("stale_pipeline",),
    "batch_logger": ("batch_entry",),
    # leave_and_handovers.py
    "dormant_then_leave": ("dormant", "declining_usage"),
    "back_13_present_days": ("declining_usage",),
    "handed_leads_neglected": ("neglected_leads",),
    # recognition and CASEI
    "absent_leader": ("dormant",),
    # who is measured (who_is_measured.py)
    "sso_login_only": ("login_only",),
    "viewing_director": ("login_only",),
    "viewing_manager": ("login_only",),
    "new_status_neglecter": ("neglected_leads",),
    "unlogged_new_customer": ("unlogged_leads",),
    "empty_type_unlogged": ("unlogged_leads",),
    "dormant_long": ("dormant",),
}

# Shares of sales reps (managers draw from MANAGER_MIX). Healthy people are most of an org.
REP_MIX: dict[str, float] = {
    "champion": 0.14,
    "steady": 0.26,
    "near_neglect": 0.03,
    "near_late": 0.03,
    "near_decline": 0.03,
    "near_stale": 0.03,
    "login_only": 0.06,
    "dormant": 0.06,
    "declining": 0.06,
    "deal_at_close": 0.06,
    "unlogged_leads": 0.06,
    "lead_neglecter": 0.06,
    "stale_pipeline": 0.06,
    "batch_logger": 0.06,
}
MANAGER_MIX: dict[str, float] = {"champion": 0.3, "steady": 0.45, "login_only": 0.25}
# The first rep of each of these personas has no ManagerId (beside the VP, who never has one).
NO_MANAGER_PERSONAS = ("login_only", "steady")
NEW_HIRE_SHARE = 0.03


def expected_flags(persona: str) -> list[str]:
    return list(EXPECTED_FLAGS.get(persona, ()))


# The exclusion reason of everyone of a role who is never measured; the others' is planted (truth).
EXCLUDED_ROLES = {"integration": "integration_user", "inactive": "inactive", "system": "not_standard_user"}


def expected_exclusion(role: str, truth: dict) -> str | None:
    """The reason excluded_users must give for a person, None when they are measured."""
    return EXCLUDED_ROLES.get(role) or truth.get("expected_exclusion")


# The reps of the calendar team (east of UTC+9 where the org has a zone there): a streak of exactly
# 20 working days, and two night owls without a valid zone of their own, on the org's.
CALENDAR_REPS = ["streak_20_days", "night_owl_no_zone", "night_owl_bad_zone"]
# The reps of the recognition team, and what each must (and must not) hold.
RECOGNITION_REPS = ["streak_keeper", "streak_broken", "weekly_streaker", "trail_keeper", "near_trail",
                    "pipeline_tender", "near_pipeline", "comeback"]
CAST_BADGES: dict[str, dict[str, list[str]]] = {
    "streak_keeper": {"expected_badges": ["iron_streak", "steady_hand"]},
    "streak_broken": {"expected_badges": ["steady_hand"], "unexpected_badges": ["iron_streak"]},
    "weekly_streaker": {"expected_badges": ["steady_hand"], "unexpected_badges": ["iron_streak"]},
    "trail_keeper": {"expected_badges": ["clean_trail"]},
    "near_trail": {"unexpected_badges": ["clean_trail"]},
    "pipeline_tender": {"expected_badges": ["pipeline_keeper"]},
    "near_pipeline": {"unexpected_badges": ["pipeline_keeper"]},
    "comeback": {"expected_badges": ["comeback"]},
    "improver": {"expected_badges": ["most_improved"]},
    "lukewarm": {"unexpected_badges": ["steady_hand", "iron_streak"]},
    "streak_20_days": {"expected_badges": ["iron_streak", "steady_hand"]},
    "night_owl_no_zone": {"expected_badges": ["iron_streak", "steady_hand"]},
    "night_owl_bad_zone": {"expected_badges": ["iron_streak", "steady_hand"]},
    "trail_keeper_new_customer": {"expected_badges": ["clean_trail"]},
}
# A team planted for each CASEI pillar to be its weakest: (manager persona, rep personas); the
# sponsorship team's manager reports to an absent_leader director instead of the VP.
CASEI_TEAMS: dict[str, tuple[str, list[str]]] = {
    "culture": ("steady", ["no_routine"] * 3),
    "agility": ("steady", ["slow_toucher"] * 3),
    "sponsorship": ("steady", ["steady"] * 3),
    "engagement": ("steady", ["lukewarm"] * 3),
    "involvement": ("absent_leader", ["steady"] * 3),
}
# The weakest pillar's value on each planted team, and how far chance may move it.
CASEI_TRUTH: dict[str, tuple[float, float]] = {
    "culture": (36.0, 12.0), "agility": (50.0, 0.0), "sponsorship": (0.0, 0.0), "engagement": (0.0, 0.0),
    "involvement": (0.0, 0.0),
}
