"""Importing any module of Flywheel has no side effect: no environment written, no file created,
no thread or server started. (The code location is built when asked: `pipelines.definitions.defs`.)"""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import importlib, json, os, pkgutil, sys, threading
import pipelines
before = dict(os.environ)
names = [m.name for m in pkgutil.walk_packages(pipelines.__path__, "pipelines.") if not m.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"modules": len(names), "environ_changed": sorted(set(os.environ.items()) ^ set(before.items())),
                  "threads": threading.active_count()}))
"""


def repo_files() -> set[Path]:
    """The repository's files, less what other tests write meanwhile (dbt's target/ and logs/,
    caches, run data): the suite runs on two workers."""
    skip = {".git", "__pycache__", "target", "logs", "data", "dagster_home", "test-artifacts", ".pytest_cache"}
    return {p for p in REPO.rglob("*") if not skip & set(p.relative_to(REPO).parts)}


def test_importing_every_module_writes_nothing_and_starts_nothing(tmp_path):
    before = repo_files()
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    import json

    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["modules"] > 40
    assert report["environ_changed"] == []
    assert report["threads"] == 1
    assert list(tmp_path.iterdir()) == []  # nothing created where it ran (nor a data/ folder)
    assert repo_files() - before == set()


def test_the_command_starts_without_dagster_dbt_or_duckdb(tmp_path):
    """`flywheel --help` answers at once: the command's module imports none of the heavy packages
    (each subcommand imports what it needs when it runs). Its speed: benchmarks/cli_startup.py."""
    probe = ("import sys, pipelines.cli.main; "
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'dagster', 'dagster_dbt', 'dbt', 'duckdb', "
             "'pandas', 'great_expectations', 'pyarrow', 'requests', 'simple_salesforce'}))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
