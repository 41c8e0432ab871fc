"""Shared set-up: the dbt manifest the Definitions need, prepared once before collection; the
order and grouping of tests across workers; and a check that the suite leaves the checkout as it
found it (docs/testing.md).

Test modules import `pipelines.definitions` (and the `@dbt_assets` it holds) at import time, and
`@dbt_assets` reads `dbt_project/target/manifest.json` when it is applied; so the manifest has to
exist before pytest imports the first test module, not in a fixture. Under pytest-xdist the
controller prepares it once, before it starts the workers.
"""

import os
import subprocess
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "yes")

REPO = Path(__file__).resolve().parents[1]
_UNTRACKED = pytest.StashKey[set]()


def untracked_files() -> set[str] | None:
    """The files `git status` lists as untracked (git-ignored ones are not); None outside a git
    checkout. Edits to tracked files are left out: a developer may be editing while the suite runs."""
    done = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO,
                          capture_output=True, text=True)
    return {line[3:] for line in done.stdout.splitlines() if line.startswith("??")} if done.returncode == 0 else None


def is_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")  # a pytest-xdist worker has it


def pytest_sessionstart(session):
    if not is_controller(session.config):  # the controller prepared the manifest
        return
    from pipelines.dbt.project import ensure_manifest

    ensure_manifest()
    if (untracked := untracked_files()) is not None:
        session.config.stash[_UNTRACKED] = untracked


def pytest_sessionfinish(session):
    """The suite writes nothing into the checkout that git would show: run data, dbt's files and
    reports go to temporary folders or to git-ignored ones. A file that appears fails the run."""
    before = session.config.stash.get(_UNTRACKED, None)
    if before is None or not is_controller(session.config):
        return
    appeared = sorted((untracked_files() or set()) - before)
    if appeared:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.line("")
        reporter.write_sep("=", "the tests left files in the checkout (git status: untracked)", red=True)
        for name in appeared:
            reporter.write_line(name)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# The longest tests, started first (in this order) so that none of them is left running alone at the end.
LONGEST_FIRST = ("test_soak.py", "test_spark.py", "test_quickstart.py")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook reads the groups into the test ids
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`--dist loadgroup`, `--no-loadscope-reorder`): the tests of a module
    that share a module-scoped fixture (one run of the job, one dbt build) stay on one worker, so
    it is built once; every other test goes to whichever worker is free; the slow ones are handed
    out first, the longest before them."""
    def order(item):
        name = item.path.name
        return (LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST),
                item.get_closest_marker("slow") is None)

    items.sort(key=order)  # stable: within a rank, the collection order
    for item in items:
        shared = [defs[-1] for defs in item._fixtureinfo.name2fixturedefs.values() if defs[-1].scope == "module"]
        if shared:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
