"""The progress line of a long read: throttled, with rows so far, rows/s and the Bulk job's state."""

import logging

from pipelines.salesforce.progress import Progress


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_progress_logs_at_most_every_few_seconds(caplog):
    caplog.set_level(logging.INFO)
    clock = Clock()
    progress = Progress(logging.getLogger("t"), "REST read of Lead", every=5, clock=clock)
    for _ in range(10):  # 10 pages of 2,000 rows, one a second
        clock.now += 1
        progress.advance(2000)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == ["REST read of Lead: 10,000 rows so far, 2,000 rows/s",
                     "REST read of Lead: 20,000 rows so far, 2,000 rows/s"]


def test_progress_names_the_bulk_job_state(caplog):
    caplog.set_level(logging.INFO)
    clock = Clock()
    progress = Progress(logging.getLogger("t"), "Bulk API 2.0 read of Task", every=5, clock=clock)
    clock.now += 6
    progress.advance(state="InProgress")
    assert caplog.records[-1].getMessage() == "Bulk API 2.0 read of Task: 0 rows so far, 0 rows/s, Bulk job InProgress"
