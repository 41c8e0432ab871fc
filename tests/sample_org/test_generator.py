import datetime as dt
from collections import Counter

import pyarrow.compute as pc
import pytest

from pipelines.sample_org.generator import GeneratorConfig, generate_org
from pipelines.sample_org.ids import checksum
from pipelines.sample_org.schema import OBJECTS


@pytest.fixture(scope="module")
def org():
    return generate_org(GeneratorConfig())


def test_same_config_same_org(org):
    again = generate_org(GeneratorConfig())
    for name, table in org.tables.items():
        assert table.equals(again.tables[name]), name
    assert org.ground_truth.equals(again.ground_truth)
    other = generate_org(GeneratorConfig(seed=11))
    assert not other.tables["Task"].equals(org.tables["Task"])


def test_tables_follow_the_schema_and_ids_are_valid(org):
    for name, table in org.tables.items():
        sobject = OBJECTS[name]
        assert table.column_names == sobject.field_names
        ids = table.column("Id").to_pylist()
        assert len(ids) == len(set(ids)), name
        for record_id in ids[:500]:
            assert len(record_id) == 18 and record_id.startswith(sobject.key_prefix)
            assert record_id[15:] == checksum(record_id[:15])


@pytest.mark.parametrize(
    ("child", "field", "parent"),
    [("LoginHistory", "UserId", "User"), ("Lead", "OwnerId", "User"), ("Opportunity", "OwnerId", "User"),
     ("Task", "CreatedById", "User"), ("User", "ManagerId", "User"), ("User", "ProfileId", "Profile"),
     ("Lead", "ConvertedOpportunityId", "Opportunity"), ("OpportunityHistory", "OpportunityId", "Opportunity"),
     ("Opportunity", "AccountId", "Account"), ("Task", "WhatId", None)],
)
def test_references_point_at_records_that_exist(org, child, field, parent):
    values = {v for v in org.tables[child].column(field).to_pylist() if v}
    if parent is None:  # polymorphic: an opportunity or an account
        parent_ids = set(org.tables["Opportunity"].column("Id").to_pylist()) | set(org.tables["Account"].column("Id").to_pylist())
    else:
        parent_ids = set(org.tables[parent].column("Id").to_pylist())
    assert values and values <= parent_ids


def test_nothing_is_dated_after_the_end_date(org):
    end = dt.datetime(2026, 11, 16, tzinfo=dt.timezone.utc)
    for name, table in org.tables.items():
        for f in OBJECTS[name].fields:
            if f.type == "datetime" and f.name not in ("StartDateTime", "EndDateTime", "ActivityDateTime"):
                latest = pc.max(table.column(f.name)).as_py()
                assert latest is None or latest < end, f"{name}.{f.name}"


def test_modstamps_never_precede_creation(org):
    for name in ("Lead", "Opportunity", "Task", "Event"):
        t = org.tables[name]
        assert pc.all(pc.greater_equal(t.column("SystemModstamp"), t.column("CreatedDate"))).as_py(), name


def test_the_default_org_holds_every_persona(org):
    personas = Counter(org.ground_truth.column("persona").to_pylist())
    for persona in ["champion", "steady", "login_only", "dormant", "deal_at_close", "unlogged_leads",
                    "lead_neglecter", "stale_pipeline", "declining", "batch_logger", "new_hire", "integration"]:
        assert personas[persona] >= 1, persona
    assert personas["champion"] + personas["steady"] > len(org.ground_truth) / 3


def test_users_without_a_manager_are_planted_flagged_and_not(org):
    truth = org.ground_truth.to_pylist()
    without = [u for u in truth if u["manager_id"] is None and not u["is_integration"] and u["persona"] not in ("inactive", "system")]
    assert {u["persona"] for u in without} >= {"login_only", "steady"}
    assert any(u["expected_flags"] for u in without) and any(not u["expected_flags"] for u in without)


def test_events_show_as_busy_but_the_time_away_of_the_people_on_leave(org):
    truth = {r["user_id"]: r["persona"] for r in org.ground_truth.to_pylist()}
    events = org.tables["Event"].to_pylist()
    assert {e["ShowAs"] for e in events} == {"Busy", "OutOfOffice"}
    away = sorted(truth[e["OwnerId"]] for e in events if e["ShowAs"] == "OutOfOffice")
    assert away == ["back_from_leave", "on_leave"]


def test_dormant_users_still_have_background_sync_logins(org):
    truth = org.ground_truth.to_pylist()
    dormant = {r["user_id"] for r in truth if r["persona"] == "dormant"}
    logins = org.tables["LoginHistory"].to_pylist()
    last_two_weeks = dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc)
    for user in dormant:
        recent = [r for r in logins if r["UserId"] == user and r["LoginTime"] >= last_two_weeks]
        assert recent and all(r["Application"] == "Salesforce for Outlook" for r in recent)


def test_recognition_and_casei_are_planted_with_their_truth(org):
    truth = org.ground_truth.to_pylist()
    by_persona = {r["persona"]: r for r in truth}
    assert {r["team_weakest_pillar"] for r in truth if r["team_weakest_pillar"]} == {
        "culture", "agility", "sponsorship", "engagement", "involvement"}
    held = {b for r in truth for b in r["expected_badges"]}
    assert held == {"steady_hand", "iron_streak", "clean_trail", "pipeline_keeper", "comeback", "most_improved"}
    logins = org.tables["LoginHistory"].to_pylist()
    absent = {r["user_id"] for r in truth if r["persona"] == "absent_leader"}
    assert len(absent) == 2 and not [r for r in logins if r["UserId"] in absent]  # never logged in: measured, dormant
    broken = by_persona["streak_broken"]["user_id"]
    days = {r["LoginTime"].date() for r in logins if r["UserId"] == broken}
    working = [dt.date(2026, 11, 15) - dt.timedelta(days=n) for n in range(14)]
    working = sorted(d for d in working if d.weekday() < 5)[-7:]  # the last 7 working days
    assert working[0] not in days and all(d in days for d in working[1:])
    assert by_persona["streak_broken"]["current_streak_days"] == 6
