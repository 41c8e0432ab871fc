"""Unattended daily runs: the sample org replays its own history by a simulated clock, one
`adoption_refresh` a day on the same DuckDB file and export folder, a fault on six days of seven,
a stretch with no change to Event, and SIGKILLs of a sync at seeded random moments. Each day's run
is the daily schedule's: at 05:00 UTC the next morning, when the org's clock (its `Date` header)
reads that and it already holds the first hours of the new day (a Sydney team's morning, sync
clients, integrations); the run judges the day before, the last complete one.

After each day: every raw table equals the org as of that day (Ids and watermarks) and the day's
fault was met; after each whole run, the publication is as of that day and its checksums hold; on
the last day every (user, flag) is the ground truth the generator wrote, no more and no less.

Two lengths of the same test:
- a week (the default tier): every fault kind once, four kills, three quiet days of Event. The
  faults and kills reach the sync, so the days before the last run the sync and its raw gates
  (about 5 s a day); the last day runs the whole job and meets the ground truth.
- a month (`soak_month`, the long tier CI runs after the README's command): each fault kind four
  times, five kills, a quiet week, and the whole job every day (about 35 s a day on a quiet
  machine, up to ~100 s on a loaded one, most of it dbt), its publication checked each day.
The per-day log goes to `soak_days.log` in the test's tmp folder and to stdout;
`FLYWHEEL_SOAK_REPORT=<path>` also writes it there as Markdown.
"""

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb
import orjson
import pytest
from conftest import SMALL, run_pipeline, small_org_records, step_seconds

from pipelines.assets.extract import EXTRACT_STEP, GROUP as EXTRACT_GROUP, asset_key
from pipelines.publish.publication import sha256
from pipelines.salesforce.objects import OBJECTS, OBJECTS_BY_NAME
from pipelines.salesforce.resource import SalesforceResource
from pipelines.sample_org.org import SampleOrg
from tests.support.faults import Faults

LAST = SMALL.end_date
BATCH = {"ops": {EXTRACT_STEP: {"config": {"batch_size": 200}}}}
FULL_REFRESH = {"ops": {EXTRACT_STEP: {"config": {"batch_size": 200, "full_refresh": True}}}}
# A month's days before the last run everything but the adoption report: the soak's subject is what
# the faults reach (the raw tables, watermarks, the marts and their publication); the report is
# drawn from the publication alone (tests/integration/test_adoption_report.py) and the last day
# draws it. A week's days before the last run the sync and its raw gates only.
REPORT = ["publish", "adoption_report"]

# The day's fault, armed after any kill, so the day's run meets it; call 1 is the describe.
FIRST_LOAD_FAULT = "dropped connection after a Query More call was answered"
FAULTS = {
    "dropped connection after the first pages were answered": lambda org: org.faults.drop_connection_after_call(2),
    "503 on one subrequest of a Composite call": lambda org: org.faults.fail_subrequest(2, index=1),
    "503 on a whole call": lambda org: org.faults.fail_call(2),
    "session expired": lambda org: org.faults.expire_sessions_after(1),
    "QUERY_TIMEOUT on Task": lambda org: org.faults.query_timeout("Task"),
    "released cursor on LoginHistory (full refresh)": lambda org: org.faults.release_cursor("LoginHistory"),
    "none": lambda org: None,
}
SCHEDULE = list(FAULTS)  # day n (from 1) meets SCHEDULE[(n - 1) % 7]: a week holds every kind once
# A kill changes what the next run calls (an object it left uncommitted is read as a first load),
# so kills fall on days whose fault does not count on the calls being those of a plain daily run.
CALL_FREE = ("503 on a whole call", "session expired", "released cursor on LoginHistory (full refresh)", "none")
MAX_KILLS = 5


