"""The alert's words: a pure function of what happened in the run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.salesforce.auth import redact


@dataclass(frozen=True)
class Alert:
    subject: str
    text: str


@dataclass(frozen=True)
class FailedCheck:
    asset: str
    check: str
    description: str


def run_link(ui_url: str | None, run_id: str) -> str | None:
    return f"{ui_url.rstrip('/')}/runs/{run_id}" if ui_url else None


def failure_alert(job: str, run_id: str, failed_steps: Sequence[tuple[str, str]],
                  failed_checks: Sequence[FailedCheck] = (), *, ui_url: str | None = None,
                  secrets: Sequence[str] = (), what_if: str | None = None) -> Alert:
    """One message for a failed run: a blocking gate that stopped it, or the steps that failed.
    `what_if`: the name of a what-if run's vars (it never touches the real publication)."""
    short = run_id[:8]
    lines: list[str]
    if what_if:
        job = f"{job} (what-if {what_if})"
    if failed_checks:
        first = failed_checks[0]
        subject = f"Flywheel: gate {first.check} on {first.asset} stopped run {short} of {job}"
        lines = [f"Run {run_id} of {job} was stopped by a blocking gate; nothing was published from it."]
        lines += [f"- check {c.check} on {c.asset}: {c.description}" for c in failed_checks]
        lines.append("What to do: read the check's result (and its Data Docs) in the run; fix the data in "
                     "Salesforce or the model, then run again. The last good publication stays in place.")
    else:
        step = failed_steps[0][0] if failed_steps else "the run"
        subject = f"Flywheel: run {short} of {job} failed at {step}"
        lines = [f"Run {run_id} of {job} failed."]
        lines += [f"- step {name}: {reason}" for name, reason in failed_steps] or ["- no step failure was recorded"]
        lines.append("What to do: follow the step's message above; once fixed, run again (objects already "
                     "synced keep their watermarks).")
    link = run_link(ui_url, run_id)
    if link:
        lines.append(f"Run: {link}")
    return Alert(redact(subject, list(secrets)), redact("\n".join(lines), list(secrets)))


def success_alert(job: str, run_id: str, *, ui_url: str | None = None) -> Alert:
    link = run_link(ui_url, run_id)
    text = f"Run {run_id} of {job} succeeded." + (f"\nRun: {link}" if link else "")
    return Alert(f"Flywheel: run {run_id[:8]} of {job} succeeded", text)


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _hours(span: dt.timedelta) -> str:
    return f"{span.total_seconds() / 3600:,.0f} h"


def stale_alert(job: str, after_hours: float, last_success: tuple[str, dt.datetime] | None,
                watching_since: dt.datetime, now: dt.datetime, *, ui_url: str | None = None) -> Alert:
    """No successful run of `job` for `after_hours`: the data people read is getting old."""
    if last_success:
        run_id, ended = last_success
        subject = f"Flywheel: no successful run of {job} for {_hours(now - ended)}"
        lines = [f"The newest successful run of {job} ({run_id}) ended {_when(ended)}, {_hours(now - ended)} ago "
                 f"(FLYWHEEL_STALE_AFTER_HOURS is {after_hours:g}): the marts, the report and every BI tool "
                 "show data from then."]
        link = run_link(ui_url, run_id)
    else:
        subject = f"Flywheel: no successful run of {job} yet, {_hours(now - watching_since)} after it was set up"
        lines = [f"No run of {job} has succeeded since {_when(watching_since)} "
                 f"(FLYWHEEL_STALE_AFTER_HOURS is {after_hours:g}): nothing has been published."]
        link = None
    lines.append("What to do: check that the schedule daily_incremental_refresh is running (Automation tab), "
                 "that the daemon is up (`flywheel ui` or `dagster-daemon run`), and why the latest runs failed; "
                 "then run it (`flywheel run`). One more message follows when a run succeeds again.")
    if link:
        lines.append(f"Last good run: {link}")
    return Alert(subject, "\n".join(lines))


def fresh_again_alert(job: str, run_id: str, ended: dt.datetime, stale_since: dt.datetime,
                      *, ui_url: str | None = None) -> Alert:
    """The run that ended a stale spell."""
    link = run_link(ui_url, run_id)
    text = (f"Run {run_id} of {job} succeeded at {_when(ended)}: the data is fresh again after "
            f"{_hours(ended - stale_since)} without a successful run.") + (f"\nRun: {link}" if link else "")
    return Alert(f"Flywheel: data fresh again (run {run_id[:8]} of {job} succeeded)", text)
