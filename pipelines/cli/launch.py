"""How the `flywheel` command runs adoption_refresh: `dg launch` with its whole output (Dagster's
events, dbt's lines) in a log file it names, and a few progress lines on the terminal, read from
the run's event log as it goes (pipelines/cli/follow.py).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipelines.cli.follow import Progress

POLL_SECONDS = 1.0


def log_path(folder: Path, command: str, now: dt.datetime | None = None) -> Path:
    """`<folder>/flywheel-<command>-<UTC time>.log`: one file per launch."""
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"flywheel-{command}-{stamp}.log"


@dataclass
class Launched:
    returncode: int
    run_id: str | None


class _Follower:
    """The newest run created since `since`, its events read as they arrive."""

    def __init__(self, instance: dg.DagsterInstance, since: float, echo: Callable[[str], None]):
        self.instance, self.since, self.echo = instance, since, echo
        self.run_id: str | None = None
        self.cursor: str | None = None
        self.progress = Progress()

    def poll(self) -> None:
        if self.run_id is None:
            records = self.instance.get_run_records(limit=1)
            if not records or records[0].create_timestamp.timestamp() < self.since:
                return
            run = records[0].dagster_run
            self.run_id = run.run_id
            self.echo(f"Run {run.run_id[:8]} of {run.job_name} started.")
        while True:
            connection = self.instance.get_records_for_run(self.run_id, cursor=self.cursor)
            self.cursor = connection.cursor
            for record in connection.records:
                line = self.progress.line(record.event_log_entry)
                if line:
                    self.echo(line)
            if not connection.has_more:
                return


def launch(command: list[str], env: dict[str, str], cwd: Path, home: Path, log: Path,
           echo: Callable[[str], None]) -> Launched:
    """Run `command` (a `dg launch`) with its output in `log`, echoing the run's progress."""
    log.parent.mkdir(parents=True, exist_ok=True)
    echo(f"The whole log of this run: {log}")
    # the instance's storage is made here, before `dg launch` opens it too
    with dg.DagsterInstance.from_config(str(home)) as instance, log.open("w") as output:
        since = time.time() - 1
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
        follower = _Follower(instance, since, echo)
        while process.poll() is None:
            follower.poll()
            time.sleep(POLL_SECONDS)
        follower.poll()
    return Launched(process.returncode, follower.run_id)
