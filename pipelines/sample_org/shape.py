"""What a real org may lack, as the sample org's configuration: objects not in the org or out of
the user's reach (OutOfOffice before API 41, LeadHistory without Lead field history, LoginHistory
without "Manage Users"), and fields field-level security hides or an admin deleted. Not faults:
orgs are like this, and Flywheel must run on them. Thread-safe: the server reads it while a test
changes it."""

from __future__ import annotations

import threading
from collections.abc import Iterable


class OrgShape:
    def __init__(self, refused_objects: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._refused = {name.lower() for name in refused_objects}
        self._hidden: set[tuple[str, str]] = set()

    def refuse_object(self, object_name: str) -> None:
        """`object_name` is not in this org, or out of the user's reach: the global describe leaves
        it out, describe answers NOT_FOUND and a query INVALID_TYPE, as Salesforce answers for
        LoginHistory without "Manage Users"."""
        with self._lock:
            self._refused.add(object_name.lower())

    def restore_object(self, object_name: str) -> None:
        """`object_name` is in the org again (field history turned on, a newer API)."""
        with self._lock:
            self._refused.discard(object_name.lower())

    def refused(self, object_name: str) -> bool:
        with self._lock:
            return object_name.lower() in self._refused

    def hide_field(self, object_name: str, field: str) -> None:
        """`field` leaves `object_name`: gone from describe, and a query naming it is refused
        with INVALID_FIELD, as when a field is deleted or hidden by field-level security."""
        with self._lock:
            self._hidden.add((object_name.lower(), field.lower()))

    def show_field(self, object_name: str, field: str) -> None:
        with self._lock:
            self._hidden.discard((object_name.lower(), field.lower()))

    def hidden(self, object_name: str, field: str) -> bool:
        with self._lock:
            return (object_name.lower(), field.lower()) in self._hidden
