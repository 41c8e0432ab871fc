"""Fetch the next pages while the last ones are stored.

A sync alternates between waiting for Salesforce and storing what it sent. `read_ahead` runs
the fetching side in a thread, a bounded number of pages ahead, so the next call is on the wire
while DuckDB stages the pages of the last one. Memory holds at most `depth` pages more; errors
(a failed call, the quota guard) reach the caller after the pages fetched before them.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
_END = object()


def read_ahead(items: Iterator[T], depth: int) -> Iterator[T]:
    """`items`, in order, produced up to `depth` ahead of the caller in a thread of their own."""
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[object, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                ready.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
        except BaseException as error:  # handed to the caller, raised there
            put((_END, error))
            return
        put((_END, None))

    producer = threading.Thread(target=produce, name="flywheel-read-ahead", daemon=True)
    producer.start()
    try:
        while True:
            item, error = ready.get()
            if item is _END:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()  # the caller stopped early or failed: let the producer end after its call
        producer.join()
