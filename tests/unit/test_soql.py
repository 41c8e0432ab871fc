from datetime import datetime, timezone, timedelta

import pytest

from pipelines.salesforce.soql import UnsafeIdentifier, datetime_literal, identifier, select_since


def test_select_since_is_inclusive_and_ordered_by_watermark_then_id():
    soql = select_since("Lead", ["Id", "Status"], "SystemModstamp", datetime(2024, 1, 15, 10, 20, 30, 999000))
    assert soql == (
        "SELECT Id, Status FROM Lead WHERE SystemModstamp >= 2024-01-15T10:20:30Z "
        "ORDER BY SystemModstamp ASC, Id ASC"
    )


def test_first_sync_reads_everything():
    assert select_since("User", ["Id", "Profile.Name"], "SystemModstamp", None) == (
        "SELECT Id, Profile.Name FROM User ORDER BY SystemModstamp ASC, Id ASC"
    )


def test_datetime_literal_is_utc_and_floored_to_the_second():
    local = datetime(2024, 1, 15, 2, 20, 30, 500000, tzinfo=timezone(timedelta(hours=-8)))
    assert datetime_literal(local) == "2024-01-15T10:20:30Z"


@pytest.mark.parametrize(
    "bad",
    ["Id, (SELECT Id FROM Tasks)", "Status FROM Lead WHERE Name = 'x'", "Name--", "a.b.c", "", "1Field", "Name'"],
)
def test_crafted_names_are_rejected(bad):
    with pytest.raises(UnsafeIdentifier, match="not a Salesforce field or object name"):
        identifier(bad)
    with pytest.raises(UnsafeIdentifier):
        select_since("Lead", ["Id", bad], "SystemModstamp", None)


def test_relationship_and_custom_names_pass():
    assert identifier("UserRole.Name") == "UserRole.Name"
    assert identifier("Region__c") == "Region__c"
