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
