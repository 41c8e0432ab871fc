"""What only the tests and the benchmarks use of the sample org: fault injection (`faults.py`, the
server's fault hook made to fail on request) and accuracy scoring against the planted ground truth
(`accuracy.py`). Imported as `tests.support.*` (pytest puts the repository root on the path)."""
