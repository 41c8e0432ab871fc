"""Shared set-up: the dbt manifest the Definitions need, prepared once before collection.

Test modules import `pipelines.definitions` (and the `@dbt_assets` it holds) at import time, and
`@dbt_assets` reads `dbt_project/target/manifest.json` when it is applied; so the manifest has to
exist before pytest imports the first test module, not in a fixture. Under pytest-xdist the
controller prepares it once, before it starts the workers.
"""

import os

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "yes")


def pytest_sessionstart(session):
    if hasattr(session.config, "workerinput"):  # a pytest-xdist worker: the controller prepared it
        return
    from pipelines.dbt.project import ensure_manifest

    ensure_manifest()


# The longest tests, started first (in this order) so that none of them is left running alone at the end.
LONGEST_FIRST = ("test_soak.py", "test_quickstart.py")


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
