"""A failing expectation names the rows that fail it by their key: an Id, or a mart's composite key
(read from its contract, `mart_keys`)."""

import pandas as pd
import pytest

from pipelines.quality.gx_gate import validate

pytestmark = pytest.mark.slow  # Great Expectations' first validation in a process takes seconds

SUITE = {"name": "marts.example", "expectations": [
    {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "tier", "value_set": ["healthy", "silent"]},
     "severity": "critical"}]}


def test_offending_rows_are_named_by_every_column_of_the_key():
    frame = pd.DataFrame({"user_id": ["u1", "u1", "u2"], "week_ending_on": ["2026-11-08", "2026-11-15", "2026-11-15"],
                          "tier": ["healthy", "sleepy", "gone"]})
    [failure] = validate(frame, SUITE, ("user_id", "week_ending_on")).failures
    assert failure.severity == "error" and failure.column == "tier"
    assert failure.sample_ids == ["u1/2026-11-15", "u2/2026-11-15"]


def test_without_a_key_the_failure_still_says_what_failed():
    frame = pd.DataFrame({"tier": ["healthy", "sleepy"]})
    [failure] = validate(frame, SUITE, ()).failures
    assert failure.sample_ids == [] and "1 of 2 rows unexpected" in failure.observed
