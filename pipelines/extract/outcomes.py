"""What a sync of one object comes to: its report once committed, or its failure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum


class ReadPath(str, Enum):
    """How an object's records are read."""

    REST = "REST"  # query/queryAll pages, several objects to a Composite call
    BULK = "Bulk"  # a Bulk API 2.0 query job

    def __str__(self) -> str:
        return self.value


@dataclass
class SyncReport:
    object_name: str
    table: str
    soql: str
    full_refresh: bool
    watermark_before: datetime | None
    watermark_after: datetime | None = None
    rows_read: int = 0
    rows_new: int = 0
    rows_changed: int = 0
    rows_deleted: int = 0
    pages: int = 0
    api_calls: int = 0
    api_usage: tuple[int, int] | None = None
    seconds: float = 0.0
    missing_fields: list[str] = field(default_factory=list)
    added_columns: list[str] = field(default_factory=list)
    columns_no_longer_read: list[str] = field(default_factory=list)  # kept, null from now on
    path: ReadPath = ReadPath.REST
    path_reason: str = "incremental read"
    windows_narrowed: int = 0
    duplicate_rows: int = 0
    rows_vanished: int = 0  # hard-deleted rows a full refresh found gone (counted in rows_deleted too)
    rows_stored: int = 0  # the raw table's rows after the sync
    restarts: list[str] = field(default_factory=list)  # why the read started again from its start
    not_in_org: str = ""  # an optional object the org's describe does not list: why that is normal
    salesforce_clock: datetime | None = None  # Salesforce's clock (its `Date` header) when the read began
    picklists: dict[str, list[str]] = field(default_factory=dict)  # picklist field → the org's active values (describe)

    @property
    def records_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class SyncFailure:
    """An object that was not synced in this run; its raw table and watermark are unchanged."""

    object_name: str
    error: Exception
