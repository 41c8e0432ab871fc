"""Where the sample org can be made to fail: the hook the server asks at each point Salesforce can
fail, and what it then answers instead (`Fault`).

The org Flywheel ships answers as Salesforce does: its hook (`FaultHook`) never injects a fault.
Tests and benchmarks give an org their own hook (`tests/support/faults.py`: expired sessions,
5xx, dropped connections, timeouts, released cursors, …) to exercise recovery.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    """What the server does instead of answering normally."""

    kind: str  # "error" (status + errorCode), "drop" (close the socket), "html" (maintenance page),
    #            "truncated" (JSON cut short), "error_body" (an error list with HTTP 200),
    #            "drop_after" (answer in full, then close the socket before the answer leaves)
    status: int = 503
    error_code: str = "SERVER_UNAVAILABLE"
    message: str = "Server temporarily unavailable"


class FaultHook:
    """What the server asks before it answers; this one always answers: no fault."""

    def next_call(self, usage: int) -> tuple[int, Fault | None, bool]:
        """Count an API call (`usage`: the org's API usage so far); return (call number, a fault
        to answer with, sessions expired?)."""
        return 0, None, False

    def subrequest_fault(self, call: int, index: int) -> Fault | None:
        """A fault for subrequest `index` of Composite call `call`, in its place."""
        return None

    def take_released_cursor(self, object_name: str) -> bool:
        """Whether the next Query More on `object_name` finds its cursor released."""
        return False

    def take_query_timeout(self, object_name: str) -> bool:
        """Whether the next query on `object_name` fails with QUERY_TIMEOUT."""
        return False

    def bulk_refused(self, object_name: str) -> bool:
        """Whether Bulk API 2.0 jobs on `object_name` are refused."""
        return False

    def repeats_across_pages(self, object_name: str) -> bool:
        """Whether each REST page of `object_name` starts with the last record of the one before."""
        return False

    def wrong_value_for(self, object_name: str) -> tuple[str, object] | None:
        """A (field, value) every REST record of `object_name` carries instead of its own."""
        return None
