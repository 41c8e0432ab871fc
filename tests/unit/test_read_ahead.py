"""Fetching ahead in a thread keeps order, bounds how far it runs, and hands errors over in place."""

import threading

import pytest

from pipelines.extract.read_ahead import read_ahead


def test_items_arrive_in_order():
    assert list(read_ahead(iter(range(50)), depth=3)) == list(range(50))


def test_an_error_arrives_after_the_items_before_it():
    def pages():
        yield 1
        yield 2
        raise RuntimeError("the call failed")

    got = []
    with pytest.raises(RuntimeError, match="the call failed"):
        for item in read_ahead(pages(), depth=5):
            got.append(item)
    assert got == [1, 2]


def test_the_producer_runs_at_most_depth_ahead_and_stops_when_the_caller_does():
    produced, more = [], threading.Event()

    def pages():
        for i in range(100):
            produced.append(i)
            yield i

    ahead = read_ahead(pages(), depth=2)
    assert next(ahead) == 0
    more.wait(0.3)  # let the producer run as far as it may
    assert len(produced) <= 1 + 2 + 1  # the item handed over, `depth` queued, one in hand
    ahead.close()  # the caller stops early: the producer ends instead of blocking forever
    assert len(produced) < 100
    assert not any(t.name == "flywheel-read-ahead" for t in threading.enumerate())
