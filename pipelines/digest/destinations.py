"""Where each team's digest goes: the manager's `User.Email`, or what the override file says.

The override file (`FLYWHEEL_DIGEST_OVERRIDES`) is a CSV with a header `manager,send_to`:
`manager` names a team by its manager (a Salesforce User Id, username or email, as the absences
file names people) or is `no manager` (the team of users without a manager in Salesforce, which
has no one else to go to); `send_to` is an email address or a webhook's URL (Slack and Teams
incoming webhooks: a JSON POST with `text`). A team named in the file goes to its rows only, in
place of User.Email; several rows send to several places. A row naming no manager of a team is
skipped and reported; a malformed row refuses the whole file, before anything is sent.

Webhook URLs carry their token: they are never logged, stored or shown, only their fingerprint.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from pipelines.digest.content import Digest
from pipelines.leave.absences_file import user_lookup

COLUMNS = ("manager", "send_to")
NO_MANAGER = "no manager"
CONTACTS = "intermediate.int_manager_contacts"
_EMAIL = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+")


class OverrideFileError(ValueError):
    """The override file is refused: no digest is sent until it is fixed."""

    def __init__(self, line: int, message: str):
        super().__init__(f"digest override file, line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class Destination:
    channel: str
    """`email` or `webhook`."""
    address: str
    """The email address, or the webhook's URL (a secret)."""

    @property
    def key(self) -> str:
        """How the ledger names it: the address, or the webhook's fingerprint (never its URL)."""
        if self.channel == "webhook":
            return f"webhook:{hashlib.sha256(self.address.encode()).hexdigest()[:12]}"
        return self.address.lower()

    def __repr__(self) -> str:
        return f"Destination({self.channel}, {self.key if self.channel == 'webhook' else 'address'})"


@dataclass(frozen=True)
class Contact:
    manager_id: str
    username: str | None
    email: str | None
    is_active: bool


@dataclass(frozen=True)
class Route:
    """Where one digest goes, or why it goes nowhere."""

    team_id: str
    destinations: tuple[Destination, ...]
    source: str
    """`User.Email` or `override file` (or `none`)."""
    reason: str | None = None


@dataclass(frozen=True)
class Overrides:
    by_manager: dict[str | None, tuple[Destination, ...]]
    """Destinations by manager User Id (None: the team without a manager)."""
    skipped_lines: tuple[int, ...] = ()
    """Lines naming no manager of a team."""


def destination(send_to: str, line: int) -> Destination:
    if _EMAIL.fullmatch(send_to):
        return Destination("email", send_to)
    parts = urlsplit(send_to)
    if parts.scheme in ("http", "https") and parts.netloc:
        return Destination("webhook", send_to)
    # the value is not repeated: it may be a webhook URL with its token
    raise OverrideFileError(line, "send_to is neither an email address nor an http(s) URL")


def parse_overrides(text: str, contacts: Iterable[Contact]) -> Overrides:
    """The file's destinations by manager; raises OverrideFileError on a malformed line."""
    lookup = user_lookup((c.manager_id, c.username, c.email) for c in contacts)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [c.strip().lower() for c in next(reader, [])]
    if sorted(header) != sorted(COLUMNS):
        raise OverrideFileError(1, "the header must be manager,send_to")
    at = {c: header.index(c) for c in COLUMNS}
    found: dict[str | None, list[Destination]] = {}
    skipped = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise OverrideFileError(line, f"{len(row)} fields where the header has {len(header)}")
        manager, send_to = (row[at[c]].strip() for c in COLUMNS)
        if not manager or not send_to:
            raise OverrideFileError(line, "manager and send_to must both be given")
        target = destination(send_to, line)
        if manager.lower() == NO_MANAGER:
            found.setdefault(None, []).append(target)
            continue
        manager_id = lookup.get(manager) or lookup.get(manager.lower())
        if manager_id is None:
            skipped.append(line)
            continue
        found.setdefault(manager_id, []).append(target)
    return Overrides({k: tuple(v) for k, v in found.items()}, tuple(skipped))


def read_overrides(path: Path | None, contacts: Iterable[Contact]) -> Overrides:
    if path is None:
        return Overrides({})
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise OverrideFileError(0, f"cannot read {path}: {type(error).__name__}") from None
    return parse_overrides(text, contacts)


def read_contacts(con: duckdb.DuckDBPyConnection) -> dict[str, Contact]:
    """The managers' addresses, from the working database (never from a publication)."""
    try:
        rows = con.execute(f"SELECT manager_id, username, email, is_active FROM {CONTACTS}").fetchall()
    except duckdb.CatalogException:
        raise RuntimeError(
            f"{CONTACTS} is not in the working database: run adoption_refresh once (it builds the managers' "
            "addresses the digest sends to), then the digest again."
        ) from None
    return {r[0]: Contact(*r) for r in rows}


def route(digest: Digest, contacts: dict[str, Contact], overrides: Overrides) -> Route:
    """Where `digest` goes: the override file's destinations for its team, else its manager's
    User.Email; a team without a manager, a deactivated manager or one without an address goes
    nowhere, and says why."""
    chosen = overrides.by_manager.get(digest.manager_id)
    if chosen:
        return Route(digest.team_id, chosen, "override file")
    if digest.manager_id is None:
        return Route(digest.team_id, (), "none", "no manager in Salesforce: name `no manager` in the override file")
    contact = contacts.get(digest.manager_id)
    if contact is None:
        return Route(digest.team_id, (), "none", "the manager is not among the users read")
    if not contact.is_active:
        return Route(digest.team_id, (), "none", "the manager is deactivated in Salesforce: route the team in the override file")
    if not contact.email:
        return Route(digest.team_id, (), "none", "the manager has no User.Email (empty, or hidden from the integration user)")
    return Route(digest.team_id, (Destination("email", contact.email),), "User.Email")
