"""The sample org's Composite resource, over real HTTPS: one API call, answers as the requests alone."""

from urllib.parse import quote

import pytest

from org_api import DATA, api, org  # noqa: F401 (fixtures)

TASKS = "SELECT Id, Subject, Status, Owner.Name FROM Task ORDER BY Id"  # 1,852 rows with the deleted ones (1,842 without)


def composite(api, *subrequests, **options):
    return api("POST", f"{DATA}/composite", json={"compositeRequest": list(subrequests), **options})


def get(ref, url, **headers):
    return {"method": "GET", "url": url, "referenceId": ref, **({"httpHeaders": headers} if headers else {})}


def query(ref, soql, resource="query", **headers):
    return get(ref, f"{DATA}/{resource}/?q={quote(soql)}", **headers)


def answers(response):
    assert response.status_code == 200, response.text
    return {r["referenceId"]: (r["httpStatusCode"], r["body"]) for r in response.json()["compositeResponse"]}


def error_code(body):
    return [e["errorCode"] for e in body]


def test_describe_queryall_and_query_more_by_reference_are_one_call_answering_as_paging_alone(org, api):
    tasks = len(org.store.records("Task", include_deleted=True))
    size = -(-tasks // 3)  # three pages, the last one shorter or as long
    assert 200 <= size <= 2000
    batch = {"Sforce-Query-Options": f"batchSize={size}"}
    usage, calls = org.api_usage, org.calls
    response = composite(
        api,
        get("d_Task", f"{DATA}/sobjects/Task/describe"),
        query("q1", TASKS, "queryAll", **batch),
        get("q2", "@{q1.nextRecordsUrl}"),
        get("q3", "@{q2.nextRecordsUrl}"),
    )
    got = answers(response)
    assert org.api_usage == usage + 1
    assert response.headers["Sforce-Limit-Info"] == f"api-usage={usage + 1}/15000"
    assert org.calls == {**calls, "composite": 1}
    assert list(got) == ["d_Task", "q1", "q2", "q3"]
    assert [status for status, _ in got.values()] == [200] * 4
    assert [len(body["records"]) for _, body in list(got.values())[1:]] == [size, size, tasks - 2 * size]

    alone = [api("GET", f"{DATA}/queryAll/", params={"q": TASKS}, headers=batch).json()]
    while "nextRecordsUrl" in alone[-1]:
        alone.append(api("GET", alone[-1]["nextRecordsUrl"]).json())
    assert [body["records"] for _, body in list(got.values())[1:]] == [page["records"] for page in alone]
    assert got["q3"][1]["done"] and "nextRecordsUrl" not in got["q3"][1]
    assert got["d_Task"][1] == api("GET", f"{DATA}/sobjects/Task/describe").json()


def test_batch_size_in_http_headers_is_honoured(org, api):
    soql = "SELECT Id FROM Task"
    tasks = len(org.store.records("Task"))
    assert tasks > 2000
    got = answers(composite(api, query("small", soql, **{"Sforce-Query-Options": "batchSize=200"}), query("default", soql)))
    assert len(got["small"][1]["records"]) == 200 and not got["small"][1]["done"]
    assert got["default"][1]["totalSize"] == tasks
    assert len(got["default"][1]["records"]) == 2000 and not got["default"][1]["done"]  # the default page: 2,000


def test_a_reference_past_the_last_page_halts_only_what_depends_on_it(api):
    got = answers(composite(
        api,
        query("q1", "SELECT Id FROM Opportunity"),  # 94 rows: one page, no nextRecordsUrl
        get("q2", "@{q1.nextRecordsUrl}"),
        get("limits", f"{DATA}/limits"),
        get("q3", "@{q2.nextRecordsUrl}"),
        get("later", "@{after.nextRecordsUrl}"),
        get("after", f"{DATA}/sobjects"),
    ))
    assert got["q1"][0] == 200 and got["q1"][1]["done"]
    assert got["q2"][0] == 400 and error_code(got["q2"][1]) == ["PROCESSING_HALTED"]
    assert "@{q1.nextRecordsUrl}" in got["q2"][1][0]["message"]
    assert got["limits"][0] == 200 and "DailyApiRequests" in got["limits"][1]
    assert got["q3"][0] == 400 and "'q2' failed with HTTP 400" in got["q3"][1][0]["message"]
    assert got["later"][0] == 400 and error_code(got["later"][1]) == ["PROCESSING_HALTED"]
    assert got["after"][0] == 200


@pytest.mark.parametrize("all_or_none", [False, True])
def test_a_hidden_field_fails_its_query_and_all_or_none_halts_the_rest(org, api, all_or_none):
    org.shape.hide_field("Lead", "Status")
    got = answers(composite(
        api,
        get("d_Lead", f"{DATA}/sobjects/Lead/describe"),
        query("q", "SELECT Id, Status FROM Lead"),
        get("limits", f"{DATA}/limits"),
        allOrNone=all_or_none,
    ))
    assert got["d_Lead"][0] == 200 and "Status" not in {f["name"] for f in got["d_Lead"][1]["fields"]}
    assert got["q"] == (400, [{"message": "No such column 'Status' on entity 'Lead'.", "errorCode": "INVALID_FIELD"}])
    if all_or_none:
        assert got["limits"][0] == 400 and error_code(got["limits"][1]) == ["PROCESSING_HALTED"]
    else:
        assert got["limits"][0] == 200


def test_query_timeout_is_that_subrequests_400(org, api):
    org.faults.query_timeout("Lead")
    got = answers(composite(api, query("q1", "SELECT Id FROM Lead"), query("q2", "SELECT Id FROM Lead")))
    assert got["q1"] == (400, [{"message": "Your query request was running for too long.", "errorCode": "QUERY_TIMEOUT"}])
    assert got["q2"][0] == 200 and got["q2"][1]["totalSize"] == len(org.store.records("Lead"))


def test_subrequests_the_composite_does_not_serve_answer_alone(api):
    got = answers(composite(
        api,
        {**get("post", f"{DATA}/query/?q=SELECT+Id+FROM+Lead"), "method": "POST"},
        get("bulk", f"{DATA}/jobs/query"),
        get("nowhere", f"{DATA}/nowhere"),
        get("sobjects", f"{DATA}/sobjects"),
    ))
    assert [(status, error_code(body)) for status, body in list(got.values())[:3]] == [
        (400, ["INVALID_REQUEST"]), (400, ["INVALID_REQUEST"]), (404, ["NOT_FOUND"])
    ]
    assert got["sobjects"][0] == 200


@pytest.mark.parametrize("sixth", [query("q5", "SELECT Id FROM User", "queryAll"), get("q5", "@{q0.nextRecordsUrl}")])
def test_five_query_operations_pass_and_six_fail_the_whole_call(api, sixth):
    five = [query(f"q{i}", "SELECT Id FROM User") for i in range(5)]
    assert [status for status, _ in answers(composite(api, *five, get("s", f"{DATA}/sobjects"))).values()] == [200] * 6
    response = composite(api, *five, sixth)
    assert response.status_code == 400
    assert error_code(response.json()) == ["LIMIT_EXCEEDED"] and "not 6" in response.json()[0]["message"]


@pytest.mark.parametrize("header", ["Authorization", "accept", "Content-Type"])
def test_inherited_headers_in_http_headers_fail_the_whole_call(api, header):
    response = composite(api, get("s", f"{DATA}/sobjects", **{header: "x"}))
    assert response.status_code == 400
    assert error_code(response.json()) == ["INVALID_REQUEST"] and header in response.json()[0]["message"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"compositeRequest": [get(f"s{i}", f"{DATA}/sobjects") for i in range(26)]}, "LIMIT_EXCEEDED"),
        ({"compositeRequest": [{"method": "GET", "url": f"{DATA}/sobjects"}]}, "JSON_PARSER_ERROR"),
        ({"compositeRequest": [get("s", f"{DATA}/sobjects"), get("s", f"{DATA}/limits")]}, "INVALID_REQUEST"),
        ({"compositeRequest": [get("1s", f"{DATA}/sobjects")]}, "INVALID_REQUEST"),
        ({"compositeRequest": [get("s-1", f"{DATA}/sobjects")]}, "INVALID_REQUEST"),
        ({"compositeRequest": [{**get("s", f"{DATA}/sobjects"), "method": "get"}]}, "JSON_PARSER_ERROR"),
        ({"compositeRequest": get("s", f"{DATA}/sobjects")}, "JSON_PARSER_ERROR"),
        ({"allOrNone": "yes", "compositeRequest": [get("s", f"{DATA}/sobjects")]}, "JSON_PARSER_ERROR"),
        ([get("s", f"{DATA}/sobjects")], "JSON_PARSER_ERROR"),
    ],
    ids=["26 subrequests", "no referenceId", "duplicate referenceId", "referenceId starts with a digit",
         "referenceId with a dash", "lowercase method", "not a list", "allOrNone not a boolean", "not an object"],
)
def test_a_request_not_of_the_documented_shape_fails_whole(org, api, body, code):
    usage = org.api_usage
    response = api("POST", f"{DATA}/composite", json=body)
    assert response.status_code == 400
    assert error_code(response.json()) == [code]
    assert org.api_usage == usage + 1 and response.headers["Sforce-Limit-Info"]


def test_a_per_call_fault_fails_the_whole_composite_call(org, api):
    subrequests = [get("s", f"{DATA}/sobjects"), query("q", "SELECT Id FROM User")]
    org.faults.fail_call(1)
    response = composite(api, *subrequests)
    assert response.status_code == 503 and error_code(response.json()) == ["SERVER_UNAVAILABLE"]
    assert set(answers(composite(api, *subrequests))) == {"s", "q"}  # the fault was one call, not one subrequest
    assert org.calls["composite"] == 2 and org.calls.get("query", 0) == 0
