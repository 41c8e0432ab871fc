"""REST reads of several objects at once, packed into Composite calls.

Salesforce counts a Composite call (up to 25 subrequests, 5 of them queries) as one API call.
So the reads of a run travel together: each call carries the next pages of up to five queries,
of one object or of several. Pages of one query are chained by reference (`@{p1.nextRecordsUrl}`
fetches the page after p1's), as many as the query's `totalSize` says are left. An incremental
run of seven objects whose changes fit a page each costs two calls, not seven.

A query Salesforce gives up on (`QUERY_TIMEOUT`) is split: its time window is halved, and each
half is read in turn. A read whose first page says it holds at least its Bulk threshold of
records ends there, unread, for a Bulk API 2.0 job to read (`RestRead.too_large`).

A query locator is single-use and may expire or be released (`INVALID_QUERY_LOCATOR`: after a
retried call whose first answer was lost, a cursor idle too long, one Salesforce reclaimed). The
read then starts again from its first window (the watermark less its overlap, or the whole
object on a first load) and `read_pages` yields a `Restart`, so its consumer discards the pages
it staged; at most `MAX_RESTARTS` times, then the read fails.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from pipelines.salesforce.client import (
    MAX_QUERY_SUBREQUESTS,
    Page,
    SalesforceApiError,
    SalesforceClient,
    Subrequest,
    SubResult,
    query_body,
)

# QUERY_TIMEOUT: halve the window at most this often (from 1999, 12 halvings leave ~2 days).
MAX_WINDOW_SPLITS = 12
EARLIEST_RECORD = datetime(1999, 1, 1)  # no Salesforce org holds a record older than this
MAX_RESTARTS = 3  # INVALID_QUERY_LOCATOR: read an object again from its start at most this often


@dataclass(frozen=True)
class Window:
    """Records with low <= watermark < high (None: unbounded), and how often it was halved."""

    low: datetime | None
    high: datetime | None = None
    splits: int = 0

    def halves(self, now: datetime) -> list[Window]:
        low, high = self.low or EARLIEST_RECORD, self.high or now
        middle = low + (high - low) / 2
        return [Window(self.low, middle, self.splits + 1), Window(middle, self.high, self.splits + 1)]


@dataclass(eq=False)  # each read is itself: compared and hashed by identity
class RestRead:
    """One object's read: the windows still to open, the next page of the open one, and where
    it stands. The reader sets `error` when the read fails; so may its consumer (a page that
    cannot be stored), and the read is then left alone."""

    object_name: str
    soql: Callable[[Window], str]  # the query of a window
    windows: list[Window]
    bulk_threshold: int | None = None  # a read at least this large is left to Bulk API 2.0
    too_large: int = 0  # the records its first page said it holds, when that was too many
    next_url: str | None = None
    left: int = 0  # records the open query still holds, by its totalSize
    last_page: int = 0  # records in its last page, to reckon how many pages are left
    calls: int = 0  # Composite calls that carried this read's pages
    windows_narrowed: int = 0
    error: Exception | None = None
    restarts: list[str] = field(default_factory=list)  # why the read started again, each time

    def __post_init__(self) -> None:
        self._first_windows = list(self.windows)

    def restart(self, reason: str) -> None:
        """Start again from the first window (what it staged must be discarded)."""
        self.restarts.append(reason)
        self.windows, self.next_url, self.left, self.last_page = list(self._first_windows), None, 0, 0

    @property
    def ended(self) -> bool:
        return self.error is not None or (self.next_url is None and not self.windows)

    def pages_left(self) -> int:
        return math.ceil(self.left / self.last_page) if self.last_page else 1


@dataclass(frozen=True)
class Restart:
    """The read starts again from its first window: discard the pages it brought so far."""

    reason: str


@dataclass(frozen=True)
class _Planned:
    read: RestRead
    subrequest: Subrequest
    opens: bool  # the first page of the read's next window


def plan_round(reads: Sequence[RestRead], query_path: Callable[[str], str], batch_size: int) -> list[_Planned]:
    """The subrequests of the next call: for each read in turn, its next page and as many
    chained pages after it as it has left, until five queries fill the call."""
    items: list[_Planned] = []
    for read in reads:
        if read.ended:
            continue
        slots = MAX_QUERY_SUBREQUESTS - len(items)
        if not slots:
            break
        ref = f"p{len(items)}"
        if read.next_url is None:  # open the next window; its size is known once it answers
            soql = read.soql(read.windows[0])
            headers = {"Sforce-Query-Options": f"batchSize={batch_size}"}
            items.append(_Planned(read, Subrequest(ref, query_path(soql), is_query=True, headers=headers), True))
            continue
        items.append(_Planned(read, Subrequest(ref, read.next_url, is_query=True), False))
        for _ in range(min(read.pages_left(), slots) - 1):
            previous, ref = ref, f"p{len(items)}"
            items.append(_Planned(read, Subrequest(ref, f"@{{{previous}.nextRecordsUrl}}", is_query=True), False))
    return items


def read_pages(
    client: SalesforceClient, reads: Sequence[RestRead], *, batch_size: int = 2000
) -> Iterator[tuple[RestRead, Page | Restart | None]]:
    """Every page of every read, as the calls bring them, and `(read, None)` once a read has
    ended, after its last page (so a consumer running behind knows when a read is whole); a
    `Restart` when a read starts again. A read that fails gets its `error` and the others go
    on; a failure of the call itself (quota, outage) is raised."""
    announced: set[RestRead] = set()
    while True:
        items = plan_round(reads, client.query_path, batch_size)
        if items:
            calls_before = client.calls
            results = client.composite(
                [item.subrequest for item in items],
                object_name=", ".join(dict.fromkeys(item.read.object_name for item in items)), call="queryAll",
            )
            for read in dict.fromkeys(item.read for item in items):
                read.calls += client.calls - calls_before  # one, or more when it was retried
            chain_ended: set[RestRead] = set()
            for item in items:
                read = item.read
                if read in chain_ended or read.error is not None:
                    continue  # the page before ended the query, or failed: this one is moot
                page = _take(client, read, item, results[item.subrequest.reference_id])
                if not isinstance(page, Page) or page.done:
                    chain_ended.add(read)
                if page is not None:
                    yield read, page
        for read in reads:
            if read.ended and read not in announced:
                announced.add(read)
                yield read, None
        if not items:
            return


def _take(client: SalesforceClient, read: RestRead, item: _Planned, result: SubResult) -> Page | Restart | None:
    """Move `read` on by one answer; the page it brought, a Restart, or None (the read failed,
    or its window timed out and was split)."""
    call = "queryAll" if item.opens else "queryAll next page"
    if not result.ok:
        error = client.subrequest_error(result, read.object_name, call)
        if not item.opens and error.error_code == "INVALID_QUERY_LOCATOR":
            reason = f"{call}: {error}"
            if len(read.restarts) >= MAX_RESTARTS:
                read.error = SalesforceApiError(
                    read.object_name, call, f"INVALID_QUERY_LOCATOR again after {MAX_RESTARTS} restarts of the read",
                    error_code=error.error_code, hint="Salesforce keeps releasing the query's cursor; run again later.",
                )
                return None
            client.log.warning(f"{read.object_name}: its query locator is no longer valid ({error}); "
                               "reading it again from its start")
            read.restart(reason)
            return Restart(reason)
        if item.opens and error.error_code == "QUERY_TIMEOUT" and read.windows[0].splits < MAX_WINDOW_SPLITS:
            read.windows[0:1] = read.windows[0].halves(datetime.now(timezone.utc).replace(tzinfo=None))
            read.windows_narrowed += 1
        else:
            read.error = error
        return None
    try:
        body = query_body(result.body, read.object_name, call)
    except SalesforceApiError as error:
        read.error = error
        return None
    if item.opens:
        read.windows.pop(0)
        read.left = int(body.get("totalSize", 0))
        if read.bulk_threshold is not None and read.left >= read.bulk_threshold and not read.windows:
            read.too_large, read.next_url = read.left, None  # ended: a Bulk job reads it whole
            return None
    done = bool(body.get("done", True)) or not body.get("nextRecordsUrl")
    read.left = max(read.left - len(body["records"]), 0)
    read.last_page = len(body["records"]) or read.last_page
    read.next_url = None if done else body["nextRecordsUrl"]
    return Page(records=body["records"], done=done)