@dataclass(frozen=True)
class Soak:
    """The plan of a soak of `days` daily runs after the first load (day 0), ending on `LAST`."""

    days: int
    whole_every_day: bool  # each day's run is the whole job (less the report), or the sync and its gates

    def publishes(self, number: int) -> bool:
        """Day `number` runs the whole job (the last day, or every day of a month)."""
        return self.whole_every_day or number == self.days

    def selection(self, number: int) -> dg.AssetSelection | None:
        """What day `number` runs: all of it on the last day."""
        if number == self.days:
            return None
        if self.publishes(number):
            return dg.AssetSelection.all() - dg.AssetSelection.assets(REPORT)
        return dg.AssetSelection.groups(EXTRACT_GROUP)

    @property
    def first(self) -> dt.date:
        return LAST - dt.timedelta(days=self.days)

    @property
    def quiet(self) -> dict[str, tuple[dt.date, dt.date]]:
        """Event does not change after the first date, up to the second (days 9-15 of a month,
        2-4 of a week)."""
        first_quiet = max(2, self.days * 3 // 10)
        return {"Event": (self.first + dt.timedelta(days=first_quiet - 1),
                          self.first + dt.timedelta(days=first_quiet + min(6, self.days // 3)))}

    @property
    def kills(self) -> dict[int, tuple[int, float]]:
        """Day → (objects committed before the kill, then up to 50 ms more), both seeded: within
        the next object's read however fast or loaded the machine (a daily sync takes about a second)."""
        candidates = [n for n in range(1, self.days + 1) if fault_of(n) in CALL_FREE]
        seeded = random.Random(11)
        return {day: (seeded.randrange(len(OBJECTS)), round(seeded.uniform(0.0, 0.05), 3))
                for day in sorted(seeded.sample(candidates, min(MAX_KILLS, len(candidates))))}


def fault_of(number: int) -> str:
    return FIRST_LOAD_FAULT if number == 0 else SCHEDULE[(number - 1) % len(SCHEDULE)]


def arm(org: SampleOrg, fault: str) -> None:
    if fault == FIRST_LOAD_FAULT:
        org.faults.drop_connection_after_call(5)  # describe, two COUNT() calls, first pages, next pages
    else:
        FAULTS[fault](org)


def morning_after(day: dt.date) -> dt.datetime:
    """When the daily schedule runs for `day`: 05:00 UTC the next morning."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(5))


def replay(org: SampleOrg, day: dt.date, quiet: dict[str, tuple[dt.date, dt.date]]) -> None:
    frozen = {name: morning_after(start) for name, (start, end) in quiet.items() if start < day <= end}
    org.store.show_as_of(morning_after(day), frozen)


def raw_matches_org(database, org) -> None:
    with duckdb.connect(str(database), read_only=True) as con:
        for spec in OBJECTS:
            mark = spec.watermark_field
            raw = sorted(con.execute(f'SELECT "Id", "{mark}" FROM raw_salesforce.{spec.table}').fetchall())
            expected = sorted((r["Id"], r[mark]) for r in org.store.records(spec.name, include_deleted=True))
            assert raw == expected, spec.name


def published_as_of(exports, day: dt.date) -> None:
    manifest = orjson.loads((exports / "current" / "manifest.json").read_bytes())
    assert manifest["as_of_date"] == str(day)
    for name, entry in manifest["files"].items():
        assert sha256(exports / "current" / name) == entry["sha256"], name


def flags_equal_the_ground_truth(database, org) -> None:
    truth = org.generated.ground_truth.to_pylist()
    persona = {t["user_id"]: t["persona"] for t in truth}
    expected = {(t["user_id"], f) for t in truth for f in t["expected_flags"]}
    with duckdb.connect(str(database), read_only=True) as con:
        flagged = set(con.execute("SELECT user_id, flag FROM marts.silent_non_use").fetchall())
    assert sorted((persona.get(u), u, f) for u, f in flagged - expected) == [], "flagged, not planted"
    assert sorted((persona.get(u), u, f) for u, f in expected - flagged) == [], "planted, not flagged"


KILLED_SYNC = """
import sys, duckdb
from pipelines.salesforce.auth import Credentials, connect
from pipelines.salesforce.client import SalesforceClient
from pipelines.salesforce.objects import OBJECTS
from pipelines.extract.options import SyncOptions
from pipelines.extract.sync import sync_objects
url, token, database = sys.argv[1:4]
creds = Credentials(instance_url=url, access_token=token)
with duckdb.connect(database) as con:
    print("started", flush=True)
    for outcome in sync_objects(SalesforceClient(connect(creds), mode=creds.mode), con, OBJECTS, SyncOptions(batch_size=200)):
        print("ended", outcome.object_name, flush=True)
"""


def kill_a_sync(org, database, after: int, delay: float) -> str:
    """Start the day's sync in a child and SIGKILL it `delay` seconds after its `after`-th object
    was committed."""
    env = {**os.environ, "REQUESTS_CA_BUNDLE": str(org.ca_file)}
    child = subprocess.Popen([sys.executable, "-c", KILLED_SYNC, org.url, org.issue_token(), str(database)],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "started"
    for _ in range(after):
        assert child.stdout.readline().startswith("ended")
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    out, _ = child.communicate(timeout=60)
    committed = after + out.count("ended")
    moment = f"{after} objects + {delay * 1000:.0f} ms"
    return f"{moment}: had finished" if child.returncode == 0 else f"{moment}: {committed} of {len(OBJECTS)} committed"


@dataclass
class Day:
    number: int
    date: dt.date
    fault: str
    kill: str = "no"
    restarts: str = "none"
    outcome: str = "did not finish"
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)  # seconds per part of the run

    COLUMNS = ("day", "date", "fault injected", "kill", "locator restarts", "outcome", "s", "sync s", "dbt s", "gates+publish s")

    def cells(self) -> tuple[str, ...]:
        sync, dbt = self.steps.get("sync", 0.0), self.steps.get("dbt", 0.0)
        rest = sum(self.steps.values()) - sync - dbt
        return (str(self.number), str(self.date), self.fault, self.kill, self.restarts, self.outcome,
                f"{self.seconds:.1f}", f"{sync:.1f}", f"{dbt:.1f}", f"{rest:.1f}")


def write_log(days: list[Day], path: Path) -> str:
    widths = [max(len(c), *(len(d.cells()[i]) for d in days)) for i, c in enumerate(Day.COLUMNS)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(Day.COLUMNS, widths))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(d.cells(), widths)) for d in days]
    text = "\n".join(lines) + "\n"
    path.write_text(text)
    if report := os.environ.get("FLYWHEEL_SOAK_REPORT"):
        rows = [Day.COLUMNS, ["---"] * len(Day.COLUMNS), *(d.cells() for d in days)]
        Path(report).write_text("".join(f"| {' | '.join(r)} |\n" for r in rows))
    return text


def timeout(days: int) -> pytest.MarkDecorator:
    return pytest.mark.timeout(240 + 150 * days)  # beyond the suite's 900 s: up to ~100 s a day on a loaded machine


@pytest.mark.slow
@pytest.mark.parametrize("days, whole_every_day", [
    pytest.param(7, False, marks=timeout(7), id="week"),
    pytest.param(30, True, marks=[timeout(30), pytest.mark.soak_month], id="month")])
def test_daily_runs(days, whole_every_day, tmp_path, monkeypatch):
    soak = Soak(days, whole_every_day)
    quiet_event = soak.quiet["Event"]
    assert {fault_of(n) for n in range(1, days + 1)} == set(FAULTS) and soak.kills  # every fault kind, and kills
    database, exports = tmp_path / "flywheel.duckdb", tmp_path / "exports"
    log: list[Day] = []
    started_soak = time.monotonic()
    with SampleOrg.from_generated(small_org_records(), faults=Faults()) as org:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
        c = org.credentials

        class OrgSalesforce(SalesforceResource):  # a login flow (renews an expired session), routed to the org
            def http_session(self):
                return org.client_session()

        salesforce = OrgSalesforce(username=c.username, password=c.password, security_token=c.security_token)
        quiet_days_seen = 0
        try:
            for number in range(days + 1):
                date, started = soak.first + dt.timedelta(days=number), time.monotonic()
                day = Day(number, date, fault_of(number))
                log.append(day)
                replay(org, date, soak.quiet)
                if number in soak.kills:
                    day.kill = kill_a_sync(org, database, *soak.kills[number])
                arm(org, day.fault)
                result = run_pipeline(org, database, exports, FULL_REFRESH if "full refresh" in day.fault else BATCH,
                                      salesforce=salesforce,
                                      selection=soak.selection(number))
                day.steps = step_seconds(result)
                assert result.success, (date, day.fault)
                assert org.faults.pending() == [], f"{day.fault}: not met"
                org.faults.reset()
                raw_matches_org(database, org)
                if soak.publishes(number):
                    published_as_of(exports, date)
                meta = {e.asset_key: e.metadata for e in result.asset_materializations_for_node(EXTRACT_STEP)}
                restarts = {k.path[-1]: m["read_restarts"].value for k, m in meta.items() if "read_restarts" in m and m["read_restarts"].value}
                day.restarts = ", ".join(f"{name} {n}" for name, n in restarts.items()) or "none"
                if day.fault.startswith("released cursor"):
                    assert restarts.get("login_history") == 1, restarts
                if quiet_event[0] < date <= quiet_event[1]:  # nothing changed, fresh all the same (the run passed)
                    event = meta[asset_key(OBJECTS_BY_NAME["Event"])]
                    assert (event["rows_new"].value, event["rows_changed"].value) == (0, 0)
                    quiet_days_seen += 1
                if number == days:
                    flags_equal_the_ground_truth(database, org)
                day.outcome = "ok"
                day.seconds = time.monotonic() - started
                write_log(log, tmp_path / "soak_days.log")  # day by day, for one who watches it run
            assert quiet_days_seen >= 3
        finally:
            if log and log[-1].outcome != "ok":
                log[-1].outcome, log[-1].seconds = "FAILED", time.monotonic() - started
            print(write_log(log, tmp_path / "soak_days.log"))
            print(f"{len(log)} runs in {time.monotonic() - started_soak:.0f} s")
