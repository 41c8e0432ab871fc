"""Where alerts go, read from a mapping of environment variables (so a settings object can pass one)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, repr=False)
class AlertSettings:
    webhook_url: str | None = None
    email_to: tuple[str, ...] = ()
    email_from: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None)
    ui_url: str | None = None
    on_success: bool = False

    def __repr__(self) -> str:  # the SMTP password and webhook URL (it carries a token) never reach a log
        return f"AlertSettings(webhook={'set' if self.webhook_url else 'unset'}, email_to={self.email_to})"

    @property
    def email(self) -> bool:
        return bool(self.email_to and self.smtp_host)

    def secrets(self) -> list[str]:
        return [s for s in (self.smtp_password, self.webhook_url) if s]


def alert_settings(env: Mapping[str, str]) -> AlertSettings:
    """`FLYWHEEL_ALERT_*`, `FLYWHEEL_SMTP_*` and `FLYWHEEL_UI_URL` from `env`."""
    to = tuple(a.strip() for a in env.get("FLYWHEEL_ALERT_EMAIL_TO", "").split(",") if a.strip())
    return AlertSettings(
        webhook_url=env.get("FLYWHEEL_ALERT_WEBHOOK_URL") or None,
        email_to=to,
        email_from=env.get("FLYWHEEL_ALERT_EMAIL_FROM") or (to[0] if to else None),
        smtp_host=env.get("FLYWHEEL_SMTP_HOST") or None,
        smtp_port=int(env.get("FLYWHEEL_SMTP_PORT") or 587),
        smtp_username=env.get("FLYWHEEL_SMTP_USERNAME") or None,
        smtp_password=env.get("FLYWHEEL_SMTP_PASSWORD") or None,
        ui_url=(env.get("FLYWHEEL_UI_URL") or "").rstrip("/") or None,
        on_success=env.get("FLYWHEEL_ALERT_ON_SUCCESS", "").strip().lower() in {"1", "true", "yes"},
    )
