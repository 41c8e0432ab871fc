"""Publishing the marts for BI tools: all or nothing, and the last good publication survives.

Layout of `FLYWHEEL_EXPORT_DIR`:

    current -> publications/<published-at>-<run>/     (a symlink, swapped atomically)
    publications/<published-at>-<run>/
        <mart>.parquet, <mart>.csv      one pair per mart
        flywheel_marts.duckdb           the marts, in a read-only DuckDB file
        metric_definitions.html         `dbt docs generate --static`: every model and column documented
        manifest.json                   as-of date (and the Salesforce clock reading it came from),
                                        run id, row counts, checksums, model versions, dbt vars
    what_if/<name>/                     a what-if run's publications, the same layout (below)

A publication is written in full in a staging folder, then renamed into `publications/` and
`current` is repointed with one `rename`: a reader sees the old publication or the new one, never
half of one. Each publication is a new file, so a reader holding the published DuckDB open never
blocks a run. The newest `KEEP` publications are kept.

Every column carries its dbt description: `COMMENT ON` in the DuckDB file (`duckdb_columns()`
shows it, and so do DBeaver and other SQL clients), and the file's key/value metadata in Parquet
(`description` for the table, `column:<name>` for each column: Parquet has no per-column
description of its own). A run given dbt vars of its own (a what-if) publishes under
`what_if/<name>/` (`what_if_root`), never in place of the real publication.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import orjson

DATABASE_NAME = "flywheel_marts.duckdb"
# Column names that mark personal contact data: kept in the working database, left out of
# exports unless FLYWHEEL_EXPORT_PERSONAL_DATA=true.
PERSONAL_DATA = re.compile(r"e_?mail|phone|mobile|fax", re.IGNORECASE)
KEEP = 3
WHAT_IF = "what_if"


@dataclass(frozen=True)
class Publication:
    path: Path
    manifest: dict


@dataclass(frozen=True)
class MartDoc:
    """A mart's description and its columns' (from the dbt project's YAML)."""

    description: str = ""
    columns: Mapping[str, str] = field(default_factory=dict)


def what_if_root(export_dir: Path, what_if: str | None) -> Path:
    """Where a run publishes: `export_dir` itself, or `what_if/<name>/` under it for a what-if run."""
    return export_dir / WHAT_IF / what_if if what_if else export_dir


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _parquet_options(doc: MartDoc, columns: list[str]) -> str:
    """COPY's Parquet options: the descriptions as the file's key/value metadata."""
    entries = ([("description", doc.description)] if doc.description else []) + [
        (f"column:{c}", doc.columns[c]) for c in columns if doc.columns.get(c)]
    if not entries:
        return "FORMAT parquet"
    return "FORMAT parquet, KV_METADATA {" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in entries) + "}"


def comment_statements(table: str, doc: MartDoc, columns: list[str]) -> list[str]:
    """`COMMENT ON` the table and each of its described columns."""
    statements = [f"COMMENT ON TABLE {table} IS {_literal(doc.description)}"] if doc.description else []
    return statements + [f'COMMENT ON COLUMN {table}."{c}" IS {_literal(doc.columns[c])}'
                         for c in columns if doc.columns.get(c)]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def personal_columns(con: duckdb.DuckDBPyConnection, mart: str) -> list[str]:
    """The mart's columns that hold personal contact data (emails, phone numbers)."""
    names = [d[0] for d in con.execute(f"SELECT * FROM marts.{mart} LIMIT 0").description]
    return [n for n in names if PERSONAL_DATA.search(n)]


