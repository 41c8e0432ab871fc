"""Benchmark: extraction (REST and Bulk), dbt, and an incremental run, for orgs of growing size.

    python benchmarks/extraction.py --users 500 2000 5000 --days 180
    python benchmarks/extraction.py --users 5000 --days 180 --login-history-multiplier 10
    python benchmarks/extraction.py --users 500 2000 --days 180 --warehouse spark --skip-baseline   # dbt on Spark

For each size the sample org runs in its own process (as a real org would be elsewhere); each
phase runs in a fresh worker process so its peak memory (RSS) is its own. Printed per object
and path: records/s and the Composite or Bulk calls that carried its requests; for the run: API
calls beside the fewest the page sizes allow, peak RSS, and the seconds of each stage (extract,
dbt, gates, publish); then an incremental run after 1% of the records changed; then a
straightforward baseline (simple-salesforce `query_all` → pandas → DuckDB) on the same org, and
the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import multiprocessing as mp
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REST_PAGE, BULK_PAGE = 2000, 50_000
QUERIES_PER_CALL = 5  # a Composite call carries up to five queries (or next pages)


# --- the org, in its own process --------------------------------------------------------------
def serve_org(config_args: dict, conn) -> None:
    from pipelines.sample_org.generator import GeneratorConfig
    from pipelines.sample_org.org import SampleOrg

    config = GeneratorConfig(end_date=dt.date(2026, 11, 15), **config_args)
    with SampleOrg.from_generator(config) as org:
        conn.send({"url": org.url, "token": org.issue_token(), "ca": str(org.ca_file),
                   "counts": {n: org.store.count(n) for n in org.generated.tables}})
        while True:
            command = conn.recv()
            if command == "stop":
                return
            if command == "token":
                conn.send(org.issue_token())
            elif command == "change_1_percent":
                conn.send(change_share(org, 0.01))


def change_share(org, share: float) -> int:
    """Change `share` of every object's records, as a day of work would: edits to the records
    people edit, new rows (copies stamped now) for LoginHistory and OpportunityHistory, which
    Salesforce only ever appends to."""
    from pipelines.sample_org.ids import make_id
    from pipelines.sample_org.schema import OBJECTS as SCHEMA

    changed, now = 0, org.store.now()
    edits = {"User": "Title", "Lead": "Company", "Opportunity": "Name", "Task": "Subject", "Event": "Subject"}
    for name in (*edits, "LoginHistory", "OpportunityHistory"):
        picked = org.store.records(name, include_deleted=True, every=max(1, round(1 / share)))
        if name in edits:
            org.store.upsert(name, [{"Id": r["Id"], edits[name]: f"changed {r['Id']}"} for r in picked])
        else:
            stamp = "LoginTime" if name == "LoginHistory" else "SystemModstamp"
            org.store.upsert(name, [
                {**r, "Id": make_id(SCHEMA[name].key_prefix, 10**9 + i), stamp: now,
                 **({"CreatedDate": now} if name == "OpportunityHistory" else {})}
                for i, r in enumerate(picked)
            ])
        changed += len(picked)
    return changed


# --- one phase, in a fresh worker process -----------------------------------------------------
def tree_rss_mb(root: int) -> float:
    """The resident memory of a process and all its descendants (dbt and, on Spark, its JVM), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    total = 0
    for pid in tree:
        try:
            total += int(next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                              if line.startswith("VmRSS:")).split()[1])
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024


def run_measured(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, float]:
    """Run `command` (with `env` added to the environment); its exit code and the peak memory of
    its process tree (sampled every 0.2 s)."""
    child = subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {})},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    while child.poll() is None:
        peak = max(peak, tree_rss_mb(child.pid))
        time.sleep(0.2)
    return child.returncode, peak


def warehouse_of(warehouse: str, database: str):
    """The DuckDB file, or (`spark`) the lake folder."""
    from pipelines.storage.lake import LakeWarehouse
    from pipelines.storage.warehouse import DuckDBWarehouse

    return LakeWarehouse.at(Path(database)) if warehouse == "spark" else DuckDBWarehouse(database=database)


