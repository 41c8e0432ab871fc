"""Who holds the working DuckDB file, from DuckDB's own lock error and /proc, and a bounded wait
that says so (with a real second process: tests/integration/test_warehouse_lock.py)."""

import os

import pytest

from pipelines.storage.lock import Holder, WarehouseLocked, command_line, lock_holder, wait_for_lock

MESSAGE = ('IO Error: Could not set lock on file "/d/flywheel.duckdb": Conflicting lock is held in '
           '/usr/bin/python3.11 (PID {pid}). However, you would be able to open this database in read-only mode')


class Log:
    def __init__(self):
        self.lines = []

    def info(self, msg, *args, **kwargs):
        self.lines.append(msg)

    warning = info


def test_the_holder_is_named_with_its_command_line():
    holder = lock_holder(MESSAGE.format(pid=os.getpid()))
    assert holder.pid == os.getpid() and holder.command == command_line(os.getpid())
    assert "pytest" in holder.command or "python" in holder.command
    gone = lock_holder(MESSAGE.format(pid=2**22 + 12345))  # no such process: DuckDB's program name
    assert gone == Holder(2**22 + 12345, "/usr/bin/python3.11")
    assert lock_holder("IO Error: No space left on device") is None


class Locked(Exception):
    pass


def test_the_wait_is_bounded_says_who_and_fails_with_what_to_do():
    clock = [0.0]
    log = Log()

    def connect():
        raise Locked(MESSAGE.format(pid=2**22 + 7))

    with pytest.raises(WarehouseLocked) as failure:
        wait_for_lock(connect, lambda e: str(e) if isinstance(e, Locked) else None, "/d/flywheel.duckdb", 90, log,
                      clock=lambda: clock[0], sleep=lambda s: clock.__setitem__(0, clock[0] + s))
    text = str(failure.value)
    assert "PID 4194311 (/usr/bin/python3.11)" in text and "did not let go in 90 s" in text
    assert "kill 4194311" in text and "current/flywheel_marts.duckdb" in text and "FLYWHEEL_LOCK_WAIT_SECONDS" in text
    # said when the wait began and every 30 s after, not on every poll
    assert len(log.lines) == 3 and "waiting up to 90 s" in log.lines[0] and "30 s of 90 s" in log.lines[1]


def test_a_holder_that_lets_go_is_waited_for_and_another_error_is_raised_at_once():
    attempts = []

    def connect():
        attempts.append(1)
        if len(attempts) < 3:
            raise Locked(MESSAGE.format(pid=1))
        return "connection"

    locked = lambda e: str(e) if isinstance(e, Locked) else None  # noqa: E731
    assert wait_for_lock(connect, locked, "/d/f.duckdb", 60, Log(), sleep=lambda s: None) == "connection"
    with pytest.raises(OSError):
        wait_for_lock(lambda: (_ for _ in ()).throw(OSError("disk")), locked, "/d/f.duckdb", 60, Log(), sleep=lambda s: None)
