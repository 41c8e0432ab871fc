"""What a resent Composite subrequest's url becomes: references to answered subrequests resolved
as Salesforce would, references to those resent with it kept."""

from pipelines.salesforce.client import SubResult, _resolve

RESULTS = {
    "p0": SubResult(200, {"nextRecordsUrl": "/services/data/v59.0/query/01gABC-200", "records": [{"Id": "x"}]}),
    "p1": SubResult(503, [{"errorCode": "SERVER_UNAVAILABLE"}]),
}


def test_a_reference_to_an_answered_subrequest_is_resolved():
    assert _resolve("@{p0.nextRecordsUrl}", RESULTS, {"p1"}) == "/services/data/v59.0/query/01gABC-200"
    assert _resolve("/x/@{p0.records[0].Id}", RESULTS, set()) == "/x/x"


def test_a_reference_to_one_resent_with_it_stays():
    assert _resolve("@{p1.nextRecordsUrl}", RESULTS, {"p1"}) == "@{p1.nextRecordsUrl}"


def test_a_reference_with_no_value_stays_for_salesforce_to_refuse():
    assert _resolve("@{p0.missing}", RESULTS, set()) == "@{p0.missing}"
    assert _resolve("@{zz.nextRecordsUrl}", RESULTS, set()) == "@{zz.nextRecordsUrl}"
