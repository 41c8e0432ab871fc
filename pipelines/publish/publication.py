"""Publishing the marts for BI tools: all or nothing, and the last good publication survives.

Layout of `FLYWHEEL_EXPORT_DIR`:

    current -> publications/<published-at>-<run>/     (a symlink, swapped atomically)
    publications/<published-at>-<run>/
        <mart>.parquet, <mart>.csv      one pair per mart
        flywheel_marts.duckdb           the marts, in a read-only DuckDB file
        metric_definitions.html         `dbt docs generate --static`: every model and column documented
        manifest.json                   as-of date (and the Salesforce clock reading it came from),
                                        run id, row counts, checksums, model versions

A publication is written in full in a staging folder, then renamed into `publications/` and
`current` is repointed with one `rename`: a reader sees the old publication or the new one, never
half of one. Each publication is a new file, so a reader holding the published DuckDB open never
blocks a run. The newest `KEEP` publications are kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import orjson

DATABASE_NAME = "flywheel_marts.duckdb"
# Column names that mark personal contact data: kept in the working database, left out of
# exports unless FLYWHEEL_EXPORT_PERSONAL_DATA=true.
PERSONAL_DATA = re.compile(r"e_?mail|phone|mobile|fax", re.IGNORECASE)
KEEP = 3


@dataclass(frozen=True)
class Publication:
    path: Path
    manifest: dict


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
) -> dict:
    """Write every file of a publication into `folder` (which must not exist), with copies of the
    `attachments` (name in the publication → file); returns the manifest. Columns holding
    personal contact data are left out unless `personal_data`."""
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
            con.execute(f"COPY ({rows}) TO '{folder / f'{mart}.parquet'}' (FORMAT parquet)")
            con.execute(f"COPY ({rows}) TO '{folder / f'{mart}.csv'}' (FORMAT csv, HEADER)")
            con.execute(f"CREATE TABLE publication.marts.{mart} AS {rows}")
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
) -> Publication:
    """Stage a publication, move it in, and point `current` at it in one atomic rename."""
    publications = export_dir / "publications"
    publications.mkdir(parents=True, exist_ok=True)
    staging = publications / f".staging-{run_id}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        manifest = write_publication(con, marts, staging, run_id, model_versions, attachments, personal_data)
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


def model_versions(manifest_path: Path, marts: list[str]) -> dict[str, str]:
    """Each mart's dbt checksum, so a reader knows which version of the SQL made it."""
    nodes = orjson.loads(manifest_path.read_bytes())["nodes"]
    return {
        node["name"]: node["checksum"]["checksum"][:16]
        for node in nodes.values()
        if node.get("resource_type") == "model" and node["name"] in marts
    }
