"""Fixtures of the sample-org tests that talk to its REST API directly: a fresh small org per test,
and `api`, a `requests` call to it with a valid access token. Imported by the test modules that use
them (`from org_api import api, org`)."""

from datetime import date

import pytest

from pipelines.sample_org.generator import GeneratorConfig
from pipelines.sample_org.org import SampleOrg
from tests.support.faults import Faults

DATA = "/services/data/v59.0"


@pytest.fixture
def org():
    config = GeneratorConfig(seed=3, users=24, days=45, end_date=date(2026, 11, 15))
    with SampleOrg.from_generator(config, faults=Faults()) as org:
        yield org


@pytest.fixture
def api(org):
    """`api(method, path, **kwargs)`: a `requests` call to the org with a valid access token."""
    session = org.client_session()
    session.headers["Authorization"] = f"Bearer {org.issue_token()}"
    return lambda method, path, **kwargs: session.request(method, org.url + path, **kwargs)
