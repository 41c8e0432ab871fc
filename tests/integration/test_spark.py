"""The Spark path (`FLYWHEEL_WAREHOUSE=spark`) builds the marts the DuckDB run does, in two tiers.

- **Default tier** (`spark_build`): the small sample org `good_run` read, landed in a lake by the
  sync (Parquet snapshots, as the job lands them), every dbt model built on Spark from it (`dbt run`
  through the project's own dbt resource, the process in a time zone that is not UTC), and every
  mart, read back as publication reads it (DuckDB views over Spark's Parquet), held to the DuckDB
  run's. It leaves out what the job adds around dbt (the multiprocess executor, the gates,
  publishing, the report), which the long tier runs.
- **Long tier** (`spark_parity`, `pytest -m spark_parity`): `dagster job execute` of
  `adoption_refresh`, exactly as a user runs it (the multiprocess executor, a persistent instance,
  dbt's tests on Spark, `flywheel_contract_holds` among them), in a machine time zone that is not
  UTC, its published marts held to the DuckDB run's, the lake and the report checked.

Spark runs in process (pyspark, `local[2]`, Java 17). Without pyspark or Java the tests are skipped
with the reason, except where `FLYWHEEL_REQUIRE_SPARK=1` (CI), where they fail.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from pipelines.dbt.project import dbt_cli, published_marts
from pipelines.extract.options import SyncOptions
from pipelines.extract.outcomes import SyncReport
from pipelines.extract.sync import sync_objects
from pipelines.leave.absences_file import load_absences_file
from pipelines.leave.holidays_file import load_holidays_file
from pipelines.salesforce.objects import OBJECTS
from pipelines.sample_org.org import SampleOrg
from pipelines.storage.lake import CURRENT, LakeWarehouse

from conftest import absences_file, holidays_file, make_client, small_org_records

# dbt on Spark: several times slower than DuckDB on a small machine
pytestmark = [pytest.mark.slow, pytest.mark.timeout(3000)]

NOT_UTC = "America/Los_Angeles"


def spark_missing() -> str | None:
    """Why Spark cannot run here, or None."""
    for module, extra in (("pyspark", "pyspark"), ("dbt.adapters.spark", "dbt-spark")):
        if importlib.util.find_spec(module) is None:
            return f"{extra} is not installed (pip install -e '.[spark]')"
    if shutil.which("java") is None:
        return "Java is not installed (Spark 3.5 needs Java 17: apt-get install openjdk-17-jre-headless)"
    return None


def require_spark() -> None:
    reason = spark_missing()
    if reason and os.environ.get("FLYWHEEL_REQUIRE_SPARK") == "1":
        pytest.fail(f"FLYWHEEL_REQUIRE_SPARK=1 but {reason}")
    if reason:
        pytest.skip(reason)


def assert_same_marts(con: duckdb.DuckDBPyConnection, spark: Callable[[str], str], duck: Callable[[str], str]) -> None:
    """Every mart: the same columns, the same rows (as multisets), and not empty (but
    user_absences, which a small org may leave empty); `spark(mart)` and `duck(mart)` name each
    engine's relation in `con`."""
    for mart in published_marts():
        columns = [name for name, *_ in con.execute(f"DESCRIBE SELECT * FROM {duck(mart)}").fetchall()]
        assert [c for c, *_ in con.execute(f"DESCRIBE SELECT * FROM {spark(mart)}").fetchall()] == columns, mart
        listed = ", ".join(f'"{c}"' for c in columns)
        only_duck = con.execute(f"SELECT {listed} FROM {duck(mart)} EXCEPT ALL SELECT {listed} FROM {spark(mart)}").fetchall()
        only_spark = con.execute(f"SELECT {listed} FROM {spark(mart)} EXCEPT ALL SELECT {listed} FROM {duck(mart)}").fetchall()
        assert (only_duck, only_spark) == ([], []), f"{mart}: rows only on DuckDB / only on Spark"
        (rows,) = con.execute(f"SELECT count(*) FROM {spark(mart)}").fetchone()
        assert rows > 0 or mart == "user_absences", f"{mart} is empty: the comparison proves nothing"
    # the planted personas' flags are there: the comparison is not between two empty builds
    (flags,) = con.execute(f"SELECT count(DISTINCT flag) FROM {spark('silent_non_use')}").fetchone()
    assert flags >= 4