def write_publication(
    con: duckdb.DuckDBPyConnection,
    marts: list[str],
    folder: Path,
    run_id: str,
    model_versions: dict[str, str],
    attachments: Mapping[str, Path] = {},
    personal_data: bool = False,
    docs: Mapping[str, MartDoc] = {},
    recorded: Mapping[str, Any] = {},
) -> dict:
    """Write every file of a publication into `folder` (which must not exist), with copies of the
    `attachments` (name in the publication → file); returns the manifest, which also carries
    `recorded` (the run's dbt vars). Columns holding personal contact data are left out unless
    `personal_data`; every column carries its description from `docs`."""
    folder.mkdir(parents=True)
    for name, source in attachments.items():
        shutil.copyfile(source, folder / name)
    database = folder / DATABASE_NAME
    left_out = {} if personal_data else {m: cols for m in marts if (cols := personal_columns(con, m))}
    con.execute(f"ATTACH '{database}' AS publication")
    try:
        con.execute("CREATE SCHEMA publication.marts")
        for mart in marts:
            excluded = ", ".join(f'"{c}"' for c in left_out.get(mart, []))
            rows = f"SELECT * {f'EXCLUDE ({excluded}) ' if excluded else ''}FROM marts.{mart}"
            columns = [d[0] for d in con.execute(f"{rows} LIMIT 0").description]
            doc = docs.get(mart, MartDoc())
            con.execute(f"COPY ({rows}) TO '{folder / f'{mart}.parquet'}' ({_parquet_options(doc, columns)})")
            con.execute(f"COPY ({rows}) TO '{folder / f'{mart}.csv'}' (FORMAT csv, HEADER)")
            con.execute(f"CREATE TABLE publication.marts.{mart} AS {rows}")
            for statement in comment_statements(f"publication.marts.{mart}", doc, columns):
                con.execute(statement)
    finally:
        con.execute("DETACH publication")
    database.chmod(0o444)
    rows = {m: con.execute(f"SELECT count(*) FROM marts.{m}").fetchone()[0] for m in marts}
    manifest = {
        **as_of(con),
        "run_id": run_id,
        "published_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "row_counts": rows,
        "personal_data": "included" if personal_data else {"left_out": left_out},
        "files": {p.name: {"sha256": sha256(p), "bytes": p.stat().st_size} for p in sorted(folder.iterdir())},
        "model_versions": model_versions,
        **recorded,
    }
    (folder / "manifest.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return manifest


def as_of(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """The date the marts are computed as of, why that date (the last complete day by Salesforce's
    clock, the newest login, the `as_of_date` var), and the clock reading (UTC) behind it."""
    date, source, clock = con.execute(
        "SELECT as_of_date, as_of_date_source, salesforce_clock FROM intermediate.int_reporting_dates"
    ).fetchone()
    return {"as_of_date": str(date), "as_of_date_source": source,
            "salesforce_clock": f"{clock:%Y-%m-%dT%H:%M:%S}Z" if clock else None}


def publish(
    con: duckdb.DuckDBPyConnection,
    marts: list[str],
    export_dir: Path,
    run_id: str,
    model_versions: dict[str, str],
    attachments: Mapping[str, Path] = {},
    personal_data: bool = False,
    docs: Mapping[str, MartDoc] = {},
    recorded: Mapping[str, Any] = {},
) -> Publication:
    """Stage a publication, move it in, and point `current` at it in one atomic rename
    (`export_dir`: the real export folder, or a what-if run's `what_if_root`)."""
    publications = export_dir / "publications"
    publications.mkdir(parents=True, exist_ok=True)
    staging = publications / f".staging-{run_id}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        manifest = write_publication(con, marts, staging, run_id, model_versions, attachments, personal_data,
                                     docs, recorded)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    final = publications / f"{stamp}-{run_id[:8]}"
    staging.rename(final)
    link = export_dir / f".current-{run_id}"
    link.unlink(missing_ok=True)
    link.symlink_to(final.relative_to(export_dir))
    os.replace(link, export_dir / "current")
    prune(publications, keep=KEEP)
    return Publication(final, manifest)


def prune(publications: Path, keep: int) -> None:
    """Remove all but the newest `keep` publications (a reader holding an old file keeps it open)."""
    done = sorted(p for p in publications.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in done[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


def _mart_nodes(manifest_path: Path, marts: list[str]) -> list[dict]:
    nodes = orjson.loads(manifest_path.read_bytes())["nodes"]
    return [node for node in nodes.values() if node.get("resource_type") == "model" and node["name"] in marts]


def model_versions(manifest_path: Path, marts: list[str]) -> dict[str, str]:
    """Each mart's dbt checksum, so a reader knows which version of the SQL made it."""
    return {node["name"]: node["checksum"]["checksum"][:16] for node in _mart_nodes(manifest_path, marts)}


def mart_docs(manifest_path: Path, marts: list[str]) -> dict[str, MartDoc]:
    """Each mart's description and its columns', as the dbt project documents them."""
    return {
        node["name"]: MartDoc(node.get("description") or "",
                              {name: col.get("description") or "" for name, col in node.get("columns", {}).items()})
        for node in _mart_nodes(manifest_path, marts)
    }
