"""`SampleOrg`: the server, its records and its credentials, started and stopped as one."""

from __future__ import annotations

import shutil
import ssl
import tempfile
import threading
from pathlib import Path
from typing import Any

import requests

from pipelines.sample_org.auth import OrgCredentials, with_jwt_key
from pipelines.sample_org.client_session import client_session
from pipelines.sample_org.fault_hook import FaultHook
from pipelines.sample_org.server import OrgHTTPServer, OrgState
from pipelines.sample_org.shape import OrgShape
from pipelines.sample_org.store import OrgStore
from pipelines.sample_org.tls import write_self_signed


class SampleOrg:
    def __init__(
        self,
        store: OrgStore,
        *,
        credentials: OrgCredentials | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        api_limit: int = 15000,
        locator_ttl: float = 15 * 60,
        generated: Any = None,
        shape: OrgShape | None = None,
        faults: FaultHook | None = None,
    ):
        """`shape`: what this org lacks (objects, fields), as real orgs do; `faults`: the hook tests
        make it fail through (`tests/support/faults.py`), by default none."""
        self.store = store
        self.generated = generated  # the GeneratedOrg behind the records, when there is one
        self._host, self._port = host, port
        self._directory = Path(tempfile.mkdtemp(prefix="flywheel-sample-org-"))
        self.credentials = with_jwt_key(credentials or OrgCredentials(), self._directory)
        self._state = OrgState(store, self.credentials, api_limit, locator_ttl, shape=shape, faults=faults)
        self._server: OrgHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.ca_file, self._key_file = write_self_signed(self._directory)

    @classmethod
    def from_generator(cls, config: Any, **kwargs: Any) -> "SampleOrg":
        from pipelines.sample_org.generator import generate_org

        return cls.from_generated(generate_org(config), **kwargs)

    @classmethod
    def from_generated(cls, generated: Any, **kwargs: Any) -> "SampleOrg":
        """An org holding the records of `generated` (a GeneratedOrg, which it does not change)."""
        return cls(OrgStore.from_tables(generated.tables, clock=generated.clock), generated=generated, **kwargs)

    @classmethod
    def from_directory(cls, directory: Path, **kwargs: Any) -> "SampleOrg":
        return cls(OrgStore.from_directory(directory), **kwargs)

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> "SampleOrg":
        server = OrgHTTPServer((self._host, self._port), self._state)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_file, self._key_file)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._state.url = self.url
        # stop() waits for the loop's next poll: a short one keeps a test's teardown short
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="sample-org", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.close_connections()
            self._server.server_close()  # joins the handler threads
            self._thread.join(timeout=5)
            self._server = self._thread = None
        shutil.rmtree(self._directory, ignore_errors=True)

    def __enter__(self) -> "SampleOrg":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- for clients and tests --------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sample org is not running")
        return f"https://localhost:{self._server.server_address[1]}"

    @property
    def shape(self) -> OrgShape:
        """What this org lacks; a test may change it while the org serves."""
        return self._state.shape

    @property
    def faults(self) -> FaultHook:
        return self._state.faults

    @property
    def locator_ttl(self) -> float:
        """Seconds an idle query cursor lives (Salesforce: 15 minutes)."""
        return self._state.locator_ttl

    @locator_ttl.setter
    def locator_ttl(self, seconds: float) -> None:
        self._state.locator_ttl = seconds

    @property
    def calls(self) -> dict[str, int]:
        """API calls served, by kind (`query`, `sobjects`, `jobs`, …)."""
        return dict(self._state.calls)

    @property
    def api_usage(self) -> int:
        return self._state.api_usage

    def issue_token(self) -> str:
        """An access token, for the instance URL + access token auth mode."""
        return self._state.issue_token()

    @property
    def issued_tokens(self) -> set[str]:
        """Every access token the org has handed out (to check none leaks)."""
        return set(self._state.issued)

    def client_session(self) -> requests.Session:
        return client_session(self.url, self.ca_file)
