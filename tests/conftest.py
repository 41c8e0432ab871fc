"""Shared set-up: the dbt manifest the Definitions need, prepared once before collection.

Test modules import `pipelines.definitions` (and the `@dbt_assets` it holds) at import time, and
`@dbt_assets` reads `dbt_project/target/manifest.json` when it is applied; so the manifest has to
exist before pytest imports the first test module, not in a fixture. Under pytest-xdist the
controller prepares it once, before it starts the workers.
"""

import os

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "yes")


def pytest_sessionstart(session):
    if hasattr(session.config, "workerinput"):  # a pytest-xdist worker: the controller prepared it
        return
    from pipelines.dbt_project import prepare_manifest

    prepare_manifest()


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`--dist loadgroup`): the tests of a module that share a module-scoped
    fixture (one run of the job, one dbt build) stay on one worker, so it is built once; every
    other test goes to whichever worker is free."""
    import pytest

    for item in items:
        shared = [defs[-1] for defs in item._fixtureinfo.name2fixturedefs.values() if defs[-1].scope == "module"]
        if shared:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
