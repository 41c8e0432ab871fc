"""Fixtures that start the built-in sample org (real HTTPS on localhost) for integration tests."""

from datetime import date

import duckdb
import pytest

from pipelines.salesforce.auth import Credentials, connect
from pipelines.salesforce.client import RetryPolicy, SalesforceClient
from pipelines.sample_org.generator import GeneratorConfig
from pipelines.sample_org.org import SampleOrg

SMALL = GeneratorConfig(seed=3, users=24, days=45, end_date=date(2026, 11, 15))


@pytest.fixture
def org():
    """A fresh small org per test, so tests that change records do not meet each other."""
    with SampleOrg.from_generator(SMALL) as org:
        yield org


def password_credentials(org: SampleOrg) -> Credentials:
    c = org.credentials
    return Credentials(username=c.username, password=c.password, security_token=c.security_token)


def make_client(org: SampleOrg, creds: Credentials | None = None) -> SalesforceClient:
    creds = creds or password_credentials(org)
    sf = connect(creds, session=org.client_session())
    return SalesforceClient(sf, mode=creds.mode, secrets=creds.secrets(), retry=RetryPolicy(first_delay=0.01))


@pytest.fixture
def client(org):
    return make_client(org)


@pytest.fixture
def warehouse(tmp_path):
    with duckdb.connect(str(tmp_path / "flywheel.duckdb")) as con:
        yield con
