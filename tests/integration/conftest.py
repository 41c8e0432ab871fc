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


def run_pipeline(org: SampleOrg, database, exports, run_config: dict | None = None, *, salesforce=None,
                 instance=None, selection=None):
    """Every asset and check of `adoption_refresh` (or just `selection`), in process, against `org`
    (through `salesforce`, by default an access token); failures are returned in the result, not
    raised. The caller sets REQUESTS_CA_BUNDLE and FLYWHEEL_DUCKDB_PATH."""
    import dagster as dg
    from dagster_dbt import DbtCliResource

    from pipelines.assets.absences import absences_file
    from pipelines.assets.checks import quality_checks
    from pipelines.assets.extract import salesforce_extract
    from pipelines.assets.models import adoption_models
    from pipelines.assets.publish import marts_export
    from pipelines.assets.quality import data_docs
    from pipelines.assets.report import adoption_report
    from pipelines.dbt_project import dbt_project
    from pipelines.exports import ExportDir
    from pipelines.salesforce.resource import SalesforceResource
    from pipelines.warehouse import DuckDBWarehouse

    return dg.materialize(
        [salesforce_extract, absences_file, adoption_models, data_docs, marts_export, adoption_report, *quality_checks],
        selection=selection,
        instance=instance or dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        run_config=run_config,
        resources={
            "salesforce": salesforce or SalesforceResource(instance_url=org.url, access_token=org.issue_token()),
            "duckdb": DuckDBWarehouse(database=str(database)),
            "dbt": DbtCliResource(project_dir=dbt_project),
            "exports": ExportDir(path=str(exports)),
        },
    )
