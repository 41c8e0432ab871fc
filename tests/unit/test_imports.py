"""Importing any module of Flywheel has no side effect: no environment written, no file created,
no thread or server started. (The code location is built when asked: `pipelines.definitions.defs`.)"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import importlib, json, os, pkgutil, sys, threading
import pipelines
before = dict(os.environ)
names = [m.name for m in pkgutil.walk_packages(pipelines.__path__, "pipelines.") if not m.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"modules": len(names), "environ_changed": sorted(set(os.environ.items()) ^ set(before.items())),
                  "threads": threading.active_count(), "imported_from": pipelines.__file__}))
"""


def private_copy(folder: Path) -> Path:
    """The package and the dbt project as committed, copied to `folder`: other tests (dbt, runs)
    write into the working tree meanwhile, so the probe watches a tree nothing else writes to."""
    tracked = subprocess.run(["git", "ls-files", "pipelines", "dbt_project"], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout.split()
    for name in tracked:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, folder / name)
    return folder


def files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if "__pycache__" not in p.parts}


@pytest.mark.slow  # imports every module (Dagster, dbt, GX) in a new process: about 6 s
def test_importing_every_module_writes_nothing_and_starts_nothing(tmp_path):
    (work := tmp_path / "work").mkdir()
    code = private_copy(tmp_path / "code")
    before = files(code)
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=work, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(code), "HOME": str(work)})
    assert done.returncode == 0, done.stderr
    import json

    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["modules"] > 40
    assert report["environ_changed"] == []
    assert report["threads"] == 1
    assert report["imported_from"] == str(code / "pipelines" / "__init__.py")  # the copy, not the installed tree
    assert list(work.iterdir()) == []  # nothing created where it ran (nor a data/ folder)
    assert files(code) - before == set()  # nor in the code: no manifest, no dbt file, no data


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
