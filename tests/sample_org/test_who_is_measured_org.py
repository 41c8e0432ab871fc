"""The sample org serves the objects that decide who is measured as Salesforce does: describe
lists picklist values (the org's renamed default lead status) and which fields group; GROUP BY
answers AggregateResult records in one batch and Bulk refuses it; UserLogin has no SystemModstamp."""

from org_api import DATA, api, org  # noqa: F401  (fixtures)

from pipelines.sample_org.schema import LEAD_STATUSES


def describe(api, name):
    answer = api("GET", f"{DATA}/sobjects/{name}/describe")
    assert answer.status_code == 200, answer.text
    return {f["name"]: f for f in answer.json()["fields"]}


def test_describe_lists_the_org_picklists_with_its_default(api):
    status = describe(api, "Lead")["Status"]
    assert [v["value"] for v in status["picklistValues"]] == list(LEAD_STATUSES)
    assert [v["value"] for v in status["picklistValues"] if v["defaultValue"]] == ["New"]
    types = [v["value"] for v in describe(api, "Opportunity")["Type"]["picklistValues"]]
    assert "New Customer" in types and "New Business" in types
    lead = describe(api, "Lead")
    assert lead["OwnerId"]["groupable"] and not lead["CreatedDate"]["groupable"]
    assert lead["Company"]["picklistValues"] == []


def test_user_login_has_no_modstamp_and_profiles_carry_licence_and_api_only(api):
    assert {"Id", "UserId", "IsFrozen", "LastModifiedDate"} <= set(describe(api, "UserLogin"))
    assert "SystemModstamp" not in describe(api, "UserLogin") and "CreatedDate" not in describe(api, "UserLogin")
    profile = describe(api, "Profile")
    assert profile["UserLicenseId"]["referenceTo"] == ["UserLicense"] and profile["PermissionsApiUserOnly"]["type"] == "boolean"
    assert {"ApiName", "IsDefault", "SystemModstamp"} <= set(describe(api, "LeadStatus"))


def test_group_by_answers_aggregate_results_in_one_batch(org, api):
    answer = api("GET", f"{DATA}/query/", params={"q": "SELECT OwnerId FROM Lead GROUP BY OwnerId"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    owners = {r["OwnerId"] for r in org.store.records("Lead")}
    assert body["done"] and body["totalSize"] == len(owners) and "nextRecordsUrl" not in body
    assert {r["OwnerId"] for r in body["records"]} == owners
    assert body["records"][0]["attributes"] == {"type": "AggregateResult"}


def test_bulk_refuses_group_by(api):
    job = api("POST", f"{DATA}/jobs/query", json={"operation": "query", "query": "SELECT OwnerId FROM Lead GROUP BY OwnerId"})
    assert job.status_code == 400 and job.json()[0]["errorCode"] == "INVALIDJOB"
