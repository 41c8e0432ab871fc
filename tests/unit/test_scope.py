"""`flywheel check`'s help with who is measured: LIKE patterns, the advice per profile and role,
and the groups of people who log in and own nothing (pure functions; the reads: test_cli.py)."""

from datetime import datetime

from pipelines.cli.scope import advice, like, scope_groups

VARS = {"non_seller_licenses": ["Salesforce Platform"], "non_seller_profiles": ["%Support%"], "non_seller_roles": [],
        "seller_profiles": [], "seller_roles": ["Field%"], "sales_scope_days": 180}


def test_like_is_sql_like_and_case_sensitive():
    assert like("Custom: Support Profile", "%Support%")
    assert not like("custom: support profile", "%Support%")
    assert like("SDR", "SD_") and not like("SDRs", "SD_")
    assert like("a.b", "a.b") and not like("axb", "a.b")  # a dot is a dot
    assert not like(None, "%")


def test_advice_names_what_decides_a_profile_and_role():
    assert advice("Standard Platform User", "Ops", "Salesforce Platform", VARS) == (
        "already out: their licence Salesforce Platform is in non_seller_licenses")
    assert advice("Custom: Support Profile", "Agent", "Salesforce", VARS) == (
        "already out: non_seller_profiles / non_seller_roles match them")
    assert advice("Standard User", "Field Engineer", "Salesforce", VARS) == "kept in: seller_profiles / seller_roles match them"
    assert advice("Standard User", "Analyst", None, VARS) == (
        "the data rule leaves out those who also log no sales activity in 180 days; to take them all out set "
        'non_seller_profiles: ["Standard User"] (or non_seller_roles: ["Analyst"]), to keep them all in '
        'seller_profiles: ["Standard User"] (or seller_roles: ["Analyst"])')
    assert "non_seller_roles" not in advice("System Administrator", "(no role)", None, VARS)


def test_groups_count_who_logged_in_since_and_owns_nothing():
    def user(i, profile, role, last_login):
        return {"Id": i, "ProfileId": profile[:3], "Profile": {"Name": profile}, "UserRole": role and {"Name": role},
                "LastLoginDate": last_login}

    users = [user("a1", "Standard User", "Analyst", "2026-11-14T09:00:00.000+0000"),
             user("a2", "Standard User", "Analyst", "2026-11-14T09:00:00.000+0000"),
             user("a3", "Standard User", "Analyst", "2026-01-01T09:00:00.000+0000"),  # not since
             user("r1", "Standard User", "AE", "2026-11-14T09:00:00.000+0000"),  # owns a lead
             user("s1", "System Administrator", None, "2026-11-15T09:00:00.000+0000"),
             user("n1", "Standard User", "AE", None)]  # never logged in
    groups = scope_groups(users, {"r1"}, {"Sys": "Salesforce"}, VARS, datetime(2026, 5, 20))
    assert [(g.profile, g.role, g.license, g.active, g.logging_in_owning_nothing) for g in groups] == [
        ("Standard User", "Analyst", None, 3, 2), ("System Administrator", "(no role)", "Salesforce", 1, 1)]
