"""Fixtures that start the built-in sample org (real HTTPS on localhost) for integration tests."""

import shutil
from dataclasses import dataclass
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
from pipelines.sample_org.leave_and_handovers import write_absences_file
from pipelines.sample_org.org import SampleOrg
from pipelines.sample_org.calendar import write_holidays_file
from pipelines.settings import SAMPLE_ABSENCES_FILE, SAMPLE_HOLIDAYS_FILE
from tests.support.faults import Faults

SMALL = GeneratorConfig(seed=3, users=24, days=45, end_date=date(2026, 11, 15))


@pytest.fixture
def org():
    """A fresh small org per test, so tests that change records do not meet each other; it
    injects the faults a test sets (`org.faults`)."""
    with SampleOrg.from_generator(SMALL, faults=Faults()) as org:
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


def absences_file(org: SampleOrg, database) -> Path | None:
    """The generated org's absences file (`FLYWHEEL_ABSENCES_FILE`), written beside the database as
    `flywheel demo` writes it: leave kept outside Salesforce is part of the org's truth."""
    if org.generated is None or not org.generated.absences:
        return None
    path = Path(database).parent / SAMPLE_ABSENCES_FILE
    write_absences_file(org.generated.absences, path)
    return path


def holidays_file(org: SampleOrg, database) -> Path | None:
    """The generated org's holidays file (`FLYWHEEL_HOLIDAYS_FILE`: public holidays by country),
    written beside the database as `flywheel demo` writes it: part of the org's truth too."""
    if org.generated is None or not org.generated.holidays:
        return None
    path = Path(database).parent / SAMPLE_HOLIDAYS_FILE
    write_holidays_file(org.generated.holidays, path)
    return path


def run_pipeline(org: SampleOrg, database, exports, run_config: dict | None = None, *, salesforce=None,
                 instance=None, selection=None):
    """Every asset and check of `adoption_refresh` (or just `selection`), in process, built by the
    code location's own `build_defs`, against `org` (through `salesforce`, by default an access
    token); failures are returned in the result, not raised. The caller sets REQUESTS_CA_BUNDLE."""
    import dagster as dg

    from pipelines.definitions import build_defs
    from pipelines.salesforce.resource import SalesforceResource
    from pipelines.settings import Settings

    settings = Settings(duckdb_path=Path(database), export_dir=Path(exports), absences_file=absences_file(org, database),
                        holidays_file=holidays_file(org, database))
    defs = build_defs(settings, salesforce=salesforce or SalesforceResource(instance_url=org.url, access_token=org.issue_token()))
    return dg.materialize(
        [*defs.assets, *defs.asset_checks],
        selection=selection,
        instance=instance or dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        run_config=run_config,
        resources=defs.resources,
    )


def step_seconds(result) -> dict[str, float]:
    """Where a run's time went: the sync, dbt (models and their tests), and the rest (gates, publish)."""
    from pipelines.assets.extract import EXTRACT_STEP

    parts: dict[str, float] = {}
    for event in result.all_events:
        if event.event_type_value == "STEP_SUCCESS":
            key = event.step_key
            part = "sync" if key == EXTRACT_STEP else "dbt" if key.startswith("adoption_models") else "other"
            parts[part] = parts.get(part, 0.0) + event.event_specific_data.duration_ms / 1000
    return parts


@dataclass(frozen=True)
class GoodRun:
    database: Path
    exports: Path
    result: object  # dg.ExecuteInProcessResult

    def copy_to(self, folder: Path) -> tuple[Path, Path]:
        """Its database and export folder, copied into `folder`, for a test that changes them."""
        database, exports = folder / self.database.name, folder / self.exports.name
        shutil.copy(self.database, database)
        shutil.copytree(self.exports, exports, symlinks=True)  # `current` is a relative link
        return database, exports


@pytest.fixture(scope="session")
def good_run(tmp_path_factory) -> GoodRun:
    """One good run of the whole job on a small org (`SMALL`), shared read-only by the tests of a
    worker. A test that goes on from it copies it (`copy_to`) and runs against a fresh `org`, which
    holds the same records: the generator is deterministic."""
    import dagster as dg

    folder = tmp_path_factory.mktemp("good_run")
    database, exports = folder / "flywheel.duckdb", folder / "exports"
    with SampleOrg.from_generator(SMALL) as org, pytest.MonkeyPatch.context() as env:
        env.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
        result = run_pipeline(org, database, exports)
    assert result.success and dg.AssetKey(["publish", "marts_export"]) in {
        e.asset_key for e in result.get_asset_materialization_events()}
    return GoodRun(database, exports, result)
