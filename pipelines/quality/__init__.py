"""Quality gates: Great Expectations suites and cross-table checks on what a run produced."""
