"""Which way to log in to Salesforce, and the simple-salesforce client for it.

The mode follows from which settings are present, in the order Salesforce admins usually
prefer: an access token handed over as is, the JWT bearer flow, OAuth client credentials, OAuth
username-password, then SOAP username + password + security token.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceAuthenticationFailed

DEFAULT_API_VERSION = "59.0"


class AuthMode(str, enum.Enum):
    ACCESS_TOKEN = "access token"
    JWT = "OAuth 2.0 JWT bearer"
    CLIENT_CREDENTIALS = "OAuth 2.0 client credentials"
    OAUTH_PASSWORD = "OAuth 2.0 username-password"
    PASSWORD = "username + password + security token"
    NONE = "none"

    @property
    def can_renew(self) -> bool:
        """Whether an expired session can be renewed by logging in again."""
        return self not in (AuthMode.ACCESS_TOKEN, AuthMode.NONE)


class SalesforceLoginError(RuntimeError):
    """Logging in failed. The message says which mode and what to check, never a secret."""


@dataclass(frozen=True, repr=False)
class Credentials:
    """Connection settings, as named by the `SALESFORCE_*` environment variables."""

    username: str | None = None
    password: str | None = None
    security_token: str | None = None
    domain: str | None = None
    consumer_key: str | None = None
    consumer_secret: str | None = None
    private_key_file: str | None = None
    instance_url: str | None = None
    access_token: str | None = None
    api_version: str | None = None

    def __repr__(self) -> str:  # secrets never reach a log through a repr
        shown = {f.name: getattr(self, f.name) for f in fields(self) if f.name in _NOT_SECRET}
        hidden = [f.name for f in fields(self) if f.name not in _NOT_SECRET and getattr(self, f.name)]
        return f"Credentials({shown}, secrets set: {hidden})"

    @property
    def mode(self) -> AuthMode:
        if self.instance_url and self.access_token:
            return AuthMode.ACCESS_TOKEN
        if self.username and self.consumer_key and self.private_key_file:
            return AuthMode.JWT
        if self.consumer_key and self.consumer_secret and not self.username:
            return AuthMode.CLIENT_CREDENTIALS
        if self.username and self.password and self.consumer_key and self.consumer_secret:
            return AuthMode.OAUTH_PASSWORD
        if self.username and self.password:
            return AuthMode.PASSWORD
        return AuthMode.NONE

    @property
    def version(self) -> str:
        return self.api_version or DEFAULT_API_VERSION

    def secrets(self) -> list[str]:
        """The secret values set, longest first, for scrubbing text before it is shown."""
        values = [getattr(self, f.name) for f in fields(self) if f.name not in _NOT_SECRET]
        return sorted({v for v in values if v}, key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    """`text` with every secret value replaced, so a server that echoes one cannot leak it."""
    for secret in secrets:
        text = text.replace(secret, "[redacted]")
    return text


_NOT_SECRET = {"username", "domain", "instance_url", "api_version", "consumer_key", "private_key_file"}


def login_arguments(creds: Credentials) -> dict[str, str | None]:
    """simple-salesforce's arguments for the mode the credentials select (secrets included)."""
    domain = creds.domain or "login"
    by_mode: dict[AuthMode, dict[str, str | None]] = {
        AuthMode.ACCESS_TOKEN: {"instance_url": creds.instance_url, "session_id": creds.access_token},
        AuthMode.JWT: {
            "username": creds.username, "consumer_key": creds.consumer_key,
            "privatekey_file": creds.private_key_file, "domain": domain,
        },
        AuthMode.CLIENT_CREDENTIALS: {
            "consumer_key": creds.consumer_key, "consumer_secret": creds.consumer_secret, "domain": domain,
        },
        AuthMode.OAUTH_PASSWORD: {
            "username": creds.username, "password": (creds.password or "") + (creds.security_token or ""),
            "consumer_key": creds.consumer_key, "consumer_secret": creds.consumer_secret, "domain": domain,
        },
        AuthMode.PASSWORD: {
            "username": creds.username, "password": creds.password,
            "security_token": creds.security_token or "", "domain": domain,
        },
    }
    if creds.mode not in by_mode:
        raise SalesforceLoginError(
            "No Salesforce credentials: set SALESFORCE_INSTANCE_URL + SALESFORCE_ACCESS_TOKEN, or "
            "SALESFORCE_USERNAME with SALESFORCE_PASSWORD (and SALESFORCE_SECURITY_TOKEN), or a "
            "connected app (SALESFORCE_CONSUMER_KEY with SALESFORCE_PRIVATE_KEY_FILE or "
            "SALESFORCE_CONSUMER_SECRET)."
        )
    return by_mode[creds.mode]


def connect(creds: Credentials, session: requests.Session | None = None) -> Salesforce:
    """Log in with the mode the credentials select and return the simple-salesforce client."""
    arguments = login_arguments(creds)
    try:
        return Salesforce(**arguments, version=creds.version, session=session)
    except SalesforceAuthenticationFailed as exc:
        detail = redact(f"{exc.code}: {exc.auth_message}", creds.secrets())
        raise SalesforceLoginError(
            f"Salesforce login failed ({creds.mode.value}, domain {creds.domain or 'login'!r}): {detail}. "
            "Check the SALESFORCE_* settings for this mode and that the user may use the API."
        ) from None
    except (FileNotFoundError, IsADirectoryError):
        raise SalesforceLoginError(
            f"SALESFORCE_PRIVATE_KEY_FILE {creds.private_key_file!r} cannot be read."
        ) from None
