"""A small sample org served over real HTTPS, and a way to call its REST API directly."""

from datetime import date

import pytest

from pipelines.sample_org.generator import GeneratorConfig
from pipelines.sample_org.org import SampleOrg


@pytest.fixture
def org():
    """A fresh small org per test (tests change its faults and cursors)."""
    with SampleOrg.from_generator(GeneratorConfig(seed=3, users=24, days=45, end_date=date(2026, 11, 15))) as org:
        yield org


@pytest.fixture
def api(org):
    """`api(method, path, **kwargs)`: a `requests` call to the org with a valid access token."""
    session = org.client_session()
    session.headers["Authorization"] = f"Bearer {org.issue_token()}"
    return lambda method, path, **kwargs: session.request(method, org.url + path, **kwargs)
