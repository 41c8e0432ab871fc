"""The `raw_absences/absence` asset: the absences file (`FLYWHEEL_ABSENCES_FILE`) validated
against the extracted users and loaded for dbt (see pipelines/leave/absences_file.py)."""

from pathlib import Path

import dagster as dg

from pipelines.leave.absences_file import AbsencesFileError, load_absences_file
from pipelines.assets.extract import DUCKDB_POOL, GROUP, REVOPS, asset_key
from pipelines.salesforce.objects import OBJECTS_BY_NAME
from pipelines.settings import ABSENCES_FILE_VAR
from pipelines.storage.warehouse import DuckDBWarehouse


def build_absences_file(path: Path | None) -> dg.AssetsDefinition:
    """The asset that loads the absences file at `path` (None: an empty table)."""

    @dg.asset(
        key=["raw_absences", "absence"],
        deps=[asset_key(OBJECTS_BY_NAME["User"])],
        group_name=GROUP,
        owners=[REVOPS],
        kinds={"duckdb", "csv"},
        pool=DUCKDB_POOL,
        description=(
            "Leave kept outside Salesforce (an HR export): the CSV named by FLYWHEEL_ABSENCES_FILE "
            "(user as Id, username or email; start_date, end_date; optional reason). Rows naming no "
            "known user are skipped and listed; a malformed line refuses the file, so no model runs. "
            "Without the variable the table is empty."
        ),
    )
    def absences_file(context: dg.AssetExecutionContext, duckdb: DuckDBWarehouse) -> dg.MaterializeResult:
        with duckdb.get_connection() as con:
            try:
                metadata = load_absences_file(con, path)
            except AbsencesFileError as refused:
                raise dg.Failure(description=f"{refused}. Fix the file (or unset {ABSENCES_FILE_VAR}) and run again; "
                                             "nothing was loaded or published.") from None
        if metadata["rows_skipped_unknown_user"]:
            context.log.warning(f"Absences file: {metadata['rows_skipped_unknown_user']} rows name no known user: "
                                + "; ".join(metadata["skipped"]))
        return dg.MaterializeResult(metadata=metadata)

    return absences_file
