"""Shared set-up: the dbt manifest the Definitions need, prepared once per test session."""

import os

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "yes")


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest():
    from pipelines.dbt_project import prepare_manifest

    return prepare_manifest()
