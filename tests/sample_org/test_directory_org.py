"""The sample org serving records from a directory of JSON Lines files, one per object."""

import pytest

from pipelines.salesforce.auth import Credentials, connect
from pipelines.sample_org.org import SampleOrg
from pipelines.sample_org.store import OrgStore

USERS = (
    '{"Id": "0055g0000000001AAA", "Name": "Ann Adams", "IsActive": true, "UserType": "Standard", '
    '"ProfileId": "00e5g0000000001AAA", "SystemModstamp": "2026-11-01T09:30:00.000+0000"}\n'
    '{"Id": "0055g0000000002AAA", "Name": "Ben Baker", "IsActive": false, "UserType": "Standard", '
    '"ProfileId": null, "SystemModstamp": "2026-11-02T10:00:00.000+0000"}\n'
)
PROFILES = '{"Id": "00e5g0000000001AAA", "Name": "Standard User"}\n'


def test_records_from_files_are_served_as_salesforce_would(tmp_path):
    (tmp_path / "User.jsonl").write_text(USERS)
    (tmp_path / "Profile.jsonl").write_text(PROFILES)
    with SampleOrg.from_directory(tmp_path) as org:
        sf = connect(Credentials(instance_url=org.url, access_token=org.issue_token()), session=org.client_session())
        records = sf.query("SELECT Id, Name, IsActive, Profile.Name, SystemModstamp FROM User ORDER BY Name")["records"]
    assert [(r["Name"], r["IsActive"], r["Profile"] and r["Profile"]["Name"], r["SystemModstamp"]) for r in records] == [
        ("Ann Adams", True, "Standard User", "2026-11-01T09:30:00.000+0000"),
        ("Ben Baker", False, None, "2026-11-02T10:00:00.000+0000"),
    ]


def test_a_field_the_object_lacks_is_an_error_naming_file_line_and_field(tmp_path):
    (tmp_path / "Lead.jsonl").write_text('{"Id": "00Q5g0000000001AAA"}\n{"Id": "00Q5g0000000002AAA", "Region__c": "EMEA"}\n')
    with pytest.raises(ValueError, match=r"Lead.jsonl line 2: Lead has no field 'Region__c'"):
        OrgStore.from_directory(tmp_path)
