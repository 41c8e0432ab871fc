"""The fields each flag rule cannot judge without: read from the rules' own YAML, every flag has
its list, and every field listed is one Flywheel extracts (so `flywheel check` can see it hidden)."""

from pipelines.dbt.rule_fields import rule_fields
from pipelines.dbt.vocabulary import flags
from pipelines.salesforce.objects import OBJECTS_BY_NAME


def test_every_flag_names_the_fields_it_needs_and_flywheel_extracts_each():
    needed = rule_fields()
    assert {rule for rules in needed.values() for rule in rules} == set(flags())
    for field in needed:
        name, column = field.split(".")
        assert column in OBJECTS_BY_NAME[name].fields, field


def test_the_fields_the_issue_names_blind_the_rules_that_read_them():
    needed = rule_fields()
    assert needed["Lead.OwnerId"] == ("neglected_leads",)
    assert "deal_logged_at_close" in needed["Opportunity.StageName"]
    assert set(needed["LoginHistory.LoginType"]) == {"dormant", "login_only", "declining_usage"}
    assert "Lead.LeadSource" not in needed and "User.Title" not in needed  # shown, never judged
