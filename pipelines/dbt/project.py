"""The one dbt project, shared by `@dbt_assets` and the `DbtCliResource`, and what its manifest
says the rest of Flywheel needs (the marts).

dagster-dbt needs the project's manifest before the Definitions are built: `ensure_manifest()`
parses the project when the manifest is missing or older than a file of the project (so editing a
model under `dg dev` is picked up, and `dg launch` does not parse an unchanged project again).
Nothing here runs at import.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from dagster_dbt import DagsterDbtProjectPreparer, DbtCliInvocation, DbtCliResource, DbtProject
from packaging.version import Version

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
MARTS_FOLDER = "marts"
# What the manifest is parsed from: a change to any file under these makes it stale.
PROJECT_SOURCES = ("dbt_project.yml", "profiles.yml", "models", "macros", "tests")

# dbt's own log file (`dbt.log` in the target folder) at info: a line per node and its result.
# At dbt's default (debug) it holds every query and event as JSON, a tenth of a build's time.
DBT_GLOBAL_FLAGS = ["--log-level-file", "info"]


class ManifestPreparer(DagsterDbtProjectPreparer):
    """dagster-dbt's preparer (its guard against two processes preparing at once, `dbt deps` when
    the project has packages), with the parse and the metric definitions made by dbt in this
    process: one start of dbt instead of two subprocesses (31 s on a clean checkout, 13 s so)."""

    def _prepare_manifest(self, project: DbtProject) -> None:
        from dbt.cli.main import dbtRunner

        target = project.manifest_path.parent
        where = ["--project-dir", str(project.project_dir), "--profiles-dir", str(project.profiles_dir),
                 "--target-path", str(target), "--log-path", str(target)]
        parsed = dbtRunner().invoke([*DBT_GLOBAL_FLAGS, "--quiet", "parse", *where])
        if not parsed.success:
            raise RuntimeError(f"dbt could not parse {project.project_dir}: {parsed.exception} (dbt.log in {target})")
        documented = dbtRunner(manifest=parsed.result).invoke(
            [*DBT_GLOBAL_FLAGS, "--quiet", "docs", "generate", "--static", "--no-compile", "--empty-catalog", *where])
        if not documented.success:
            raise RuntimeError(f"dbt could not write the metric definitions: {documented.exception}")


# One parse for every run: dbt reuses a parse (`partial_parse.msgpack`) only for the same command
# line vars and `--target` and the same profile values. So a run on DuckDB names no target (the
# profile's default) and no var (where the data is reaches dbt through its environment:
# `FlywheelDbtCli.cli`), profiles.yml holds no path, and the parse prepared here, with neither,
# is the one dagster-dbt copies into each run's target folder (and the one `dbt build` by hand
# in the project reuses).
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


_ENVIRONMENT_LOCK = threading.Lock()


@contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    """`env` in this process's environment for the duration of the block, then what was there."""
    before = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class FlywheelDbtCli(DbtCliResource):
    """dagster-dbt's `DbtCliResource` for this project, with the dbt version read from the
    installed dbt-core package (dagster-dbt asks `dbt --version` in a subprocess (3 s) for it once
    per resource, which is once per run), no dbt adapter in this process, and an environment for
    each dbt call."""

    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        """No dbt adapter in this process. dagster-dbt makes one at every `cli` call (it loads dbt's
        profile and project, and imports dbt the first time: seconds per run) only for
        `fetch_column_metadata` and `fetch_row_counts`, which Flywheel does not call:
        `with_table_metadata` reads the tables itself once dbt has let go of the DuckDB file."""
        return None

    def cli(self, args: Sequence[str], *, env: Mapping[str, str] | None = None, **kwargs: Any) -> DbtCliInvocation:
        """dagster-dbt's `cli`, with `env` (where the data is: `DuckDBWarehouse.dbt_env`) added to
        the dbt process's environment. dagster-dbt builds that environment from this process's
        (`os.environ`) when it starts dbt and takes no environment of its own: `env` is set there
        only while dbt starts, under a lock, so two runs in one process never give dbt each
        other's database."""
        with _ENVIRONMENT_LOCK, _environment(env or {}):
            return super().cli(args, **kwargs)


def dbt_cli(target: str | None = None) -> FlywheelDbtCli:
    """The resource every dbt call goes through; `target`: a target of profiles.yml (`spark`), or
    None for its default (DuckDB)."""
    return FlywheelDbtCli(project_dir=dbt_project, global_config_flags=DBT_GLOBAL_FLAGS, target=target)


def metric_definitions_path() -> Path:
    """The metric definitions: `dbt docs generate --static` of the project, one HTML file
    documenting every model and column (types as the marts' contracts declare them), made with
    the manifest, since they change only when the project does."""
    return dbt_project.manifest_path.with_name("static_index.html")


def prepare_manifest() -> Path:
    """Parse the dbt project and write its metric definitions (no database needed); return the
    manifest's path."""
    ManifestPreparer().prepare(dbt_project)
    return dbt_project.manifest_path


def manifest_is_current(project_dir: Path = DBT_PROJECT_DIR, outputs: tuple[Path, ...] | None = None) -> bool:
    """Whether the manifest and the metric definitions exist and are newer than every file they
    are parsed from."""
    outputs = outputs or (dbt_project.manifest_path, metric_definitions_path())
    if not all(o.exists() for o in outputs):
        return False
    parsed = min(o.stat().st_mtime for o in outputs)
    sources = [project_dir / name for name in PROJECT_SOURCES]
    files = [p for source in sources if source.exists() for p in ([source] if source.is_file() else source.rglob("*"))]
    return all(p.stat().st_mtime <= parsed for p in files if p.is_file())


def ensure_manifest() -> Path:
    """The manifest (and the metric definitions), made now when missing or stale."""
    if not manifest_is_current():
        return prepare_manifest()
    return dbt_project.manifest_path


def _mart_nodes(manifest_path: Path | None) -> list[dict[str, Any]]:
    manifest = json.loads(Path(manifest_path or dbt_project.manifest_path).read_text())
    return sorted((node for node in manifest["nodes"].values()
                   if node["resource_type"] == "model" and node["fqn"][1:2] == [MARTS_FOLDER]), key=lambda n: n["name"])


def published_marts(manifest_path: Path | None = None) -> tuple[str, ...]:
    """The marts, read from the manifest: every model in `models/marts/`, in name order. Each is
    gated (`expectations/marts.<mart>.json`), exported and published; adding a mart is adding a
    model there and its suite."""
    return tuple(node["name"] for node in _mart_nodes(manifest_path))


def mart_keys(manifest_path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Each mart's key, as its contract declares it (the `primary_key` constraint, its columns in
    the declared order; empty for a mart without one): the gates name offending rows by it."""
    return {node["name"]: next((tuple(c["columns"]) for c in node.get("constraints", []) if c["type"] == "primary_key"), ())
            for node in _mart_nodes(manifest_path)}


def dbt_vars_args(overrides: Mapping[str, Any] | None = None) -> list[str]:
    """The `--vars` of a dbt call: the thresholds given for this run, if any (a run given none
    reuses the prepared parse; dbt parses again for vars it has not parsed with)."""
    return ["--vars", json.dumps(dict(overrides))] if overrides else []