def worker(phase: str, url: str, token: str, database: str, warehouse: str = "duckdb") -> dict:
    import duckdb

    from pipelines.extract.outcomes import SyncFailure
    from pipelines.extract.sync import sync_objects
    from pipelines.salesforce.auth import Credentials, connect
    from pipelines.salesforce.client import SalesforceClient
    from pipelines.salesforce.objects import OBJECTS

    store = warehouse_of(warehouse, database)
    creds = Credentials(instance_url=url, access_token=token)
    client = SalesforceClient(connect(creds), mode=creds.mode)
    out: dict = {"objects": {}}
    started = time.monotonic()
    if phase == "baseline":
        import pandas as pd

        for spec in OBJECTS:
            t0 = time.monotonic()
            fields = ", ".join(f for f in spec.fields)
            records = client.sf.query_all(f"SELECT {fields} FROM {spec.name}", include_deleted=True)["records"]
            frame = pd.json_normalize(records).drop(columns=[c for c in ("attributes",) if c in records[0]] if records else [], errors="ignore")
            with duckdb.connect(database) as con:
                con.execute(f'CREATE OR REPLACE TABLE "{spec.table}" AS SELECT * FROM frame')
            out["objects"][spec.name] = {"rows": len(records), "seconds": time.monotonic() - t0}
    elif phase == "dbt":
        target = tempfile.mkdtemp(prefix="flywheel-bench-dbt-")
        code, out["tree_peak_rss_mb"] = run_measured(
            ["dbt", "build", "--profiles-dir", ".", *(["--target", store.dbt_target] if store.dbt_target else []),
             "--target-path", target, "--log-path", target],
            cwd=Path(__file__).resolve().parent.parent / "dbt_project", env=store.dbt_env(),
        )
        out["dbt_ok"] = code == 0
    elif phase == "gates":
        from pipelines.dbt.project import mart_keys
        from pipelines.quality.gates import mart_gate, raw_gate

        failures = 0
        with store.get_connection() as con:
            for spec in OBJECTS:
                failures += len(raw_gate(con, spec=spec).errors)
            for mart, key in mart_keys().items():
                failures += len(mart_gate(con, mart=mart, key=key).errors)
        out["gate_failures"] = failures
    elif phase == "publish":
        from pipelines.dbt.project import dbt_project, published_marts
        from pipelines.publish.publication import model_versions, publish

        marts = list(published_marts())
        with store.get_connection() as con:
            publish(con, marts, Path(database).parent / "exports", "benchmark",
                    model_versions(dbt_project.manifest_path, marts))
    else:
        with store.get_connection() as con:
            for report in sync_objects(client, con, OBJECTS):
                if isinstance(report, SyncFailure):
                    raise report.error
                out["objects"][report.object_name] = {
                    "rows": report.rows_read, "seconds": report.seconds, "calls": report.api_calls,
                    "path": report.path, "pages": report.pages, "changed": report.rows_new + report.rows_changed,
                }
            if phase == "full":  # the absences table the models read (empty: no file), as the job loads it
                from pipelines.leave.absences_file import load_absences_file

                load_absences_file(con, None)
        out["calls"] = client.calls
    out["seconds"] = time.monotonic() - started
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["children_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return out


def run_worker(phase: str, url: str, token: str, database: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "_worker", phase, url, token, str(database), WAREHOUSE],
        env={**os.environ, "REQUESTS_CA_BUNDLE": CA}, capture_output=True, text=True,
    )
    if done.returncode:
        raise SystemExit(f"{phase} worker failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def fewest_calls(objects: dict, full: bool) -> int:
    """The fewest calls the page sizes allow: one Composite call of describes, on a first load
    the COUNT()s five to a call, each Bulk job's create, two status polls and result pages, and
    every REST page five to a Composite call."""
    rest_pages = sum(max(1, math.ceil(o["rows"] / REST_PAGE)) for o in objects.values() if o["path"] == "REST")
    bulk = sum(3 + max(1, math.ceil(o["rows"] / BULK_PAGE)) for o in objects.values() if o["path"] == "Bulk")
    counts = math.ceil(len(objects) / QUERIES_PER_CALL) if full else 0
    return 1 + counts + bulk + math.ceil(rest_pages / QUERIES_PER_CALL)


CA = ""
WAREHOUSE = "duckdb"


def bench(users: int, days: int, multiplier: int, baseline: bool) -> None:
    global CA
    parent, child = mp.Pipe()
    t0 = time.monotonic()
    server = mp.get_context("spawn").Process(
        target=serve_org, args=({"users": users, "days": days, "login_history_multiplier": multiplier}, child), daemon=True
    )
    server.start()
    info = parent.recv()
    CA = info["ca"]
    total = sum(v for k, v in info["counts"].items() if k not in ("Profile", "UserRole", "Account"))
    print(f"\n=== org: {users:,} users × {days} days, LoginHistory × {multiplier}: {total:,} records "
          f"(generated and served in {time.monotonic() - t0:.0f}s) ===")
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / ("lake" if WAREHOUSE == "spark" else "flywheel.duckdb")
        full = run_worker("full", info["url"], info["token"], database)
        print(f"{'object':<20} {'path':<5} {'rows':>10} {'records/s':>10} {'calls carrying it':>17}")
        for name, o in full["objects"].items():
            print(f"{name:<20} {o['path']:<5} {o['rows']:>10,} {o['rows'] / max(o['seconds'], 1e-9):>10,.0f} "
                  f"{o['calls']:>17}")
        models = run_worker("dbt", info["url"], info["token"], database)
        gates = run_worker("gates", info["url"], info["token"], database)
        published = run_worker("publish", info["url"], info["token"], database)
        rows, calls = sum(o["rows"] for o in full["objects"].values()), full["calls"]
        print(f"API calls: {calls} (the fewest the page sizes allow: {fewest_calls(full['objects'], True)})")
        print(f"stages: extract {full['seconds']:.1f}s ({rows / full['seconds']:,.0f} records/s, "
              f"peak RSS {full['peak_rss_mb']:.0f} MB) | dbt build {models['seconds']:.1f}s "
              f"({'ok' if models['dbt_ok'] else 'FAILED'} on {WAREHOUSE}, peak RSS {models['tree_peak_rss_mb']:.0f} MB) | "
              f"gates {gates['seconds']:.1f}s ({gates['gate_failures']} failing, peak RSS {gates['peak_rss_mb']:.0f} MB; "
              f"the first load's rows, as a first run's gates see them) | "
              f"publish {published['seconds']:.1f}s (peak RSS {published['peak_rss_mb']:.0f} MB)")

        parent.send("change_1_percent")
        changed = parent.recv()
        parent.send("token")
        incremental = run_worker("incremental", info["url"], parent.recv(), database)
        inc_calls = incremental["calls"]
        inc_changed = sum(o["changed"] for o in incremental["objects"].values())
        print(f"incremental after changing or adding {changed:,} records: {inc_changed:,} rows new/changed, "
              f"{inc_calls} API calls (fewest {fewest_calls(incremental['objects'], False)}; "
              f"{inc_calls / calls:.1%} of the full run's {calls}), "
              f"{incremental['seconds']:.1f}s ({incremental['seconds'] / full['seconds']:.1%} of its time), "
              f"peak RSS {incremental['peak_rss_mb']:.0f} MB")

        if not baseline:
            print("baseline skipped (--skip-baseline)")
            parent.send("stop")
            server.join(timeout=30)
            return
        parent.send("token")
        baseline_run = run_worker("baseline", info["url"], parent.recv(), Path(tmp) / "baseline.duckdb")
        base_rate = sum(o["rows"] for o in baseline_run["objects"].values()) / baseline_run["seconds"]
        ours = rows / full["seconds"]
        print(f"baseline query_all → pandas → DuckDB: {base_rate:,.0f} records/s, peak RSS "
              f"{baseline_run['peak_rss_mb']:.0f} MB; Flywheel {ours:,.0f} records/s = {ours / base_rate:.1f}× the baseline")
    parent.send("stop")
    server.join(timeout=30)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_worker":
        phase, url, token, database, warehouse = sys.argv[2:7]
        print(json.dumps(worker(phase, url, token, database, warehouse)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[500, 2000, 5000])
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--login-history-multiplier", type=int, default=1)
    parser.add_argument("--skip-baseline", action="store_true", help="the baseline holds every record in memory")
    parser.add_argument("--warehouse", choices=["duckdb", "spark"], default="duckdb",
                        help="spark: raw rows land in a lake, dbt builds on Spark (pip install -e '.[spark]')")
    args = parser.parse_args()
    global WAREHOUSE
    WAREHOUSE = args.warehouse
    for users in args.users:
        bench(users, args.days, args.login_history_multiplier, not args.skip_baseline)


if __name__ == "__main__":
    main()
