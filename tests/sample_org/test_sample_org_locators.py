"""The sample org's query locators are single-use, as Salesforce documents, and a fault can
target one subrequest of a Composite call; over real HTTPS."""

import time

import pytest
import requests
from org_api import DATA, api, org  # noqa: F401 (fixtures)

TASKS = "SELECT Id FROM Task ORDER BY Id"
BATCH = {"Sforce-Query-Options": "batchSize=500"}
INVALID = [{"errorCode": "INVALID_QUERY_LOCATOR", "message": "invalid query locator"}]


def first_page(api):
    response = api("GET", f"{DATA}/queryAll/", params={"q": TASKS}, headers=BATCH)
    assert response.status_code == 200
    return response.json()


def test_a_locator_answers_once_then_is_refused(api):
    page = first_page(api)
    second = api("GET", page["nextRecordsUrl"])
    assert second.status_code == 200 and len(second.json()["records"]) == 500
    again = api("GET", page["nextRecordsUrl"])
    assert (again.status_code, again.json()) == (400, INVALID)
    # the cursor itself goes on from where it is
    third = api("GET", second.json()["nextRecordsUrl"])
    assert third.status_code == 200 and third.json()["records"][0]["Id"] > second.json()["records"][-1]["Id"]


def test_the_last_page_carries_no_locator_and_the_cursor_is_released(api):
    pages = [first_page(api)]
    while "nextRecordsUrl" in pages[-1]:
        pages.append(api("GET", pages[-1]["nextRecordsUrl"]).json())
    assert pages[-1]["done"] and len(pages) == -(-pages[0]["totalSize"] // 500) > 2  # pages of 500
    past = pages[0]["nextRecordsUrl"].rsplit("-", 1)[0] + f"-{sum(len(p['records']) for p in pages)}"
    assert (api("GET", past).status_code, api("GET", past).json()) == (400, INVALID)


def test_an_idle_locator_expires(org, api):
    org.locator_ttl = 0.2
    page = first_page(api)
    time.sleep(0.3)
    response = api("GET", page["nextRecordsUrl"])
    assert (response.status_code, response.json()) == (400, INVALID)


def test_a_released_cursor_is_refused_once(org, api):
    org.faults.release_cursor("Task")
    page = first_page(api)  # opening a query is not a Query More
    response = api("GET", page["nextRecordsUrl"])
    assert (response.status_code, response.json()) == (400, INVALID)
    assert api("GET", first_page(api)["nextRecordsUrl"]).status_code == 200


def test_a_fault_on_one_subrequest_leaves_the_others_standing(org, api):
    org.faults.fail_subrequest(1, index=1)
    response = api("POST", f"{DATA}/composite", json={"compositeRequest": [
        {"method": "GET", "url": f"{DATA}/queryAll/?q=SELECT+Id+FROM+Lead", "referenceId": "a"},
        {"method": "GET", "url": f"{DATA}/queryAll/?q=SELECT+Id+FROM+Task", "referenceId": "b"},
        {"method": "GET", "url": "@{b.nextRecordsUrl}", "referenceId": "c"},
        {"method": "GET", "url": f"{DATA}/limits", "referenceId": "d"},
    ]})
    assert response.status_code == 200
    got = {r["referenceId"]: (r["httpStatusCode"], r["body"]) for r in response.json()["compositeResponse"]}
    assert got["a"][0] == 200 and got["d"][0] == 200
    assert got["b"] == (503, [{"message": "Server temporarily unavailable", "errorCode": "SERVER_UNAVAILABLE"}])
    assert got["c"][0] == 400 and got["c"][1][0]["errorCode"] == "PROCESSING_HALTED"


def test_a_call_answered_then_dropped_has_used_its_locators(org, api):
    page = first_page(api)
    org.faults.drop_connection_after_call(1)
    with pytest.raises(requests.ConnectionError):
        api("GET", page["nextRecordsUrl"])
    response = api("GET", page["nextRecordsUrl"])  # the retry a client would make
    assert (response.status_code, response.json()) == (400, INVALID)
