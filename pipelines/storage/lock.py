"""Who holds the working DuckDB file, and a bounded wait for them to let go.

DuckDB lets one process write a database file, and a process holding it read-only (a notebook,
the DuckDB CLI, DBeaver) keeps every writer out. Its lock error names the holder's program and
PID; /proc gives the whole command line, so the log and the failure say who it is.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

_HOLDER = re.compile(r"lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
# How often a waiting run says it is still waiting.
SAY_EVERY_SECONDS = 30.0
POLL_SECONDS = 1.0

T = TypeVar("T")


class Log(Protocol):
    def info(self, msg: str, *args: Any, **kwargs: Any) -> Any: ...
    def warning(self, msg: str, *args: Any, **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class Holder:
    pid: int
    command: str

    def __str__(self) -> str:
        return f"PID {self.pid} ({self.command})"


def command_line(pid: int, proc: Path = Path("/proc")) -> str | None:
    """The process's command line, as `ps` shows it; None when it cannot be read."""
    try:
        raw = (proc / str(pid) / "cmdline").read_bytes()
    except OSError:
        return None
    return " ".join(part.decode("utf-8", "replace") for part in raw.split(b"\0") if part) or None


def lock_holder(message: str, proc: Path = Path("/proc")) -> Holder | None:
    """The process DuckDB's lock error names, or None when the error is not a lock conflict."""
    match = _HOLDER.search(message)
    if not match:
        return None
    pid = int(match["pid"])
    return Holder(pid, command_line(pid, proc) or match["program"])


class WarehouseLocked(RuntimeError):
    """The working DuckDB file stayed locked by another process for the whole wait."""


def locked_message(database: str, holder: Holder, waited: float) -> str:
    return (
        f"The working DuckDB file {database} is held by another process, {holder}, and it did not let go "
        f"in {waited:.0f} s. What to do: close that program's connection to the file (or stop it: "
        f"kill {holder.pid}), then run again; point readers (notebooks, BI tools, the DuckDB CLI) at the "
        "publication, FLYWHEEL_EXPORT_DIR/current/flywheel_marts.duckdb, which never blocks a run. "
        "FLYWHEEL_LOCK_WAIT_SECONDS sets the wait."
    )


def wait_for_lock(connect: Callable[[], T], is_locked: Callable[[Exception], str | None], database: str,
                  wait_seconds: float, log: Log, *, clock: Callable[[], float] = time.monotonic,
                  sleep: Callable[[float], None] = time.sleep) -> T:
    """`connect()`, retried while another process holds the file (`is_locked` gives DuckDB's
    message for a lock conflict, None for any other error, which is raised at once) for at most
    `wait_seconds`, saying who holds it when the wait starts and every `SAY_EVERY_SECONDS`."""
    start = clock()
    said = None
    while True:
        try:
            return connect()
        except Exception as error:
            message = is_locked(error)
            if message is None:
                raise
            holder = lock_holder(message) or Holder(0, "a process DuckDB does not name")
            waited = clock() - start
            if waited >= wait_seconds:
                raise WarehouseLocked(locked_message(database, holder, waited)) from None
            if said is None:
                log.warning(f"The working DuckDB file {database} is held by {holder}; waiting up to "
                            f"{wait_seconds:.0f} s for it to let go (readers belong on the publication, "
                            "current/flywheel_marts.duckdb).")
                said = waited
            elif waited - said >= SAY_EVERY_SECONDS:
                log.warning(f"Still waiting for {holder} to let go of {database}: {waited:.0f} s of {wait_seconds:.0f} s.")
                said = waited
            sleep(min(POLL_SECONDS, max(wait_seconds - waited, 0.0)))
