"""One pass of the weekly digest over every team: read the newest good publication, render each
team's message, and send it (recording it in the ledger) or write it to preview files.

Only a publication is read for what the digest says: a run that a gate stopped published
nothing, so nothing of it reaches a manager. The managers' addresses come from the working
database (`int_manager_contacts`, never published), read only when there is something to send.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import orjson

from pipelines.digest.content import Digest, read_digests
from pipelines.digest.delivery import failure_reason, send, write_previews
from pipelines.digest.destinations import Contact, Overrides, Route, read_overrides, route
from pipelines.digest.ledger import SENDING, SENT, Ledger
from pipelines.digest.render import render_digest
from pipelines.publish.publication import DATABASE_NAME
from pipelines.report.queries import NothingToReport
from pipelines.settings import DigestSettings
from pipelines.storage.warehouse import DuckDBWarehouse


@dataclass(frozen=True)
class NewestPublication:
    """What `current` named when the pass began: its folder (read whole from there), its run and
    its as-of date."""

    folder: Path
    run_id: str | None
    as_of: str | None


@dataclass
class DigestOutcome:
    """What a pass did, by team id (never a name or an address)."""

    mode: str
    week: str
    publication: NewestPublication | None = None
    nothing_to_send: str | None = None
    """Why no team was looked at (no publication yet, or one that measures no one)."""
    teams: int = 0
    quiet: int = 0
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    not_routed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    interrupted: list[str] = field(default_factory=list)
    """Destinations a run died while sending to: not sent again by themselves (ledger.py)."""
    override_lines_skipped: tuple[int, ...] = ()
    preview: Path | None = None

    def metadata(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "delivery_week": self.week,
            "publication": str(self.publication.folder) if self.publication else "none",
            "as_of_date": (self.publication.as_of if self.publication else None) or "none",
            "teams": self.teams,
            "all_quiet": self.quiet,
            "sent": len(self.sent),
            "already_sent": len(self.already_sent),
            "failed": len(self.failed),
            "not_routed": len(self.not_routed),
            "details": {"sent": self.sent, "already_sent": self.already_sent, "failed": self.failed,
                        "not_routed": self.not_routed, "interrupted": self.interrupted,
                        "override_lines_skipped": list(self.override_lines_skipped),
                        **({"nothing_to_send": self.nothing_to_send} if self.nothing_to_send else {})},
            **({"preview": str(self.preview)} if self.preview else {}),
        }

    def failure(self) -> str | None:
        """The one sentence an alert carries when some team could not be reached."""
        if not (self.failed or self.interrupted):
            return None
        parts = []
        if self.failed:
            parts.append(f"the weekly digest could not be delivered for {len(self.failed)} of {self.teams} teams "
                         f"({'; '.join(self.failed)}); the next run of manager_digest tries them again, and only them")
        if self.interrupted:
            parts.append(f"{len(self.interrupted)} sends were interrupted by a run that died while sending "
                         f"({'; '.join(self.interrupted)}): they may have arrived and are not sent again; "
                         "delete their ledger rows to resend (docs/digest.md)")
        return "; ".join(parts)[:1].upper() + "; ".join(parts)[1:] + "."


def current_publication(export_dir: Path) -> NewestPublication | None:
    """The newest good publication (what `current` names now), or None before the first one."""
    link = export_dir / "current"
    if not (link / DATABASE_NAME).exists():
        return None
    folder = link.resolve(strict=True)
    manifest = orjson.loads((folder / "manifest.json").read_bytes())
    return NewestPublication(folder, manifest.get("run_id"), manifest.get("as_of_date"))


class OutdatedPublication(RuntimeError):
    """The publication lacks a mart the digest reads (it was made by an earlier version)."""


def read_publication(publication: NewestPublication, scope: str) -> list[Digest]:
    with duckdb.connect(str(publication.folder / DATABASE_NAME), read_only=True) as con:
        try:
            return read_digests(con, scope)
        except duckdb.CatalogException as missing:
            lacking = str(missing).splitlines()[0]
            raise OutdatedPublication(
                f"the current publication ({publication.folder.name}) lacks what the digest reads ({lacking}): it was "
                "made by an earlier version of Flywheel; run adoption_refresh once, then the digest again"
            ) from None


def run_digest(settings: DigestSettings, *, export_dir: Path, contacts: Callable[[], dict[str, Contact]], ledger_path: Path,
               week: str, run_id: str | None = None, personal_data: bool = False, preview: bool | None = None,
               log: Callable[[str], None] = lambda _: None) -> DigestOutcome:
    """Every team's digest from the newest good publication: written to preview files (mode
    `preview`, or `preview=True`), else sent once per team, destination and `week`. `contacts`
    reads the managers' addresses, once there is a publication to send."""
    previewing = settings.mode == "preview" if preview is None else preview
    outcome = DigestOutcome("preview" if previewing else settings.mode, week)
    publication = current_publication(export_dir)
    if publication is None:
        outcome.nothing_to_send = "no good publication yet: a run whose gates all passed publishes one"
        log(f"Nothing to send: {outcome.nothing_to_send}.")
        return outcome
    outcome.publication = publication
    try:
        digests = read_publication(publication, settings.scope)
    except NothingToReport as nothing:
        outcome.nothing_to_send = str(nothing)
        log(f"Nothing to send: {nothing}")
        return outcome
    addresses = contacts()
    overrides = read_overrides(settings.overrides_file, addresses.values())
    outcome.override_lines_skipped = overrides.skipped_lines
    outcome.teams, outcome.quiet = len(digests), sum(d.quiet for d in digests)
    routes = [(digest, route(digest, addresses, overrides)) for digest in digests]
    for digest, way in routes:
        if not way.destinations:
            outcome.not_routed.append(f"{digest.team_id}: {way.reason}")
    if previewing:
        outcome.preview = write_previews(
            export_dir, [(render_digest(d, settings.report_url), r) for d, r in routes], personal_data)
        log(f"Wrote {len(routes)} digests (as of {publication.as_of}) to {outcome.preview}; none sent.")
        return outcome
    with DuckDBWarehouse(database=str(ledger_path)).get_connection() as con:
        _send_all(Ledger(con), routes, settings, publication, week, run_id, outcome, log)
    return outcome


