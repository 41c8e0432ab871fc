"""Benchmark: how long `flywheel --help` (and `--version`) take, the whole process from outside.

    python benchmarks/cli_startup.py              # 10 runs of each
    python benchmarks/cli_startup.py --runs 30

Each command is started `--runs` times after one warm-up run (so the files are in the page cache,
as on a second call); printed: min, median and max wall seconds. Beside them, for scale, the
same interpreter importing the code location (`pipelines.definitions`: Dagster, dagster-dbt,
DuckDB), which is what the command imported at start before its imports were made lazy.
`farm-bench -n 10 -- flywheel --help` measures the same from outside, with CPU and memory.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "flywheel --help": ["flywheel", "--help"],
    "flywheel --version": ["flywheel", "--version"],
    "import pipelines.definitions": [sys.executable, "-c", "import pipelines.definitions"],
}


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("flywheel") is None:
        sys.exit("flywheel is not on PATH: pip install -e . first")
    print(f"{'command':<30} {'min':>8} {'median':>8} {'max':>8}   ({args.runs} runs, wall seconds)")
    for name, command in COMMANDS.items():
        seconds(command)  # warm-up
        runs = [seconds(command) for _ in range(args.runs)]
        print(f"{name:<30} {min(runs):>8.3f} {statistics.median(runs):>8.3f} {max(runs):>8.3f}")


if __name__ == "__main__":
    main()
