"""The files of days away kept outside Salesforce, each validated and loaded for dbt before any
model runs: `raw_absences/absence`, the absences file (`FLYWHEEL_ABSENCES_FILE`, checked against
the extracted users: pipelines/leave/absences_file.py), and `raw_absences/holiday`, the holidays
file (`FLYWHEEL_HOLIDAYS_FILE`: pipelines/leave/holidays_file.py). A refused file fails its asset
with the line that is wrong, so nothing is built or published from half of it."""

from collections.abc import Callable, Sequence
from pathlib import Path

import dagster as dg
import duckdb as duckdb_module

from pipelines.assets.extract import DUCKDB_POOL, GROUP, REVOPS, asset_key
from pipelines.leave.absences_file import load_absences_file
from pipelines.leave.csv_rows import LeaveFileError
from pipelines.leave.holidays_file import load_holidays_file
from pipelines.salesforce.objects import OBJECTS_BY_NAME
from pipelines.settings import ABSENCES_FILE_VAR, HOLIDAYS_FILE_VAR
from pipelines.storage.warehouse import DuckDBWarehouse

Loader = Callable[[duckdb_module.DuckDBPyConnection, Path | None], dict[str, object]]


def _leave_file_asset(name: str, path: Path | None, load: Loader, var: str, description: str,
                      deps: Sequence[dg.AssetKey] = ()) -> dg.AssetsDefinition:
    @dg.asset(key=["raw_absences", name], deps=deps, group_name=GROUP, owners=[REVOPS], kinds={"duckdb", "csv"},
              pool=DUCKDB_POOL, description=description)
    def leave_file(context: dg.AssetExecutionContext, duckdb: DuckDBWarehouse) -> dg.MaterializeResult:
        with duckdb.get_connection() as con:
            try:
                metadata = load(con, path)
            except LeaveFileError as refused:
                raise dg.Failure(description=f"{refused}. Fix the file (or unset {var}) and run again; "
                                             "nothing was loaded or published.") from None
        if metadata.get("rows_skipped_unknown_user"):
            context.log.warning(f"Absences file: {metadata['rows_skipped_unknown_user']} rows name no known user: "
                                + "; ".join(metadata["skipped"]))
        return dg.MaterializeResult(metadata=metadata)

    return leave_file


def build_absences_file(path: Path | None) -> dg.AssetsDefinition:
    """The asset that loads the absences file at `path` (None: an empty table)."""
    return _leave_file_asset(
        "absence", path, load_absences_file, ABSENCES_FILE_VAR,
        "Leave kept outside Salesforce (an HR export): the CSV named by FLYWHEEL_ABSENCES_FILE "
        "(user as Id, username or email; start_date, end_date; optional reason). Rows naming no "
        "known user are skipped and listed; a malformed line refuses the file, so no model runs. "
        "Without the variable the table is empty.",
        deps=[asset_key(OBJECTS_BY_NAME["User"])],
    )


def build_holidays_file(path: Path | None) -> dg.AssetsDefinition:
    """The asset that loads the holidays file at `path` (None: an empty table)."""
    return _leave_file_asset(
        "holiday", path, load_holidays_file, HOLIDAYS_FILE_VAR,
        "Public holidays kept outside Salesforce: the CSV named by FLYWHEEL_HOLIDAYS_FILE (start_date, "
        "end_date; optional country, matched against User.Country, and name). Every day of a row is an "
        "absence day of the users it covers; a malformed line refuses the file, so no model runs. "
        "Without the variable the table is empty.",
    )
