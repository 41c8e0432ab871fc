"""What `flywheel demo` and `flywheel run` print while a run goes: a few progress lines read from
the run's own event log (the whole log goes to a file, `pipelines/cli/launch.py`).

`Progress.line(entry)` is a pure function of the run's events, one at a time: what Flywheel's
steps say at INFO and above (which org, each object synced, warnings), each step done or failed
with its time, each failed check, and the gates that passed, counted. dbt's own lines stay in the
file: the dbt step is shown by what it built and tested.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import dagster as dg

from pipelines.alerts.run_failures import step_failure_reason
from pipelines.dbt.vars import MODELS_STEP

_EVENTS = dg.DagsterEventType
# Dagster's word for each step it does not run because one before it failed: counted, said once.
_NOT_RUN = re.compile(r"^Dependencies for step \S+ .*Not executing\.$", re.S)


def _seconds(duration_ms: float) -> str:
    seconds = duration_ms / 1000
    return f"{seconds:.1f} s" if seconds < 60 else f"{int(seconds // 60)} min {seconds % 60:.0f} s"


@dataclass
class Progress:
    """Counts what the run did so far; `line` says what a person should see of one event (None:
    nothing; several lines are joined by newlines)."""

    materialized: dict[str, int] = field(default_factory=dict)
    checks_passed: dict[str, int] = field(default_factory=dict)
    checks_failed: dict[str, int] = field(default_factory=dict)
    gates_untold: list[str] = field(default_factory=list)
    said: set[str] = field(default_factory=set)
    not_run: int = 0

    def line(self, entry: dg.EventLogEntry) -> str | None:
        event = entry.dagster_event
        step = entry.step_key or ""
        if event is None:  # a message a step or resource logged (a resource set up again says it again)
            if entry.level < logging.INFO or step == MODELS_STEP or entry.user_message in self.said:
                return None
            if _NOT_RUN.match(entry.user_message):
                self.not_run += 1
                return None
            self.said.add(entry.user_message)
            label = "error: " if entry.level >= logging.ERROR else "warning: " if entry.level >= logging.WARNING else ""
            return f"  {label}{entry.user_message}"
        kind = event.event_type
        if kind is _EVENTS.ASSET_MATERIALIZATION:
            self.materialized[step] = self.materialized.get(step, 0) + 1
        elif kind is _EVENTS.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            tally = self.checks_passed if evaluation.passed else self.checks_failed
            tally[step] = tally.get(step, 0) + 1
            if not evaluation.passed:
                what = "BLOCKING gate" if getattr(evaluation, "blocking", False) else "check"
                return (f"  {what} {evaluation.check_name} on {evaluation.asset_key.to_user_string()} failed: "
                        f"{evaluation.description or 'see the run'}")
        elif kind is _EVENTS.STEP_SUCCESS:
            if self._is_gate(step):
                self.gates_untold.append(step)  # told with the gates around it
                return None
            return self._told(f"  done {step} ({_seconds(event.event_specific_data.duration_ms)}){self._built(step)}")
        elif kind is _EVENTS.STEP_FAILURE:
            return self._told(f"  FAILED {step}: {step_failure_reason(event)}")
        elif kind in (_EVENTS.RUN_SUCCESS, _EVENTS.RUN_FAILURE):
            return self._told(f"  not run: {self.not_run} steps after the failure" if self.not_run else None)
        return None

    def _is_gate(self, step: str) -> bool:
        return not self.materialized.get(step) and (step in self.checks_passed or step in self.checks_failed)

    def _built(self, step: str) -> str:
        if step != MODELS_STEP:
            return ""
        tests = self.checks_passed.get(step, 0) + self.checks_failed.get(step, 0)
        return f": {self.materialized.get(step, 0)} models built, {self.checks_passed.get(step, 0)} of {tests} dbt tests passed"

    def _told(self, line: str | None) -> str | None:
        """`line`, after a line for the gates that passed since the last one told."""
        lines = [line] if line else []
        if self.gates_untold:
            passed = sum(self.checks_passed.get(s, 0) for s in self.gates_untold)
            failed = sum(self.checks_failed.get(s, 0) for s in self.gates_untold)
            gates = f"{len(self.gates_untold)} gate{'s' if len(self.gates_untold) > 1 else ''}"
            lines.insert(0, f"  done {gates}: {passed} checks passed" + (f", {failed} failed (above)" if failed else ""))
            self.gates_untold = []
        return "\n".join(lines) or None
