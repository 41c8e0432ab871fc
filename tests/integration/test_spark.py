"""The whole job on Apache Spark (`FLYWHEEL_WAREHOUSE=spark`) publishes the marts the DuckDB run does.

One run, shared by the assertions: `dagster job execute` of `adoption_refresh`, exactly as a user
runs it (the multiprocess executor the Spark warehouse uses, a persistent instance), in a machine
time zone that is not UTC, against the small sample org `good_run` (the DuckDB build) read. Spark
runs in process (pyspark, `local[2]`, Java 17). Without pyspark or Java the test is skipped with
the reason, except where `FLYWHEEL_REQUIRE_SPARK=1` (CI), where it fails.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.dbt.project import published_marts
from pipelines.storage.lake import CURRENT, LakeWarehouse
from pipelines.salesforce.objects import OBJECTS
from pipelines.sample_org.org import SampleOrg

from conftest import SMALL, absences_file, holidays_file

# runs the whole job; Spark builds the models several times slower than DuckDB on a small machine
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


@pytest.fixture(scope="module")
def spark_run(tmp_path_factory):
    reason = spark_missing()
    if reason and os.environ.get("FLYWHEEL_REQUIRE_SPARK") == "1":
        pytest.fail(f"FLYWHEEL_REQUIRE_SPARK=1 but {reason}")
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("spark_run")
    (folder / "dagster_home").mkdir()
    with SampleOrg.from_generator(SMALL) as org:
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


def test_spark_publishes_every_mart_as_duckdb_does(spark_run, good_run):
    """Same rows, same flags and evidence, same scores, in a machine time zone that is not UTC."""
    marts = published_marts()
    with duckdb.connect() as con:
        for mart in marts:
            spark, duck = published(spark_run / "exports", mart), published(good_run.exports, mart)
            columns = [name for name, kind, *_ in con.execute(f"DESCRIBE SELECT * FROM {duck}").fetchall()]
            assert [c for c, *_ in con.execute(f"DESCRIBE SELECT * FROM {spark}").fetchall()] == columns, mart
            listed = ", ".join(f'"{c}"' for c in columns)
            only_duck = con.execute(f"SELECT {listed} FROM {duck} EXCEPT ALL SELECT {listed} FROM {spark}").fetchall()
            only_spark = con.execute(f"SELECT {listed} FROM {spark} EXCEPT ALL SELECT {listed} FROM {duck}").fetchall()
            assert (only_duck, only_spark) == ([], []), f"{mart}: rows only on DuckDB / only on Spark"
            (rows,) = con.execute(f"SELECT count(*) FROM {spark}").fetchone()
            assert rows > 0 or mart == "user_absences", f"{mart} is empty: the comparison proves nothing"
        # the planted personas' flags are there: the comparison is not between two empty builds
        (flags,) = con.execute(f"SELECT count(DISTINCT flag) FROM {published(spark_run / 'exports', 'silent_non_use')}").fetchone()
        assert flags >= 4


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
