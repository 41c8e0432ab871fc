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


def table_counts(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...] = ("raw_salesforce", "marts")) -> list[tuple[str, int]]:
    """Row counts of every table Flywheel wrote in `schemas`, schema-qualified (on Spark, the lake's
    tables are views in the connection)."""
    tables = con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        f"WHERE table_schema IN ({', '.join('?' for _ in schemas)}) "
        "AND table_name NOT LIKE '\\_%' ESCAPE '\\' "
        "ORDER BY table_schema, table_name",
        list(schemas),
    ).fetchall()
    return [
        (f"{schema}.{name}", con.execute(f'SELECT count(*) FROM "{schema}"."{name}"').fetchone()[0])
        for schema, name in tables
    ]


def summary(settings: Settings, home: Path) -> str:
    """Where a run's outputs are. Readers are pointed at the publication (`current/`), which is
    swapped in atomically and never blocks a run; the working database is the run's own."""
    current = settings.export_dir / "current"
    published = current / DATABASE_NAME
    lines = ["", "Flywheel ran adoption_refresh. Read the publication (BI tools, notebooks, SQL clients):"]
    if published.exists():
        with duckdb.connect(str(published), read_only=True) as con:
            counts = table_counts(con, ("marts",))
        lines.append(f"  published marts   {published}")
        lines += [f"    {name:<36} {rows:>10,} rows" for name, rows in counts]
        lines.append(f"                    and each mart as Parquet and CSV, with manifest.json, in {current}")
    report = report_path(settings.export_dir)
    if report.exists():
        lines.append(f"  adoption report   {report}  (open it in a browser; works offline)")
    docs = settings.export_dir / "data_docs" / "index.html"
    if docs.exists():
        lines.append(f"  Data Docs (gates) {docs}")
    if settings.warehouse == "spark":  # no working DuckDB file: the lake
        with LakeWarehouse.at(settings.lake).get_connection() as con:
            raw = table_counts(con, ("raw_salesforce",))
        where = f"  lake (Parquet)    {settings.lake}"
    else:
        with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
            raw = table_counts(con, ("raw_salesforce",))
        where = f"  working database  {settings.duckdb_path}  (the run's own: point no reader at it)"
    each = ", ".join(f"{name.split('.')[1]} {rows:,}" for name, rows in raw)
    lines += [where, f"    raw_salesforce: {len(raw)} tables, {sum(rows for _, rows in raw):,} rows ({each})"]
    truth = settings.ground_truth_path
    if truth.exists():
        lines.append(f"  sample org ground truth  {truth}")
    lines += [
        f"  Dagster runs      {home}  (open the UI: flywheel ui)",
        "",
        f"Query it: python -c \"import duckdb; duckdb.connect('{published}', read_only=True)"
        ".sql('FROM marts.silent_non_use').show()\"",
    ]
    return "\n".join(lines)
