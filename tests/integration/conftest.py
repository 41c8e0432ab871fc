"""Fixtures that start the built-in sample org (real HTTPS on localhost) for integration tests."""

import json
import shutil
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from pipelines.extract.options import SyncOptions, with_extra_fields
from pipelines.extract.outcomes import SyncFailure, SyncReport
from pipelines.extract.sync import sync_objects
from pipelines.salesforce.auth import Credentials, connect
from pipelines.salesforce.client import RetryPolicy, SalesforceClient
from pipelines.sample_org.leave_and_handovers import write_absences_file
from pipelines.sample_org.org import SampleOrg
from pipelines.sample_org.calendar import write_holidays_file
from pipelines.settings import SAMPLE_ABSENCES_FILE, SAMPLE_HOLIDAYS_FILE
from tests.support.faults import Faults
from tests.support.small_org import SMALL, small_org_records


@pytest.fixture
def org():
    """A fresh small org per test, so tests that change records do not meet each other; it
    injects the faults a test sets (`org.faults`)."""
    with SampleOrg.from_generated(small_org_records(), faults=Faults()) as org:
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
class RunEvents:
    """What the tests read of a good run, kept so that another process can read it too: its
    materializations (as `dg.ExecuteInProcessResult` gives them)."""

    materializations: tuple  # dg.DagsterEvent

    def get_asset_materialization_events(self) -> list:
        return list(self.materializations)


@dataclass(frozen=True)
class GoodRun:
    database: Path
    exports: Path
    result: RunEvents

    def copy_to(self, folder: Path) -> tuple[Path, Path]:
        """Its database and export folder, copied into `folder`, for a test that changes them."""
        database, exports = folder / self.database.name, folder / self.exports.name
        shutil.copy(self.database, database)
        shutil.copytree(self.exports, exports, symlinks=True)  # `current` is a relative link
        return database, exports


@pytest.fixture(scope="session")
def good_run(tmp_path_factory, worker_id) -> GoodRun:
    """One good run of the whole job on a small org (`SMALL`), made once for the whole session and
    shared read-only: under pytest-xdist the first worker to ask makes it in the session's shared
    temporary folder and the other waits for it (a file lock, as pytest-xdist's documentation
    shows). A test that goes on from it copies it (`copy_to`) and runs against a fresh `org`, which
    holds the same records: the generator is deterministic."""
    import dagster as dg
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    folder, events = shared / "good_run", shared / "good_run" / "events.json"
    database, exports = folder / "flywheel.duckdb", folder / "exports"
    with FileLock(str(shared / "good_run.lock")):
        if not events.exists():
            folder.mkdir(exist_ok=True)
            with SampleOrg.from_generated(small_org_records()) as org, pytest.MonkeyPatch.context() as env:
                env.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
                result = run_pipeline(org, database, exports)
            failed = [str(e.step_failure_data.error) for e in result.all_events if e.is_step_failure]
            events.write_text(dg.serialize_value(result.get_asset_materialization_events() if result.success else failed))
    if not (kept := dg.deserialize_value(events.read_text(), list)) or not isinstance(kept[0], dg.DagsterEvent):
        pytest.fail(f"the shared good run failed: {kept}")
    good = GoodRun(database, exports, RunEvents(tuple(kept)))
    assert dg.AssetKey(["publish", "marts_export"]) in {e.asset_key for e in good.result.get_asset_materialization_events()}
    return good


@pytest.fixture
def receiver():
    """A webhook receiver on 127.0.0.1 (as Slack and Teams incoming webhooks take them: a JSON POST):
    (its URL, the bodies received)."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()


@dataclass
class Mailbox:
    """What a real SMTP server (aiosmtpd) on 127.0.0.1 received; it refuses the recipients in
    `refuse` (550), as a server refuses a mailbox that does not exist."""

    port: int
    mails: list[str] = field(default_factory=list)
    """Each message as received (headers and body)."""
    recipients: list[list[str]] = field(default_factory=list)
    """Each message's envelope recipients (RCPT TO)."""
    refuse: set[str] = field(default_factory=set)


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox(port)

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address in box.refuse:
                return "550 5.1.1 No such user here"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            box.mails.append(envelope.content.decode())
            box.recipients.append(list(envelope.rcpt_tos))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield box
    controller.stop()


def sense(sensor, instance, result) -> None:
    """Evaluate a run status sensor (an alert sensor) on the run of `result`, as the daemon would."""
    import dagster as dg

    run = instance.get_run_by_id(result.run_id)
    kind = dg.DagsterEventType.RUN_FAILURE if not result.success else dg.DagsterEventType.RUN_SUCCESS
    [record] = instance.all_logs(result.run_id, of_type=kind)
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor.name, dagster_instance=instance, dagster_run=run, dagster_event=record.dagster_event
    )
    if kind is dg.DagsterEventType.RUN_FAILURE:
        context = context.for_run_failure()
    sensor(context)


@pytest.fixture(scope="session")
def org_users() -> dict[str, dict]:
    """The small org's users by Id, as the org holds them (not as the pipeline read them): who
    reports to whom, and each one's Email, to hold the managers' pages and digests against."""
    return {u["Id"]: u for u in small_org_records().tables["User"].to_pylist()}


def reports_of(manager_id: str | None, users: dict[str, dict]) -> set[str]:
    """The Ids of the users whose ManagerId is `manager_id` (None: the users without a manager)."""
    return {i for i, u in users.items() if u["ManagerId"] == manager_id}


def named_outside(text: str, team: set[str], users: dict[str, dict]) -> set[str]:
    """The names of the org's people that `text` holds and that are not in `team` (Ids); a name two
    people share, one of them in the team, counts as the team's."""
    inside = {users[i]["Name"] for i in team}
    return {u["Name"] for u in users.values() if u["Name"] not in inside and u["Name"] in text}
