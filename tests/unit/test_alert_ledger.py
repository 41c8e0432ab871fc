"""One alert per run: the first claim wins, every later one (another sender, another process) loses."""

import multiprocessing

from pipelines.alerts.ledger import claim, record


def _claim(args):
    ledger, run_id = args
    return claim(ledger, run_id)


def test_only_the_first_claim_of_a_run_wins(tmp_path):
    ledger = tmp_path / "flywheel.alerts"
    assert claim(ledger, "run-1") and not claim(ledger, "run-1")
    assert claim(ledger, "run-2")
    record(ledger, "run-1", "Flywheel: run run-1 failed (sent by webhook)")
    assert (ledger / "run-1").read_text().startswith("Flywheel: run run-1 failed") and not claim(ledger, "run-1")


def test_processes_racing_for_one_run_have_one_winner(tmp_path):
    pool = multiprocessing.get_context("spawn").Pool(4)
    try:
        wins = pool.map(_claim, [(tmp_path / "ledger", "run-x")] * 16)
    finally:
        # the workers leave when told to (close), not by SIGTERM (the pool's `with` ends in
        # terminate()): a worker inherits its parent's ignored signals, and a process of the
        # suite may ignore SIGTERM, which left terminate() waiting for the workers for ever
        pool.close()
        pool.join()
    assert sum(wins) == 1
