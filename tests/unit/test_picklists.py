"""The rules' vars held against the org's own picklists (describe's values): a value the org lacks
is said, one it holds is not; a hidden or value-less field is not judged."""

from pipelines.dbt.picklists import picklist_warnings

VARS = {"lead_initial_statuses": ["Open - Not Contacted"], "lead_closed_statuses": ["Closed - Converted"],
        "new_business_types": ["New Customer", "New Business"]}


def test_a_var_value_the_picklist_lacks_is_a_warning():
    [warning] = picklist_warnings("Opportunity", {"Type": ["New Customer", "Existing Customer - Upgrade"]}, VARS)
    assert warning == ("new_business_types names 'New Business', which the org's Opportunity.Type picklist does not "
                       "hold ('New Customer', 'Existing Customer - Upgrade'): the rule never meets that value; set "
                       "new_business_types in dbt_project.yml to the org's own values.")


def test_values_the_org_holds_are_not_said_and_other_objects_are_not_judged():
    statuses = {"Status": ["New", "Open - Not Contacted", "Closed - Converted"]}
    assert picklist_warnings("Lead", statuses, VARS) == []
    assert picklist_warnings("Lead", {"Status": ["MQL", "SQL"]}, VARS)[0].startswith("lead_initial_statuses names 'Open - Not Contacted'")
    assert picklist_warnings("Lead", {}, VARS) == []  # Status hidden: nothing to hold the vars against
    assert picklist_warnings("Task", {"Status": ["Completed"]}, VARS) == []
