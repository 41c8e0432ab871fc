"""The Dagster resources that hand assets a logged-in Salesforce client.

`SalesforceResource` reaches a real org, configured from the `SALESFORCE_*` environment
variables (README, "Connect your org"); the built-in sample org has its own resource
(`pipelines/sample_org/resource.py`), chosen when none of them is set. Both are a
`SalesforceOrg`: one client serves every asset of a run, so a run logs in once.
"""

from __future__ import annotations

from typing import Any, Optional

import dagster as dg
from pydantic import PrivateAttr

from pipelines.salesforce.auth import Credentials, connect
from pipelines.salesforce.client import SalesforceClient
from pipelines.settings import SALESFORCE_VARS


class SalesforceOrg(dg.ConfigurableResource):
    """What the extract step needs of an org: its logged-in client. A run stops cleanly once
    `api_quota_share` of the org's daily API requests is used."""

    api_quota_share: float = 0.8

    def client(self, log: Any = None) -> SalesforceClient:
        """The logged-in client; `log` (a step's `context.log`) hears its retries and progress."""
        raise NotImplementedError


class SalesforceResource(SalesforceOrg):
    """A Salesforce org, reached with simple-salesforce over HTTPS. `REQUESTS_CA_BUNDLE` is
    honoured for a private certificate authority."""

    username: Optional[str] = None
    password: Optional[str] = None
    security_token: Optional[str] = None
    domain: Optional[str] = None
    consumer_key: Optional[str] = None
    consumer_secret: Optional[str] = None
    private_key_file: Optional[str] = None
    instance_url: Optional[str] = None
    access_token: Optional[str] = None
    api_version: Optional[str] = None

    _client: Optional[SalesforceClient] = PrivateAttr(default=None)

    def credentials(self) -> Credentials:
        return Credentials(**{name: getattr(self, name) for name in SALESFORCE_VARS})

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Say which org this run reads; log in only when an asset first asks for the client."""
        creds = self.credentials()
        context.log.info(
            f"Connecting to Salesforce with {creds.mode.value} "
            f"(domain {creds.domain or 'login'}, API v{creds.version})."
        )

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._client is not None:
            self._client.sf.session.close()
            self._client = None

    def client(self, log: Any = None) -> SalesforceClient:
        """The run's logged-in client (one login per run, shared by every asset); `log`: where its
        retries and progress go (the asking step's `context.log`)."""
        if self._client is None:
            creds = self.credentials()
            sf = connect(creds, session=self.http_session())
            self._client = SalesforceClient(
                sf, mode=creds.mode, secrets=creds.secrets(), quota_share=self.api_quota_share, log=log
            )
        return self._client

    def http_session(self) -> Any:
        """The requests session simple-salesforce uses; None: its own. (Tests route
        `*.salesforce.com` to the sample org here, as those hosts cannot be reached from them.)"""
        return None


def salesforce_resource_from_env(variables_set: tuple[str, ...]) -> SalesforceResource:
    """The resource with every `SALESFORCE_*` variable that is set bound as an `EnvVar`.

    Binding by name (not value) keeps secrets out of the Dagster UI's resource config.
    """
    by_var = {var: field for field, var in SALESFORCE_VARS.items()}
    return SalesforceResource(**{by_var[var]: dg.EnvVar(var) for var in variables_set})
