"""Fixtures that start the built-in sample org (real HTTPS on localhost) for integration tests."""

from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.extract.options import SyncOptions, with_extra_fields
from pipelines.extract.outcomes import SyncFailure, SyncReport
from pipelines.extract.sync import sync_objects
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


def sync_object(client, con, spec, *, extra_fields=(), log=None, **options) -> SyncReport:
    """One object's sync (`sync_objects` of just it): its report, or its error raised."""
    [outcome] = sync_objects(client, con, [with_extra_fields(spec, extra_fields)], SyncOptions(**options), log)
    if isinstance(outcome, SyncFailure):
        raise outcome.error
    return outcome


def run_pipeline(org: SampleOrg, database, exports, run_config: dict | None = None, *, salesforce=None,
                 instance=None, selection=None):
    """Every asset and check of `adoption_refresh` (or just `selection`), in process, built by the
    code location's own `build_defs`, against `org` (through `salesforce`, by default an access
    token); failures are returned in the result, not raised. The caller sets REQUESTS_CA_BUNDLE."""
    import dagster as dg

    from pipelines.definitions import build_defs
    from pipelines.salesforce.resource import SalesforceResource
    from pipelines.settings import Settings

    settings = Settings(duckdb_path=Path(database), export_dir=Path(exports))
    defs = build_defs(settings, salesforce=salesforce or SalesforceResource(instance_url=org.url, access_token=org.issue_token()))
    return dg.materialize(
        [*defs.assets, *defs.asset_checks],
        selection=selection,
        instance=instance or dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        run_config=run_config,
        resources=defs.resources,
    )
