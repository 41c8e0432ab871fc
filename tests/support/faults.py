"""Faults the sample org injects on request, so tests exercise recovery. Thread-safe, bounded.

An org given `Faults()` (`SampleOrg(..., faults=Faults())`) asks it through its fault hook
(`pipelines/sample_org/fault_hook.py`) at each point where Salesforce can fail."""

from __future__ import annotations

import threading

from pipelines.sample_org.fault_hook import Fault, FaultHook


class Faults(FaultHook):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._calls = 0
            self._expire_at: int | None = None
            self._on_call: dict[int, Fault] = {}
            self._rate_limit_after: int | None = None
            self._query_timeouts: dict[str, int] = {}
            self._bulk_refused: set[str] = set()
            self._repeat_across_pages: set[str] = set()
            self._wrong_values: dict[str, tuple[str, object]] = {}
            self._on_subrequest: dict[tuple[int, int], Fault] = {}
            self._released: dict[str, int] = {}

    # --- setting faults ---------------------------------------------------------------------
    def expire_sessions_after(self, calls: int) -> None:
        """Every token issued so far stops working after `calls` more API calls."""
        with self._lock:
            self._expire_at = self._calls + calls

    def fail_call(self, k: int, status: int = 503, error_code: str = "SERVER_UNAVAILABLE") -> None:
        """The k-th API call from now (1 = the next) gets an error answer."""
        with self._lock:
            self._on_call[self._calls + k] = Fault("error", status, error_code)

    def drop_connection_on_call(self, k: int) -> None:
        with self._lock:
            self._on_call[self._calls + k] = Fault("drop")

    def drop_connection_after_call(self, k: int) -> None:
        """The k-th call from now is answered in full (its query locators are used up), and the
        connection closes before the answer reaches the client: a retry meets released locators."""
        with self._lock:
            self._on_call[self._calls + k] = Fault("drop_after")

    def fail_subrequest(self, k: int, index: int = 0, status: int = 503, error_code: str = "SERVER_UNAVAILABLE") -> None:
        """In the k-th call from now (a Composite call), subrequest `index` (0 = the first)
        answers this error instead of running; the others run."""
        with self._lock:
            self._on_subrequest[(self._calls + k, index)] = Fault("error", status, error_code)

    def release_cursor(self, object_name: str, times: int = 1) -> None:
        """The next `times` Query More requests on `object_name` find their cursor released
        (`INVALID_QUERY_LOCATOR`), as Salesforce does with cursors it reclaims."""
        with self._lock:
            self._released[object_name.lower()] = times

    def html_maintenance_on_call(self, k: int, status: int = 503) -> None:
        """The k-th call from now gets an HTML maintenance page (503, or what `status` says)."""
        with self._lock:
            self._on_call[self._calls + k] = Fault("html", status)

    def truncated_json_on_call(self, k: int) -> None:
        """The k-th call from now gets HTTP 200 and a JSON body cut off mid-record."""
        with self._lock:
            self._on_call[self._calls + k] = Fault("truncated", 200)

    def error_body_on_call(self, k: int) -> None:
        """The k-th call from now gets HTTP 200 with an error list for a body."""
        with self._lock:
            self._on_call[self._calls + k] = Fault("error_body", 200, "UNKNOWN_EXCEPTION", "An unexpected error occurred.")

    def rate_limit_after(self, calls: int) -> None:
        """`REQUEST_LIMIT_EXCEEDED` once the org's API usage passes `calls`."""
        with self._lock:
            self._rate_limit_after = calls

    def query_timeout(self, object_name: str, times: int = 1) -> None:
        """The next `times` queries on `object_name` fail with `QUERY_TIMEOUT`."""
        with self._lock:
            self._query_timeouts[object_name.lower()] = times

    def refuse_bulk(self, object_name: str) -> None:
        """Bulk API 2.0 jobs on `object_name` are refused, as for an object Bulk does not support."""
        with self._lock:
            self._bulk_refused.add(object_name.lower())

    def repeat_record_across_pages(self, object_name: str) -> None:
        """The last record of each REST page comes again first on the next one (a paging bug)."""
        with self._lock:
            self._repeat_across_pages.add(object_name.lower())

    def wrong_value(self, object_name: str, field: str, value: object) -> None:
        """Every REST record of `object_name` carries `value` in `field` (e.g. a wrong type)."""
        with self._lock:
            self._wrong_values[object_name.lower()] = (field, value)

    def pending(self) -> list[str]:
        """The faults set that no request has met yet (empty once each one was answered)."""
        with self._lock:
            return [
                *(f"call {k}: {f.kind}" for k, f in self._on_call.items()),
                *(f"call {k} subrequest {i}: {f.kind}" for (k, i), f in self._on_subrequest.items()),
                *(f"released cursor on {name}" for name, left in self._released.items() if left),
                *(f"QUERY_TIMEOUT on {name}" for name, left in self._query_timeouts.items() if left),
                *(["session expiry"] if self._expire_at is not None else []),
            ]

    # --- the hook the server asks -------------------------------------------------------------
    def next_call(self, usage: int) -> tuple[int, Fault | None, bool]:
        """Count an API call; return (call number, a fault to answer with, sessions expired?)."""
        with self._lock:
            self._calls += 1
            call = self._calls
            fault = self._on_call.pop(call, None)
            if fault is None and self._rate_limit_after is not None and usage > self._rate_limit_after:
                fault = Fault("error", 403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
            expired = self._expire_at is not None and call > self._expire_at
            if expired:
                self._expire_at = None
            return call, fault, expired

    def subrequest_fault(self, call: int, index: int) -> Fault | None:
        with self._lock:
            return self._on_subrequest.pop((call, index), None)

    def take_released_cursor(self, object_name: str) -> bool:
        with self._lock:
            left = self._released.get(object_name.lower(), 0)
            if left:
                self._released[object_name.lower()] = left - 1
            return bool(left)

    def take_query_timeout(self, object_name: str) -> bool:
        with self._lock:
            left = self._query_timeouts.get(object_name.lower(), 0)
            if left:
                self._query_timeouts[object_name.lower()] = left - 1
            return bool(left)

    def bulk_refused(self, object_name: str) -> bool:
        with self._lock:
            return object_name.lower() in self._bulk_refused

    def repeats_across_pages(self, object_name: str) -> bool:
        with self._lock:
            return object_name.lower() in self._repeat_across_pages

    def wrong_value_for(self, object_name: str) -> tuple[str, object] | None:
        with self._lock:
            return self._wrong_values.get(object_name.lower())
