"""Benchmark: each person's own calendar (issue 22). Three measurements on generated orgs:

    python benchmarks/person_calendar.py zones                 # one zone for all vs whole teams east of UTC+9
    python benchmarks/person_calendar.py morning               # the end of a Thursday vs 05:00 UTC on the Friday
    python benchmarks/person_calendar.py build-time --users 5000 --days 180 --base 91ecd0c

`zones` and `morning` build two orgs that differ in one thing only (where the teams work; whether
the new day's first hours are in the org, with the clock at midnight or 05:00 UTC), extract each
over HTTPS into its own DuckDB file, build the models with dbt, and count the per-user results of
the marts that differ (tests/support/accuracy.py, `per_user_differences`): the target is 0.

`build-time` extracts one org once and times `dbt build` (as the job runs it: models and data
tests) of this project and of the project at another commit (`--base`, taken with `git archive`)
on copies of the same raw data, alternately, `--repeat` times each, with the machine's load
average beside each time (the machine may be shared).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KEEP: str | None = None  # --keep
EAST = ("America/New_York", "Australia/Sydney", "Pacific/Auckland", "Asia/Tokyo")  # teams east of UTC+9, and one not


def extract(config, database: Path) -> None:
    """The generated org, synced over HTTPS into `database`, with its absences and holidays files."""
    import duckdb

    from pipelines.extract.options import SyncOptions
    from pipelines.extract.outcomes import SyncFailure
    from pipelines.extract.sync import sync_objects
    from pipelines.leave.absences_file import load_absences_file
    from pipelines.leave.holidays_file import load_holidays_file
    from pipelines.salesforce.auth import Credentials, connect
    from pipelines.salesforce.client import SalesforceClient
    from pipelines.salesforce.objects import OBJECTS
    from pipelines.sample_org.calendar import write_holidays_file
    from pipelines.sample_org.leave_and_handovers import write_absences_file
    from pipelines.sample_org.org import SampleOrg

    database.parent.mkdir(parents=True, exist_ok=True)
    with SampleOrg.from_generator(config) as org:
        os.environ["REQUESTS_CA_BUNDLE"] = str(org.ca_file)
        creds = Credentials(instance_url=org.url, access_token=org.issue_token())
        client = SalesforceClient(connect(creds), mode=creds.mode)
        with duckdb.connect(str(database)) as con:
            for outcome in sync_objects(client, con, OBJECTS, SyncOptions()):
                if isinstance(outcome, SyncFailure):
                    raise outcome.error
            absences, holidays = database.with_name("absences.csv"), database.with_name("holidays.csv")
            write_absences_file(org.generated.absences, absences)
            write_holidays_file(org.generated.holidays, holidays)
            load_absences_file(con, absences)
            load_holidays_file(con, holidays)


def dbt_build(database: Path, project: Path = ROOT / "dbt_project") -> float:
    """`dbt build` of `project` on `database` as the job runs it; its seconds."""
    target = Path(tempfile.mkdtemp(prefix="flywheel-calendar-dbt-"))
    command = [sys.executable, "-c", "import sys; from dbt.cli.main import cli; sys.exit(cli())", "build",
               "--exclude-resource-type", "unit_test", "--project-dir", str(project), "--profiles-dir", str(project),
               "--target-path", str(target), "--log-path", str(target)]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True,
                          env={**os.environ, "FLYWHEEL_DUCKDB_PATH": str(database)})
    seconds = time.monotonic() - started
    shutil.rmtree(target, ignore_errors=True)
    if done.returncode:
        raise SystemExit(f"dbt build of {project} failed:\n{done.stdout[-3000:]}")
    return seconds


def compare(one_config, other_config, what: str) -> None:
    """Build both orgs and print how many per-user results differ."""
    import duckdb

    from tests.support.accuracy import per_user_differences

    with tempfile.TemporaryDirectory() as tmp:
        tmp = KEEP or tmp
        databases = []
        for name, config in (("one", one_config), ("other", other_config)):
            database = Path(tmp) / name / "flywheel.duckdb"
            started = time.monotonic()
            extract(config, database)
            seconds = dbt_build(database)
            print(f"{name}: {config}\n  extracted and built in {time.monotonic() - started:.0f} s (dbt {seconds:.0f} s)")
            databases.append(database)
        with duckdb.connect() as con:
            for name, database in zip(("one", "other"), databases):
                con.execute(f"ATTACH '{database}' AS {name} (READ_ONLY)")
            as_of = [con.execute(f"SELECT as_of_date, salesforce_clock FROM {n}.intermediate.int_reporting_dates").fetchone()
                     for n in ("one", "other")]
            rows = {m: con.execute(f"SELECT count(*) FROM one.marts.{m}").fetchone()[0]
                    for m in ("user_adoption_daily", "user_adoption_scorecard", "silent_non_use", "user_recognition",
                              "team_casei")}
            differences = per_user_differences(con, "one", "other")
    print(f"as of (date, Salesforce clock): one {as_of[0]}, other {as_of[1]}")
    print(f"per-user results compared: {rows}")
    total = sum(n for by_column in differences.values() for n in by_column.values())
    print(f"{what}: {total} per-user results differ")
    for mart, by_column in differences.items():
        print(f"  {mart:<26} {by_column or 'none'}")


def base_project(commit: str, folder: Path) -> Path:
    """The dbt project at `commit`, unpacked into `folder`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "dbt_project"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder / "dbt_project"


