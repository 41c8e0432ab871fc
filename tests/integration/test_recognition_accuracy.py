"""Recognition and CASEI against the small org's planted truth (seed 3; the quickstart's e2e test
does seed 7): badges, streaks and each planted team's weakest pillar, on the shared good run."""

import duckdb
import pytest

from tests.support.accuracy import badge_scores, pillar_results, pillar_table, recognition_failures, table
from pipelines.sample_org.generator import generate_org

from conftest import SMALL

pytestmark = pytest.mark.slow  # shares the session's whole run of the job


def test_badges_and_pillars_find_what_the_small_org_planted(good_run):
    truth = generate_org(SMALL).ground_truth.to_pylist()  # the org the run read: the generator is deterministic
    with duckdb.connect(str(good_run.database), read_only=True) as con:
        print(table(badge_scores(con, truth)[0], "badge"), pillar_table(pillar_results(con, truth)), sep="\n")
        assert recognition_failures(con, truth) == []