# --- the default tier ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def spark_build(tmp_path_factory) -> LakeWarehouse:
    """The small org synced into a lake, and every model built from it on Spark."""
    require_spark()
    folder = tmp_path_factory.mktemp("spark_build")
    lake = LakeWarehouse.at(folder / "lake")
    with SampleOrg.from_generated(small_org_records()) as org, pytest.MonkeyPatch.context() as env:
        env.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
        with lake.get_connection() as con:
            outcomes = list(sync_objects(make_client(org), con, OBJECTS, SyncOptions()))
        with lake.get_connection() as con:  # the org's leave and holidays kept outside Salesforce, as good_run reads them
            load_absences_file(con, absences_file(org, folder / "flywheel.duckdb"))
            load_holidays_file(con, holidays_file(org, folder / "flywheel.duckdb"))
    assert all(isinstance(o, SyncReport) for o in outcomes), outcomes
    started = time.monotonic()
    env = {**lake.dbt_env(), "TZ": NOT_UTC, "FLYWHEEL_SPARK_SHUFFLE_PARTITIONS": "1"}  # a small org: one partition
    build = dbt_cli(lake.dbt_target).cli(["run"], env=env, target_path=folder / "dbt-target", raise_on_error=False).wait()
    print(f"dbt run on Spark took {time.monotonic() - started:.0f} s")
    assert build.is_successful(), (folder / "dbt-target" / "dbt.log").read_text()[-5000:]
    return lake


def test_every_model_builds_on_spark_and_every_mart_is_the_duckdb_one(spark_build, good_run):
    """Same rows, same flags and evidence, same scores, with dbt's process in a time zone that is
    not UTC (the session is pinned to UTC)."""
    with spark_build.get_connection() as con:
        con.execute(f"ATTACH '{good_run.database}' AS duck (READ_ONLY)")
        assert_same_marts(con, spark=lambda mart: f"marts.{mart}", duck=lambda mart: f"duck.marts.{mart}")


# --- the long tier ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def spark_run(tmp_path_factory):
    require_spark()
    folder = tmp_path_factory.mktemp("spark_run")
    (folder / "dagster_home").mkdir()
    with SampleOrg.from_generated(small_org_records()) as org:
        env = {
            **os.environ, "TZ": NOT_UTC, "REQUESTS_CA_BUNDLE": str(org.ca_file),
            "DAGSTER_HOME": str(folder / "dagster_home"),
            "FLYWHEEL_WAREHOUSE": "spark", "FLYWHEEL_LAKE_DIR": str(folder / "lake"),
            "FLYWHEEL_DUCKDB_PATH": str(folder / "flywheel.duckdb"), "FLYWHEEL_EXPORT_DIR": str(folder / "exports"),
            "SALESFORCE_INSTANCE_URL": org.url, "SALESFORCE_ACCESS_TOKEN": org.issue_token(),
            "FLYWHEEL_SPARK_SHUFFLE_PARTITIONS": "2",
            # the org's leave kept outside Salesforce, as good_run reads it
            "FLYWHEEL_ABSENCES_FILE": str(absences_file(org, folder / "flywheel.duckdb") or ""),
            "FLYWHEEL_HOLIDAYS_FILE": str(holidays_file(org, folder / "flywheel.duckdb") or ""),
        }
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "dagster", "job", "execute", "-m", "pipelines.definitions", "-j", "adoption_refresh"],
            env=env, cwd=folder, capture_output=True, text=True, timeout=2700,
        )
    print(f"the Spark run took {time.monotonic() - started:.0f} s")
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
    return folder


def published(exports: Path, mart: str) -> str:
    return f"read_parquet('{exports / 'current' / f'{mart}.parquet'}')"


@pytest.mark.spark_parity
def test_spark_publishes_every_mart_as_duckdb_does(spark_run, good_run):
    """Same rows, same flags and evidence, same scores, in a machine time zone that is not UTC."""
    with duckdb.connect() as con:
        assert_same_marts(con, spark=lambda mart: published(spark_run / "exports", mart),
                          duck=lambda mart: published(good_run.exports, mart))


@pytest.mark.spark_parity
def test_spark_run_lands_raw_rows_in_the_lake_and_writes_the_report(spark_run):
    lake = spark_run / "lake"
    for table in (spec.table for spec in OBJECTS):
        current = lake / "raw_salesforce" / table / CURRENT
        assert current.is_symlink() and list(current.glob("*.parquet")), table
    with LakeWarehouse.at(lake).get_connection() as con:
        (states,) = con.execute("SELECT count(*) FROM raw_salesforce._sync_state WHERE watermark IS NOT NULL").fetchone()
        assert states == len(OBJECTS)
    assert not (spark_run / "flywheel.duckdb").exists(), "on Spark the raw rows land in the lake only"
    assert (spark_run / "exports" / "report" / "adoption_report.html").is_file()
    assert (spark_run / "exports" / "current" / "flywheel_marts.duckdb").is_file()