def build_time(config, commit: str, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw" / "flywheel.duckdb"
        started = time.monotonic()
        extract(config, raw)
        print(f"{config}: extracted in {time.monotonic() - started:.0f} s, {raw.stat().st_size / 2**20:.0f} MB")
        projects = {f"before ({commit})": base_project(commit, Path(tmp)), "after (this tree)": ROOT / "dbt_project"}
        times: dict[str, list[float]] = {name: [] for name in projects}
        for round_ in range(repeat):
            for name, project in projects.items():
                copy = Path(tmp) / f"copy-{round_}-{len(times[name])}" / "flywheel.duckdb"
                copy.parent.mkdir()
                shutil.copy(raw, copy)
                load = os.getloadavg()[0]
                seconds = dbt_build(copy, project)
                times[name].append(seconds)
                print(f"  round {round_ + 1}: {name:<22} dbt build {seconds:6.1f} s (load average {load:.1f} before, "
                      f"{os.getloadavg()[0]:.1f} after)")
                shutil.rmtree(copy.parent)
        best = {name: min(ts) for name, ts in times.items()}
        before, after = best.values()
        print(f"best of {repeat}: " + ", ".join(f"{n} {s:.1f} s" for n, s in best.items())
              + f"; after / before = {after / before:.2f} ({(after / before - 1):+.0%})")


def main() -> None:
    from pipelines.sample_org.generator import GeneratorConfig

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("measure", choices=["zones", "morning", "build-time"])
    parser.add_argument("--users", type=int, default=120)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--base", default="91ecd0c", help="build-time: the commit to compare with")
    parser.add_argument("--repeat", type=int, default=2, help="build-time: builds of each project")
    parser.add_argument("--keep", type=Path, help="zones, morning: keep both databases in this folder")
    args = parser.parse_args()
    global KEEP
    KEEP = str(args.keep) if args.keep else None
    config = GeneratorConfig(seed=args.seed, users=args.users, days=args.days)
    if args.measure == "zones":
        compare(dataclasses.replace(config, team_zones=("America/New_York",)),
                dataclasses.replace(config, team_zones=EAST),
                "everyone in New York vs whole teams in Sydney, Auckland and Tokyo, same local behaviour")
    elif args.measure == "morning":
        thursday = dataclasses.replace(config, end_date=dt.date(2026, 11, 12))
        compare(dataclasses.replace(thursday, new_day=False, clock_hour=0.0), thursday,
                "the end of Thursday vs 05:00 UTC on Friday (with Friday's first hours in the org)")
    else:
        build_time(config, args.base, args.repeat)


if __name__ == "__main__":
    main()
