"""Fixtures of the sample-org tests that talk to its REST API directly: a fresh small org per test,
and `api`, a `requests` call to it with a valid access token. Imported by the test modules that use
them (`from org_api import api, org`)."""

import pytest

from pipelines.sample_org.org import SampleOrg
from tests.support.faults import Faults
from tests.support.small_org import small_org_records

DATA = "/services/data/v59.0"


@pytest.fixture
def org():
    with SampleOrg.from_generated(small_org_records(), faults=Faults()) as org:
        yield org


@pytest.fixture
def api(org):
    """`api(method, path, **kwargs)`: a `requests` call to the org with a valid access token."""
    session = org.client_session()
    session.headers["Authorization"] = f"Bearer {org.issue_token()}"
    return lambda method, path, **kwargs: session.request(method, org.url + path, **kwargs)
