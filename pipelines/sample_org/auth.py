"""Who may log in to the sample org, and the checks behind each login flow."""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


@dataclass(frozen=True)
class OrgCredentials:
    """The org's one API user and its connected app; random per org unless given."""

    username: str = "integration@flywheel-sample.example"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    security_token: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    consumer_key: str = field(default_factory=lambda: "3MVG9" + secrets.token_urlsafe(24))
    consumer_secret: str = field(default_factory=lambda: secrets.token_hex(32))
    private_key_file: Path | None = None
    public_key_pem: bytes = b""

    def __repr__(self) -> str:
        return f"OrgCredentials(username={self.username!r}, consumer_key={self.consumer_key!r})"


def with_jwt_key(creds: OrgCredentials, directory: Path) -> OrgCredentials:
    """The credentials with a fresh RSA key pair for the JWT bearer flow (private key on disk)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = directory / "jwt_private_key.pem"
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return OrgCredentials(
        creds.username, creds.password, creds.security_token, creds.consumer_key, creds.consumer_secret, path, public
    )


def password_ok(creds: OrgCredentials, username: str, password: str) -> bool:
    """Salesforce takes the password with the security token appended (or alone from a trusted IP)."""
    return secrets.compare_digest(username, creds.username) and password in (
        creds.password + creds.security_token,
        creds.password,
    )


def client_ok(creds: OrgCredentials, client_id: str, client_secret: str) -> bool:
    return secrets.compare_digest(client_id, creds.consumer_key) and secrets.compare_digest(
        client_secret, creds.consumer_secret
    )


def basic_client_ok(creds: OrgCredentials, authorization: str) -> bool:
    if not authorization.startswith("Basic "):
        return False
    try:
        key, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
    except ValueError:
        return False
    return client_ok(creds, key, secret)


def jwt_ok(creds: OrgCredentials, assertion: str) -> bool:
    """An RS256 assertion signed by the app's key: iss = consumer key, sub = user, aud = a login host."""
    if not creds.public_key_pem:
        return False
    try:
        claims = jwt.decode(
            assertion, creds.public_key_pem, algorithms=["RS256"],
            options={"verify_exp": False, "verify_aud": False},
        )
        expires = float(claims["exp"])  # simple-salesforce sends it as a string, as Salesforce allows
    except (jwt.PyJWTError, KeyError, ValueError):
        return False
    audience = str(claims.get("aud", ""))
    return (
        claims.get("iss") == creds.consumer_key
        and claims.get("sub") == creds.username
        and audience.startswith("https://")
        and audience.endswith(".salesforce.com")
        and expires > time.time()
    )
