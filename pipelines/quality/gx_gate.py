"""Run a Great Expectations 1.x suite (JSON in `expectations/`) on a dataframe, and say why it failed.

GX's SQL datasource does not work on DuckDB, so the rows are read with DuckDB into pandas and
validated as a dataframe batch. Each expectation carries GX's own `severity`: `critical` blocks
what comes after (a failure of severity "error" here), `warning` is reported and does not block.

With a `DataDocs` location, every validation result is kept in a file store and rendered into a
Data Docs site (one page per validation, an index of all of them); the newest `KEEP_RESULTS`
results of each suite are kept. `validate` only stores its result: `build_docs` renders every
result stored since it last ran, their suites' pages and the index in one pass (GX compiles its
page templates once per pass, which is most of what a page costs), once a run (the Data Docs
asset) and by a gate that fails (so that its page is reachable from the index when the run stops
there).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

EXPECTATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "expectations"
SAMPLE_IDS = 5
KEEP_RESULTS = 30
RENDERED_THROUGH = "rendered_through"  # in the store: the newest result build_docs has rendered
DOCS_SITE = "flywheel"
_CONDITION_COLUMN = re.compile(r"([A-Za-z_]\w*)\.(?:isnull|notnull)\(\)")


@dataclass(frozen=True)
class DataDocs:
    """Where validation results are kept (`store`) and where Data Docs are rendered (`site`)."""

    store: Path
    site: Path

    @property
    def index(self) -> Path:
        return self.site / "index.html"


@dataclass(frozen=True)
class Failure:
    expectation: str
    column: str
    severity: str  # "error" | "warning"
    observed: str
    sample_ids: list[str]

    def sentence(self) -> str:
        ids = f" e.g. {', '.join(self.sample_ids)}" if self.sample_ids else ""
        return f"{self.expectation} on {self.column}: {self.observed}{ids}"


@dataclass
class GateResult:
    table: str
    rows: int
    failures: list[Failure] = field(default_factory=list)

    @property
    def errors(self) -> list[Failure]:
        return [f for f in self.failures if f.severity == "error"]

    @property
    def warnings(self) -> list[Failure]:
        return [f for f in self.failures if f.severity != "error"]


def load_suite(name: str, directory: Path = EXPECTATIONS_DIR) -> dict[str, Any]:
    return orjson.loads((directory / f"{name}.json").read_bytes())


def suite_columns(suite: dict[str, Any]) -> set[str]:
    """The columns a suite's expectations read: all a gate needs to load (a pandas `row_condition`
    names its column as `<column>.isnull()` or `<column>.notnull()`)."""
    columns: set[str] = set()
    for item in suite["expectations"]:
        kwargs = item["kwargs"]
        columns.update([kwargs["column"]] if "column" in kwargs else kwargs.get("column_list", []))
        columns.update(_CONDITION_COLUMN.findall(kwargs.get("row_condition", "")))
    return columns


def _context(docs: DataDocs | None) -> Any:
    """An in-memory GX context; with `docs`, one whose stores are files and which has a docs site."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        FilesystemStoreBackendDefaults,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    if docs is None:
        config = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False))
    else:
        config = DataContextConfig(
            store_backend_defaults=FilesystemStoreBackendDefaults(root_directory=str(docs.store)),
            data_docs_sites={DOCS_SITE: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs.site)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", "show_cta_footer": False},
            }},
        )
    config.analytics_enabled = False
    config.progress_bars = ProgressBarsConfig(globally=False)
    return gx.get_context(mode="ephemeral", project_config=config)


def build_docs(docs: DataDocs) -> None:
    """Render every validation result stored since the last call, the pages of their suites and
    the index of every kept result; forget each suite's results beyond KEEP_RESULTS."""
    from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

    if not docs.store.exists():
        return
    context = _context(docs)
    store = context.validation_results_store
    keys = sorted(store.list_keys(), key=lambda k: k.run_id.run_time)
    by_suite: dict[str, list[Any]] = {}
    for key in keys:
        by_suite.setdefault(key.expectation_suite_identifier.name, []).append(key)
    for old in (k for suite_keys in by_suite.values() for k in suite_keys[:-KEEP_RESULTS]):
        store.remove_key(old)
        keys.remove(old)
    if not keys:
        return
    marker = docs.store / RENDERED_THROUGH
    rendered_through = marker.read_text().strip() if marker.exists() else ""
    new = [k for k in keys if k.run_id.run_time.isoformat() > rendered_through] or keys[-1:]
    suites = sorted({k.expectation_suite_identifier.name for k in new})
    context.build_data_docs(
        site_names=[DOCS_SITE], build_index=True,
        resource_identifiers=[*new, *(ExpectationSuiteIdentifier(name=name) for name in suites)],
    )
    marker.write_text(max(k.run_id.run_time for k in keys).isoformat())


def validate(frame: Any, suite: dict[str, Any], id_columns: Sequence[str], docs: DataDocs | None = None) -> GateResult:
    """Validate `frame` (pandas) against `suite`; `id_columns` (a row's Id, or a mart's key) name
    offending rows; with `docs`, the result is kept for Data Docs (`build_docs` renders it)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
    from great_expectations.expectations.metadata_types import FailureSeverity

    result = GateResult(table=suite["name"], rows=len(frame))
    context = _context(docs)
    batch = (
        context.data_sources.add_pandas("flywheel")
        .add_dataframe_asset(suite["name"])
        .add_batch_definition_whole_dataframe("run")
    )
    gx_suite = context.suites.add_or_update(gx.ExpectationSuite(name=suite["name"]))
    for item in suite["expectations"]:
        gx_suite.add_expectation_configuration(ExpectationConfiguration(
            type=item["type"], kwargs=item["kwargs"], meta=item.get("meta"),
            severity=FailureSeverity(item.get("severity", FailureSeverity.CRITICAL)),
        ))
    gx_suite.save()
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=suite["name"], data=batch, suite=gx_suite)
    )
    index = [c for c in id_columns if c in frame.columns] or None
    run = definition.run(
        batch_parameters={"dataframe": frame},
        result_format={"result_format": "COMPLETE", **({"unexpected_index_column_names": index} if index else {})},
    )
    for outcome in run.results:
        if outcome.success:
            continue
        config = outcome.expectation_config
        kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
        severity = "error" if config.severity == FailureSeverity.CRITICAL else "warning"
        result.failures.append(_failure(config.type, kwargs, outcome, severity, index or []))
    return result


def _failure(kind: str, kwargs: dict[str, Any], outcome: Any, severity: str, id_columns: list[str]) -> Failure:
    details = outcome.result or {}
    column = kwargs.get("column") or ", ".join(kwargs.get("column_list", []))
    if outcome.exception_info and outcome.exception_info.get("raised_exception"):
        observed = f"could not be evaluated: {outcome.exception_info.get('exception_message', '')[:200]}"
    elif "unexpected_count" in details:
        values = ", ".join(repr(v) for v in (details.get("partial_unexpected_list") or [])[:SAMPLE_IDS])
        observed = f"{details['unexpected_count']} of {details.get('element_count', '?')} rows unexpected ({values})"
    else:
        observed = f"observed {details.get('observed_value')!r}"
    ids = []
    for row in details.get("unexpected_index_list") or []:
        values = [row.get(c) for c in id_columns] if isinstance(row, dict) and id_columns else [None]
        value = "/".join(str(v) for v in values) if any(v is not None for v in values) else None
        if value is not None and value not in ids:
            ids.append(value)
        if len(ids) == SAMPLE_IDS:
            break
    return Failure(expectation=kind, column=column, severity=severity, observed=observed, sample_ids=ids)


@dataclass(frozen=True)
class SuiteStatus:
    suite: str
    validated_at: str
    success: bool
    failed_expectations: int
    evaluated_expectations: int


def latest_statuses(docs: DataDocs) -> list[SuiteStatus]:
    """The newest stored validation of every suite, for a summary beside the Data Docs."""
    if not docs.store.exists():
        return []
    store = _context(docs).validation_results_store
    newest: dict[str, Any] = {}
    for key in store.list_keys():
        name = key.expectation_suite_identifier.name
        if name not in newest or key.run_id.run_time > newest[name].run_id.run_time:
            newest[name] = key
    statuses = []
    for name, key in sorted(newest.items()):
        stats = store.get(key).statistics
        statuses.append(SuiteStatus(
            suite=name,
            validated_at=key.run_id.run_time.strftime("%Y-%m-%d %H:%M UTC"),
            success=stats["unsuccessful_expectations"] == 0,
            failed_expectations=stats["unsuccessful_expectations"],
            evaluated_expectations=stats["evaluated_expectations"],
        ))
    return statuses
