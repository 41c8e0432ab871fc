"""Sending a digest, through the alerts' own senders (`pipelines/alerts/send.py`: the same SMTP
server, STARTTLS and login; the same webhook POST with `text`), or writing it to files.

What a failed send reports names the channel and the kind of error, never the address, the URL
or the server's words (an SMTP refusal repeats the address; an HTTP error names the URL).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from pipelines.alerts.config import AlertSettings
from pipelines.alerts.message import Alert
from pipelines.alerts.send import send_message, send_webhook
from pipelines.digest.destinations import Destination, Route
from pipelines.digest.render import Message
from pipelines.report.teams import page_name

PREVIEW_FOLDER = Path("digest") / "preview"  # under FLYWHEEL_EXPORT_DIR


class NoSmtpServer(RuntimeError):
    """An email digest with no SMTP server (`FLYWHEEL_SMTP_HOST`) or sender to send it."""


def email(message: Message, sender: str, to: str) -> EmailMessage:
    """The digest as a mail: plain text, with the HTML as its alternative."""
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = sender
    mail["To"] = to
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    return mail


def webhook_text(text: str) -> str:
    """Plain text as a chat webhook must get it: Slack reads `<…>` as links and mentions (a name
    like `<!channel>` would ping everyone) and asks for &, < and > as entities, which Teams shows
    as the characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def send(message: Message, destination: Destination, smtp: AlertSettings, sender: str | None) -> None:
    """Hand the message to its destination; raises whatever the channel raised."""
    if destination.channel == "webhook":
        send_webhook(destination.address, Alert(webhook_text(message.subject), webhook_text(message.text)))
        return
    if not smtp.smtp_host or not sender:
        raise NoSmtpServer("set FLYWHEEL_SMTP_HOST and FLYWHEEL_DIGEST_EMAIL_FROM (or FLYWHEEL_ALERT_EMAIL_FROM)")
    send_message(smtp, email(message, sender, destination.address))


def failure_reason(error: BaseException) -> str:
    """Why a send failed, without anything the error may quote (addresses, URLs, replies)."""
    code = getattr(error, "smtp_code", None)
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    if isinstance(error, NoSmtpServer):
        return f"no SMTP server: {error}"
    recipients = getattr(error, "recipients", None)  # SMTPRecipientsRefused: {address: (code, reply)}
    if code is None and isinstance(recipients, dict) and recipients:
        code = next(iter(recipients.values()))[0]
    detail = f" {code}" if code else f" HTTP {status}" if status else ""
    return f"{type(error).__name__}{detail}"


def shown(route: Route, personal_data: bool) -> str:
    """Where a route goes, as a preview may say it: addresses only with personal data exported."""
    if not route.destinations:
        return f"not sent: {route.reason}"
    return "; ".join(
        f"webhook ({d.key}, {route.source})" if d.channel == "webhook"
        else f"{d.address if personal_data else 'email address hidden (FLYWHEEL_EXPORT_PERSONAL_DATA)'} ({route.source})"
        for d in route.destinations
    )


def write_previews(export_dir: Path, previews: list[tuple[Message, Route]], personal_data: bool) -> Path:
    """Every message as `<team>.html` and `<team>.txt` under `<export>/digest/preview/`, with
    `index.txt` saying where each would go; the folder is replaced whole."""
    folder = export_dir / PREVIEW_FOLDER
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".preview-"))
    try:
        index = []
        for message, route in previews:
            stem = page_name(message.team_id).removesuffix(".html")
            (staging / f"{stem}.html").write_text(message.html, encoding="utf-8")
            (staging / f"{stem}.txt").write_text(
                f"To: {shown(route, personal_data)}\nSubject: {message.subject}\n\n{message.text}", encoding="utf-8")
            index.append(f"{stem}: {shown(route, personal_data)}")
        (staging / "index.txt").write_text("\n".join(index) + "\n", encoding="utf-8")
        os.chmod(staging, 0o755)
        old = folder.with_name(f".old-{staging.name}")
        if folder.exists():
            folder.rename(old)
        staging.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder
