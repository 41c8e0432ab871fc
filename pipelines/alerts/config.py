"""Where alerts go (read from the environment in `pipelines/settings.py`, `Settings.alerts`)."""

from __future__ import annotations

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

    @property
    def any_channel(self) -> bool:
        return bool(self.webhook_url or self.email)

    def secrets(self) -> list[str]:
        return [s for s in (self.smtp_password, self.webhook_url) if s]
