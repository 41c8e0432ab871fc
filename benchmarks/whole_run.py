"""Benchmark: what one whole run of `adoption_refresh` on the small org costs, as the tests pay it.

    python benchmarks/whole_run.py              # three runs, each on a new database folder
    python benchmarks/whole_run.py --runs 5

Each run is `run_pipeline` of `tests/integration/conftest.py` on `SMALL` (the org the integration
tests use), in this process, on a database in a folder of its own: what a test that starts its
own run pays. Printed per run: its wall time and where it went (the sync, dbt, the rest: gates and
publication), dbt's nodes (from the build's `run_results.json`), dbt's own elapsed time, and
whether dbt parsed the project from scratch.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_results(folder: Path) -> tuple[int, float, str]:
    """The dbt build's nodes, its elapsed seconds, and how it parsed (from dbt's log)."""
    [results] = folder.rglob("run_results.json")
    data = json.loads(results.read_text())
    log = "\n".join(p.read_text() for p in folder.rglob("dbt.log"))
    parse = "full parse" if ("Starting full parse" in log or "Unable to do partial parsing" in log) else "partial parse"
    return len(data["results"]), data["elapsed_time"], parse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT / "tests" / "integration"), str(ROOT)]  # its conftest imports tests.support
    import os

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "yes")
    from conftest import SMALL, run_pipeline, step_seconds

    from pipelines.dbt.project import ensure_manifest
    from pipelines.sample_org.org import SampleOrg

    ensure_manifest()
    with tempfile.TemporaryDirectory(prefix="flywheel-whole-run-") as tmp, SampleOrg.from_generator(SMALL) as org:
        os.environ["REQUESTS_CA_BUNDLE"] = str(org.ca_file)
        for n in range(1, args.runs + 1):
            folder = Path(tmp) / f"run-{n}"
            folder.mkdir()
            started = time.monotonic()
            result = run_pipeline(org, folder / "flywheel.duckdb", folder / "exports")
            seconds = time.monotonic() - started
            nodes, dbt_elapsed, parse = build_results(folder)
            steps = ", ".join(f"{part} {s:.1f} s" for part, s in step_seconds(result).items())
            print(f"run {n}: {'ok' if result.success else 'FAILED'} in {seconds:.1f} s ({steps}); dbt: {nodes} nodes, "
                  f"{dbt_elapsed:.1f} s elapsed, {parse}", flush=True)


if __name__ == "__main__":
    main()
