"""The built-in sample org as the run's Salesforce: chosen when no `SALESFORCE_*` variable is set.

It starts the org on localhost when an asset first asks for the client (real HTTPS, the real
client), writes the planted ground truth beside the database, and stops the org after the run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Optional

import dagster as dg
from pydantic import PrivateAttr

from pipelines.salesforce.auth import Credentials, connect
from pipelines.salesforce.client import SalesforceClient
from pipelines.salesforce.resource import SalesforceOrg


class SampleOrgResource(SalesforceOrg):
    """A deterministic org generated from a seed and a size (users × days up to `end_date`)."""

    seed: int = 7
    users: int = 120
    days: int = 180
    end_date: str = "2026-11-15"
    ground_truth_path: Optional[str] = None
    """Where to write the planted truth the flags are measured against (None: not written)."""

    _org: Any = PrivateAttr(default=None)
    _client: Optional[SalesforceClient] = PrivateAttr(default=None)
    _log: Any = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._log = context.log
        context.log.info(
            "No SALESFORCE_* credentials are set: running on the built-in sample org "
            f"(seed {self.seed}, {self.users} users, {self.days} days to {self.end_date})."
        )

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._client is not None:
            self._client.sf.session.close()
            self._client = None
        if self._org is not None:
            self._org.stop()
            self._org = None

    def client(self, log: Any = None) -> SalesforceClient:
        if self._client is None:
            org = self._start()
            c = org.credentials
            creds = Credentials(username=c.username, password=c.password, security_token=c.security_token)
            sf = connect(creds, session=org.client_session())
            self._client = SalesforceClient(
                sf, mode=creds.mode, secrets=creds.secrets(), quota_share=self.api_quota_share, log=log
            )
        return self._client

    def _start(self) -> Any:
        from pipelines.sample_org.generator import GeneratorConfig, write_ground_truth
        from pipelines.sample_org.org import SampleOrg

        config = GeneratorConfig(
            seed=self.seed, users=self.users, days=self.days, end_date=dt.date.fromisoformat(self.end_date)
        )
        org = SampleOrg.from_generator(config)
        org.start()
        self._org = org
        if self._log is not None:
            self._log.info(f"The built-in sample org is serving at {org.url}.")
        if self.ground_truth_path:
            truth = Path(self.ground_truth_path)
            truth.parent.mkdir(parents=True, exist_ok=True)
            write_ground_truth(org.generated, truth)
        return org
