"""The alert's words: a pure function of what happened in the run."""

from __future__ import annotations

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
                  secrets: Sequence[str] = ()) -> Alert:
    """One message for a failed run: a blocking gate that stopped it, or the steps that failed."""
    short = run_id[:8]
    lines: list[str]
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
