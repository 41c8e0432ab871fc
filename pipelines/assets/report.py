"""The `adoption_report` asset: the published marts as one HTML file for sales managers
(see pipelines/report/)."""

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.assets.extract import REVOPS
from pipelines.dbt.vars import run_vars, what_if_name
from pipelines.storage.exports import ExportDir
from pipelines.publish.publication import DATABASE_NAME, what_if_root
from pipelines.report.figures import build_charts
from pipelines.report.queries import NothingToReport, read_report_data
from pipelines.report.render import render_report, report_path, write_report
from pipelines.report.teams import write_team_pages


@dg.asset(
    key=["publish", "adoption_report"],
    deps=[dg.AssetKey(["publish", "marts_export"])],
    group_name="publish",
    owners=[REVOPS],
    kinds={"html"},
    description=(
        "The adoption report for sales managers: org KPIs over time, tiers, each team beside its "
        "manager, who is silent and why, login activity. One self-contained HTML file (opens "
        "offline) at FLYWHEEL_EXPORT_DIR/report/adoption_report.html, built from the published "
        "read-only marts and replaced atomically (a what-if run's: under what_if/<vars>/, labelled). Beside "
        "it, a page per team (report/teams/<team_id>.html): the same charts on that team's rows only, which "
        "the weekly manager digest links to."
    ),
)
def adoption_report(context: dg.AssetExecutionContext, exports: ExportDir) -> dg.MaterializeResult:
    what_if = what_if_name(run_vars(context.run.run_config))
    export_dir = what_if_root(Path(exports.path), what_if)
    # the published copy, not the working file: the report shows exactly what was published,
    # and a read-only connection never waits for (or blocks) a writer
    try:
        with duckdb.connect(str(export_dir / "current" / DATABASE_NAME), read_only=True) as con:
            data = read_report_data(con)
    except NothingToReport as nothing:  # an empty org: say so, keep whatever report there was
        context.log.warning(f"The adoption report was not written: {nothing}")
        return dg.MaterializeResult(metadata={"written": False, "reason": str(nothing)})
    charts = build_charts(data)
    now = dt.datetime.now(dt.timezone.utc)
    path = write_report(render_report(data, charts, now, what_if=what_if), report_path(export_dir))
    pages = write_team_pages(export_dir / "current" / DATABASE_NAME, path.parent, now, what_if=what_if)
    return dg.MaterializeResult(metadata={
        "written": True,
        "path": dg.MetadataValue.path(str(path)),
        "what_if": what_if or "no: the report managers read",
        "as_of_date": str(data.as_of),
        "charts": len(charts),
        "flags_listed": len(data.flags),
        "bytes": path.stat().st_size,
        "team_pages": len(pages),
        "team_pages_folder": dg.MetadataValue.path(str(pages[0].parent)) if pages else "none",
    })
