import datetime as dt

import pytest

from pipelines.sample_org.soql import SoqlError, parse


def test_fields_relationships_where_order_limit():
    q = parse(
        "select Id, profile.name FROM user WHERE SystemModstamp >= 2024-01-15T10:20:30.000+0000 "
        "AND (IsActive = true OR UserType IN ('Standard', 'CsnOnly')) ORDER BY SystemModstamp DESC, Id LIMIT 10"
    )
    assert [c.path for c in q.columns] == ["Id", "Profile.Name"]  # canonical casing in answers
    assert q.params == [dt.datetime(2024, 1, 15, 10, 20, 30), True, "Standard", "CsnOnly"]
    assert q.limit == 10 and "DESC" in q.order_sql and list(q.joins) == ["Profile"]


def test_datetime_offsets_become_utc():
    q = parse("SELECT Id FROM Lead WHERE CreatedDate < 2024-01-15T10:20:30-08:00")
    assert q.params == [dt.datetime(2024, 1, 15, 18, 20, 30)]


def test_count_and_null_comparisons():
    q = parse("SELECT COUNT() FROM Opportunity WHERE CloseDate = null AND Amount > 10")
    assert q.is_count and "IS NULL" in q.where_sql and q.params == [10.0]


@pytest.mark.parametrize(
    ("soql", "code", "message"),
    [
        ("SELECT Id FROM Foo", "INVALID_TYPE", "sObject type 'Foo' is not supported"),
        ("SELECT Nope FROM Lead", "INVALID_FIELD", "No such column 'Nope' on entity 'Lead'"),
        ("SELECT Id FROM LoginHistory WHERE Status = 'Success'", "INVALID_FIELD", "can not be filtered"),
        # history rows never change: LeadHistory has no SystemModstamp, and its values cannot be filtered
        ("SELECT Id FROM LeadHistory WHERE SystemModstamp >= 2024-01-01T00:00:00Z", "INVALID_FIELD", "No such column 'SystemModstamp' on entity 'LeadHistory'"),
        ("SELECT Id FROM LeadHistory WHERE NewValue = 'x'", "INVALID_FIELD", "can not be filtered"),
        ("SELECT Id FROM Lead WHERE CreatedDate > '2024-01-01'", "INVALID_FIELD", "must be of type dateTime"),
        ("SELECT Id FROM Lead WHERE ConvertedDate > 2024-01-01T00:00:00Z", "INVALID_FIELD", "must be of type date"),
        ("SELECT OwnerId, Status FROM Lead GROUP BY OwnerId", "MALFORMED_QUERY", "must be grouped"),
        ("SELECT CreatedDate FROM Lead GROUP BY CreatedDate", "MALFORMED_QUERY", "can not be grouped"),
        ("SELECT COUNT() FROM Lead GROUP BY OwnerId", "MALFORMED_QUERY", "must be grouped"),
        ("SELECT OwnerId FROM Lead GROUP BY OwnerId HAVING OwnerId != null", "MALFORMED_QUERY", "'HAVING' is not supported"),
        ("SELECT Id FROM Lead LIMIT 5 OFFSET 10", "MALFORMED_QUERY", "'OFFSET' is not supported"),
        ("SELECT FIELDS(ALL) FROM Lead", "MALFORMED_QUERY", "functions"),
        ("SELECT Id, (SELECT Id FROM Tasks) FROM Lead", "MALFORMED_QUERY", "unexpected token"),
        ("SELECT Id FROM Lead WHERE", "MALFORMED_QUERY", "unexpected end"),
        ("SELECT Id FROM Lead; DROP TABLE Lead", "MALFORMED_QUERY", "unexpected token"),
    ],
)
def test_what_salesforce_refuses_is_refused(soql, code, message):
    with pytest.raises(SoqlError) as err:
        parse(soql)
    assert err.value.error_code == code
    assert message in err.value.message


def test_literals_are_parameters_not_sql():
    q = parse("SELECT Id FROM Lead WHERE LastName = 'O\\'Brien; DROP TABLE Lead --'")
    assert q.params == ["O'Brien; DROP TABLE Lead --"] and "DROP" not in q.where_sql
