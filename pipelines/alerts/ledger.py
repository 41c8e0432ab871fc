"""One alert per failed run, however many senders look at it: the run's own failure hook, the
daemon's run-failure sensor and `flywheel run` all claim the run here first, and only the one
whose claim succeeds sends.

The ledger is a folder with one file per run an alert went out for (`Settings.alert_ledger`,
beside the database). Creating a file with `O_EXCL` is atomic, also between processes and
hosts sharing the folder, so two senders can never both win.
"""

from __future__ import annotations

from pathlib import Path


def claim(ledger: Path, run_id: str) -> bool:
    """Whether this caller is the first to claim `run_id` (and so sends its alert)."""
    ledger.mkdir(parents=True, exist_ok=True)
    try:
        (ledger / run_id).open("x").close()
    except FileExistsError:
        return False
    return True


def record(ledger: Path, run_id: str, note: str) -> None:
    """What went out for a claimed run (its subject and channels), for a person reading the folder."""
    (ledger / run_id).write_text(note + "\n")
