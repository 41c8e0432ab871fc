"""No secret leaks: each auth mode, configured with known secret strings, runs the pipeline,
including the failure paths (wrong password, invalid client, revoked token, expired session);
none of the secrets, nor any access token the org issued, appears in stdout/stderr, Dagster's
event log and run storage, exception messages, the DuckDB file, the exports, the report, the
Data Docs or dbt's logs.

The resource is configured exactly as from SALESFORCE_* variables; only its HTTPS is routed to
the sample org, because login.salesforce.com cannot be reached from here.
"""

from pathlib import Path

import dagster as dg
import pytest
from conftest import run_pipeline, small_org_records

from pipelines.assets.extract import asset_key
from pipelines.salesforce.objects import OBJECTS_BY_NAME
from pipelines.sample_org.auth import OrgCredentials
from pipelines.sample_org.client_session import client_session
from pipelines.sample_org.org import SampleOrg
from pipelines.salesforce.resource import SalesforceResource
from tests.support.faults import Faults

pytestmark = [pytest.mark.slow, pytest.mark.scenario_runs]  # runs the whole job (or dbt build): not in the fast tier; the long tier

REPO = Path(__file__).resolve().parents[2]
# Runs of each auth mode extract two objects, without their gates; one runs the whole pipeline.
EXTRACT_ONLY = dg.AssetSelection.assets(*(asset_key(OBJECTS_BY_NAME[n]) for n in ("User", "LoginHistory"))).without_checks()
PASSWORD, TOKEN, CLIENT_SECRET = "Pw-LEAKCHECK-1a2b3c4d", "Tok-LEAKCHECK-5e6f7a8b", "Cs-LEAKCHECK-9c0d1e2f"
WRONG_PASSWORD, WRONG_CLIENT_SECRET = "Pw-WRONG-LEAKCHECK-3a4b", "Cs-WRONG-LEAKCHECK-5c6d"
NEVER_ISSUED_TOKEN = "00D5g0000000001EAA!REVOKED-LEAKCHECK-7e8f9a0b"


class RoutedSalesforce(SalesforceResource):
    """SalesforceResource as configured; its requests go to the sample org."""

    route_url: str
    route_ca_file: str

    def http_session(self):
        return client_session(self.route_url, Path(self.route_ca_file))


def configured(org: SampleOrg, **credentials) -> RoutedSalesforce:
    return RoutedSalesforce(route_url=org.url, route_ca_file=str(org.ca_file), **credentials)


def modes(org: SampleOrg) -> dict[str, dict]:
    c = org.credentials
    return {
        "password": dict(username=c.username, password=PASSWORD, security_token=TOKEN),
        "oauth_password": dict(username=c.username, password=PASSWORD, security_token=TOKEN,
                               consumer_key=c.consumer_key, consumer_secret=CLIENT_SECRET),
        "jwt": dict(username=c.username, consumer_key=c.consumer_key, private_key_file=str(c.private_key_file)),
        "client_credentials": dict(consumer_key=c.consumer_key, consumer_secret=CLIENT_SECRET,
                                   domain="flywheel-sample.my"),
        "access_token": dict(instance_url=org.url, access_token=org.issue_token()),
    }


def failure_messages(result: dg.ExecuteInProcessResult) -> list[str]:
    return [str(e.step_failure_data.error) for e in result.all_events if e.is_step_failure]


@pytest.fixture(scope="module")
def leaks_searched(tmp_path_factory):
    """Every run; then what they left: (secrets, {place: text}) and the run outcomes."""
    folder = tmp_path_factory.mktemp("secrets")
    credentials = OrgCredentials(password=PASSWORD, security_token=TOKEN, consumer_secret=CLIENT_SECRET)
    outcomes: dict[str, tuple[bool, list[str]]] = {}
    with SampleOrg.from_generated(small_org_records(), credentials=credentials, faults=Faults()) as org, pytest.MonkeyPatch.context() as env:
        env.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
        key_lines = [line for line in Path(org.credentials.private_key_file).read_text().splitlines()
                     if line and not line.startswith("-----")]
        by_mode = modes(org)

        def run(name: str, salesforce: SalesforceResource, whole: bool = False) -> None:
            database, exports = folder / name / "flywheel.duckdb", folder / name / "exports"
            (folder / name / "dagster_home").mkdir(parents=True)
            with dg.DagsterInstance.local_temp(tempdir=str(folder / name / "dagster_home")) as instance:
                result = run_pipeline(org, database, exports, salesforce=salesforce, instance=instance,
                                      selection=None if whole else EXTRACT_ONLY)
            outcomes[name] = (result.success, failure_messages(result))

        run("password, whole pipeline", configured(org, **by_mode["password"]), whole=True)
        for mode in ("oauth_password", "jwt", "client_credentials", "access_token"):
            run(mode, configured(org, **by_mode[mode]))
        run("wrong password", configured(org, **{**by_mode["password"], "password": WRONG_PASSWORD}))
        run("invalid client", configured(org, **{**by_mode["client_credentials"], "consumer_secret": WRONG_CLIENT_SECRET}))
        run("revoked token", configured(org, instance_url=org.url, access_token=NEVER_ISSUED_TOKEN))
        org.faults.expire_sessions_after(2)  # describe and COUNT() calls; the session expires before the pages
        run("expired session, renewed", configured(org, **by_mode["password"]))
        org.faults.expire_sessions_after(2)  # describe and COUNT() calls; the session expires before the pages
        run("expired session, access token", configured(org, **by_mode["access_token"]))
        secrets = [PASSWORD, TOKEN, CLIENT_SECRET, WRONG_PASSWORD, WRONG_CLIENT_SECRET, NEVER_ISSUED_TOKEN,
                   *key_lines, *org.issued_tokens]
    return folder, secrets, outcomes


def test_every_mode_ran_and_every_failure_path_failed(leaks_searched):
    _, _, outcomes = leaks_searched
    for name in ("password, whole pipeline", "oauth_password", "jwt", "client_credentials", "access_token",
                 "expired session, renewed"):
        assert outcomes[name][0], (name, outcomes[name][1])
    for name, says in [("wrong password", "Salesforce login failed"), ("invalid client", "Salesforce login failed"),
                       ("revoked token", "INVALID_SESSION_ID"), ("expired session, access token", "INVALID_SESSION_ID")]:
        ok, messages = outcomes[name]
        assert not ok and any(says in m for m in messages), (name, messages)


def test_no_secret_in_output_logs_storage_database_exports_or_errors(leaks_searched, capfd):
    folder, secrets, outcomes = leaks_searched
    places = {"stdout/stderr": "".join(capfd.readouterr())}
    places |= {f"failure of {name}": "\n".join(messages) for name, (_, messages) in outcomes.items()}
    files = [p for p in folder.rglob("*") if p.is_file()]
    files += [p for p in (REPO / "dbt_project" / "logs").rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in files), "Dagster's sqlite storage was not found"
    assert any(p.name == "adoption_report.html" for p in files) and any(p.name == "index.html" for p in files)
    places |= {str(p): p.read_bytes().decode("utf-8", "replace") for p in files}
    leaks = [(secret[:12] + "…", place) for secret in secrets for place, text in places.items() if secret in text]
    assert leaks == []
    assert len(secrets) > 10  # the org issued tokens, and they were searched for too
