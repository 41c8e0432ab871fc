"""A `requests.Session` for talking to the sample org as if it were Salesforce.

simple-salesforce sends logins to `https://{domain}.salesforce.com`; this session routes those
hosts to the local server and trusts its self-signed certificate. Nothing else is patched.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter


class _RouteSalesforceHosts(HTTPAdapter):
    def __init__(self, netloc: str):
        super().__init__()
        self._netloc = netloc

    def send(self, request, **kwargs):  # type: ignore[override]
        parts = urlsplit(request.url)
        if parts.hostname and parts.hostname.endswith(".salesforce.com"):
            request.url = urlunsplit(parts._replace(netloc=self._netloc))
        return super().send(request, **kwargs)


def client_session(org_url: str, ca_file: Path) -> requests.Session:
    session = requests.Session()
    # requests lets REQUESTS_CA_BUNDLE (and proxy variables) override `verify`; this session
    # talks only to the local org, whose own certificate is the one to trust.
    session.trust_env = False
    session.verify = str(ca_file)
    session.mount("https://", _RouteSalesforceHosts(urlsplit(org_url).netloc))
    return session
