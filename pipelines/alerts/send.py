"""Deliver an alert by webhook (a JSON POST with `text`) and by email (STARTTLS when offered).

A delivery that fails is logged and swallowed: an alert never turns a run's outcome around.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

import requests

from pipelines.alerts.config import AlertSettings
from pipelines.alerts.message import Alert
from pipelines.salesforce.auth import redact

log = logging.getLogger(__name__)


def send_webhook(url: str, alert: Alert, timeout: float = 10) -> None:
    response = requests.post(url, json={"text": f"{alert.subject}\n{alert.text}"}, timeout=timeout)
    response.raise_for_status()


def send_email(settings: AlertSettings, alert: Alert, timeout: float = 10) -> None:
    message = EmailMessage()
    message["Subject"] = alert.subject
    message["From"] = settings.email_from
    message["To"] = ", ".join(settings.email_to)
    message.set_content(alert.text)
    send_message(settings, message, timeout)


def send_message(settings: AlertSettings, message: EmailMessage, timeout: float = 10) -> None:
    """Hand `message` to the SMTP server of `settings` (STARTTLS when offered, login when a user
    is set); the alerts and the weekly manager digest both go through here."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout) as smtp:
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls()
            smtp.ehlo()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        smtp.send_message(message)


def deliver(settings: AlertSettings, alert: Alert) -> list[str]:
    """Send `alert` everywhere configured; the channels it reached."""
    reached = []
    channels = []
    if settings.webhook_url:
        channels.append(("webhook", lambda: send_webhook(settings.webhook_url, alert)))
    if settings.email:
        channels.append(("email", lambda: send_email(settings, alert)))
    for name, send in channels:
        try:
            send()
            reached.append(name)
        except Exception as error:  # noqa: BLE001 - any delivery failure is logged, never raised
            log.warning(redact(f"The alert could not be sent by {name}: {type(error).__name__}: {error}",
                               settings.secrets()))
    return reached
