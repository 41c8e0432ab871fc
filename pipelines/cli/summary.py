"""What `flywheel demo` and `flywheel run` print after a run: where the outputs are.

Runs use a persistent local Dagster instance (telemetry off), so they show in the UI afterwards.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipelines.storage.lake import LakeWarehouse
from pipelines.publish.publication import DATABASE_NAME
from pipelines.settings import Settings
from pipelines.report.render import report_path

_DAGSTER_YAML = """telemetry:
  enabled: false
concurrency:
  pools:
    default_limit: 1
    granularity: op
"""


def dagster_home(cwd: Path) -> Path:
    """`$DAGSTER_HOME`, or `./dagster_home` (created with telemetry off if it is missing)."""
    home = Path(os.environ.get("DAGSTER_HOME") or cwd / "dagster_home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(_DAGSTER_YAML)
    return home


def table_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Row counts of every table Flywheel wrote, schema-qualified (on Spark, the lake's tables are
    views in the connection)."""
    tables = con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_schema IN ('raw_salesforce', 'marts') "
        "AND table_name NOT LIKE '\\_%' ESCAPE '\\' "
        "ORDER BY table_schema, table_name"
    ).fetchall()
    return [
        (f"{schema}.{name}", con.execute(f'SELECT count(*) FROM "{schema}"."{name}"').fetchone()[0])
        for schema, name in tables
    ]


def summary(settings: Settings, home: Path) -> str:
    current = settings.export_dir / "current"
    if settings.warehouse == "spark":  # no working DuckDB file: the lake, and the published copy to query
        database = current / DATABASE_NAME
        lines = ["", "Flywheel ran adoption_refresh on Spark. Outputs:", f"  lake (Parquet)    {settings.lake}"]
        with LakeWarehouse.at(settings.lake).get_connection() as con:
            counts = table_counts(con)
    else:
        database = settings.duckdb_path
        lines = ["", "Flywheel ran adoption_refresh. Outputs:", f"  DuckDB database  {database}"]
        with duckdb.connect(str(database), read_only=True) as con:
            counts = table_counts(con)
    lines += [f"    {name:<40} {rows:>10,} rows" for name, rows in counts]
    if current.exists():
        lines.append(f"  published marts   {current}  (Parquet, CSV, flywheel_marts.duckdb, manifest.json)")
    docs = settings.export_dir / "data_docs" / "index.html"
    if docs.exists():
        lines.append(f"  Data Docs (gates) {docs}")
    report = report_path(settings.export_dir)
    if report.exists():
        lines.append(f"  adoption report   {report}  (open it in a browser; works offline)")
    truth = settings.ground_truth_path
    if truth.exists():
        lines.append(f"  sample org ground truth  {truth}")
    lines += [
        f"  Dagster runs     {home}",
        "",
        f"Query it:    python -c \"import duckdb; duckdb.connect('{database}', read_only=True)"
        ".sql('FROM marts.silent_non_use').show()\"",
        "Open the UI: flywheel ui",
    ]
    return "\n".join(lines)
