"""The Dagster resource that hands assets a logged-in Salesforce client.

Configured from the `SALESFORCE_*` environment variables (design.md); with none set it starts
the built-in sample org on localhost and says so in its first log line. One client serves every
asset of a run, so a run logs in once.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional

import dagster as dg
from pydantic import PrivateAttr

from pipelines.salesforce.auth import AuthMode, Credentials, connect
from pipelines.salesforce.client import SalesforceClient

# Resource field → environment variable.
ENV_VARS: dict[str, str] = {
    "username": "SALESFORCE_USERNAME",
    "password": "SALESFORCE_PASSWORD",
    "security_token": "SALESFORCE_SECURITY_TOKEN",
    "domain": "SALESFORCE_DOMAIN",
    "consumer_key": "SALESFORCE_CONSUMER_KEY",
    "consumer_secret": "SALESFORCE_CONSUMER_SECRET",
    "private_key_file": "SALESFORCE_PRIVATE_KEY_FILE",
    "instance_url": "SALESFORCE_INSTANCE_URL",
    "access_token": "SALESFORCE_ACCESS_TOKEN",
    "api_version": "SALESFORCE_API_VERSION",
}


class SalesforceResource(dg.ConfigurableResource):
    """A Salesforce org, reached with simple-salesforce over HTTPS.

    Leave every credential unset to use the built-in sample org (generated from the `sample_*`
    settings). `REQUESTS_CA_BUNDLE` is honoured for a private certificate authority. A run stops
    cleanly once `api_quota_share` of the org's daily API requests is used.
    """

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
    api_quota_share: float = 0.8
    sample_seed: int = 7
    sample_users: int = 120
    sample_days: int = 180
    sample_end_date: str = "2026-11-15"
    sample_ground_truth_path: Optional[str] = None

    _sample_org: Any = PrivateAttr(default=None)
    _client: Optional[SalesforceClient] = PrivateAttr(default=None)
    _log: Any = PrivateAttr(default=None)

    def credentials(self) -> Credentials:
        return Credentials(**{name: getattr(self, name) for name in ENV_VARS})

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Say which org this run reads; log in only when an asset first asks for the client."""
        self._log = context.log
        creds = self.credentials()
        if creds.mode is AuthMode.NONE:
            context.log.info(
                "No SALESFORCE_* credentials are set: running on the built-in sample org "
                f"(seed {self.sample_seed}, {self.sample_users} users, {self.sample_days} days to "
                f"{self.sample_end_date})."
            )
        else:
            context.log.info(
                f"Connecting to Salesforce with {creds.mode.value} "
                f"(domain {creds.domain or 'login'}, API v{creds.version})."
            )

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._client is not None:
            self._client.sf.session.close()
            self._client = None
        if self._sample_org is not None:
            self._sample_org.stop()
            self._sample_org = None

    def client(self) -> SalesforceClient:
        """The run's logged-in client (one login per run, shared by every asset)."""
        if self._client is None:
            creds, session = self.credentials(), self.http_session()
            if creds.mode is AuthMode.NONE:
                creds, session = self._start_sample_org()
            sf = connect(creds, session=session)
            self._client = SalesforceClient(
                sf, mode=creds.mode, secrets=creds.secrets(), quota_share=self.api_quota_share
            )
        return self._client

    def http_session(self) -> Any:
        """The requests session simple-salesforce uses; None: its own. (Tests route
        `*.salesforce.com` to the sample org here, as those hosts cannot be reached from them.)"""
        return None

    def _start_sample_org(self) -> tuple[Credentials, Any]:
        from pipelines.sample_org.generator import GeneratorConfig, write_ground_truth
        from pipelines.sample_org.org import SampleOrg

        config = GeneratorConfig(
            seed=self.sample_seed,
            users=self.sample_users,
            days=self.sample_days,
            end_date=dt.date.fromisoformat(self.sample_end_date),
        )
        org = SampleOrg.from_generator(config)
        org.start()
        self._sample_org = org
        if self._log is not None:
            self._log.info(f"The built-in sample org is serving at {org.url}.")
        if self.sample_ground_truth_path:
            truth = Path(self.sample_ground_truth_path)
            truth.parent.mkdir(parents=True, exist_ok=True)
            write_ground_truth(org.generated, truth)
        c = org.credentials
        creds = Credentials(username=c.username, password=c.password, security_token=c.security_token)
        return creds, org.client_session()


# Resource field → environment variable, for the built-in sample org's size (`flywheel demo --users`).
SAMPLE_ENV_VARS: dict[str, str] = {
    "sample_seed": "FLYWHEEL_SAMPLE_SEED",
    "sample_users": "FLYWHEEL_SAMPLE_USERS",
    "sample_days": "FLYWHEEL_SAMPLE_DAYS",
}


def sample_settings(env: Mapping[str, str] = os.environ) -> dict[str, int]:
    """The sample org's size from `FLYWHEEL_SAMPLE_*`, where set."""
    return {field: int(env[var]) for field, var in SAMPLE_ENV_VARS.items() if env.get(var)}


def salesforce_resource_from_env(**sample_kwargs: Any) -> SalesforceResource:
    """The resource with every `SALESFORCE_*` variable that is set bound as an `EnvVar`.

    Binding by name (not value) keeps secrets out of the Dagster UI's resource config; only the
    names of variables that are set are read here.
    """
    bound = {field: dg.EnvVar(var) for field, var in ENV_VARS.items() if os.environ.get(var)}
    return SalesforceResource(**bound, **{**sample_settings(), **sample_kwargs})