def _send_all(ledger: Ledger, routes: list[tuple[Digest, Route]], settings: DigestSettings, publication: NewestPublication,
              week: str, run_id: str | None, outcome: DigestOutcome, log: Callable[[str], None]) -> None:
    for digest, way in routes:
        message = None
        for target in way.destinations:
            label = f"{digest.team_id} ({target.channel})"
            status = ledger.status(week, digest.team_id, target.key)
            if status == SENT or (status is None and ledger.sent_as_of(digest.team_id, digest.as_of, target.key)):
                outcome.already_sent.append(label)
                continue
            if status == SENDING:
                outcome.interrupted.append(label)
                continue
            message = message or render_digest(digest, settings.report_url)
            ledger.claim(week, digest.team_id, target.key, target.channel, digest.as_of, publication.run_id, run_id)
            try:
                send(message, target, settings.smtp, settings.email_from)
            except Exception as error:  # noqa: BLE001 - every team is tried; failures are reported together
                ledger.release(week, digest.team_id, target.key)
                outcome.failed.append(f"{label}: {failure_reason(error)}")
                log(f"The digest of team {label} was not delivered: {failure_reason(error)}.")
                continue
            ledger.mark_sent(week, digest.team_id, target.key)
            outcome.sent.append(label)
    log(f"Digest of {week} (as of {publication.as_of}): {len(outcome.sent)} sent, {len(outcome.already_sent)} already "
        f"sent, {len(outcome.failed)} failed, {len(outcome.not_routed)} teams with nowhere to go.")
