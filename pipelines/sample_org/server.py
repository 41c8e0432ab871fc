"""The sample org's HTTPS endpoints, answering as Salesforce does.

OAuth 2.0 token and SOAP login; `sobjects`, `describe`, `limits`; `query`/`queryAll` with
`nextRecordsUrl` paging; Composite; Bulk API 2.0 query jobs with `Sforce-Locator` paging. Every
REST answer carries `Sforce-Limit-Info`; errors are Salesforce's JSON arrays with their status codes.

Composite (`POST …/composite`) runs up to 25 GET subrequests of `sobjects`, `describe`, `limits`,
`query`, `queryAll` and Query More (at most 5 of them query operations) as one API call: it is
counted, session-checked and exposed to the per-call faults once, and each subrequest answers what
the same request answers on its own (`Handler._rest` serves both). A subrequest's `url` may hold
`@{refId.path}` references (`.key`, `[i]`) into an earlier subrequest's body. A fault can target
one subrequest of a Composite call (`FaultHook.subrequest_fault`), which then answers that error
in its place while the others run.

A query locator (`nextRecordsUrl`) is single-use, as Salesforce documents: once its page is
answered it is released, and asking for it again answers 400 `INVALID_QUERY_LOCATOR`; the last
page carries none; a cursor left idle for `OrgState.locator_ttl` seconds (Salesforce: 15 minutes)
expires, and the fault hook can release one early (`FaultHook.take_released_cursor`), as
Salesforce may. A request that is
not of the documented shape, has a bad or duplicate `referenceId`, sets `Accept`,
`Authorization` or `Content-Type` in `httpHeaders`, or has too many subrequests or queries fails
whole with HTTP 400. A subrequest whose reference names no earlier subrequest (unknown, or later
in the list), one that failed, or a path with no value there answers 400 `PROCESSING_HALTED`
and is not run; with `allOrNone`, so does every subrequest after the first failure. A `url`
that starts with a reference counts as a query operation (in practice it is a `nextRecordsUrl`).
"""

from __future__ import annotations

import io
import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import timezone
from email.utils import format_datetime
from html import unescape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import duckdb
import orjson

from pipelines.sample_org import auth
from pipelines.sample_org.fault_hook import Fault, FaultHook
from pipelines.sample_org.schema import OBJECTS
from pipelines.sample_org.shape import OrgShape
from pipelines.sample_org.soql import Query, SoqlError, parse
from pipelines.sample_org.store import BULK_DATETIME, REST_DATETIME, OrgStore

ORG_ID = "00D5g000004FLYWAAO"
USER_ID = "005000000000001AAA"
_DATA = re.compile(r"^/services/data/v(?P<v>\d+\.\d+)/(?P<rest>.*)$")
_REFERENCE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_REFERENCE = re.compile(rf"@\{{({_REFERENCE_ID.pattern})((?:\.\w+|\[\d+\])*)\}}")
_REFERENCE_STEP = re.compile(r"\.(\w+)|\[(\d+)\]")
_INHERITED_HEADERS = {"accept", "authorization", "content-type"}
_MAINTENANCE = b"<html><head><title>Down for maintenance</title></head><body>Salesforce is down for maintenance.</body></html>"


class ApiError(Exception):
    def __init__(self, status: int, error_code: str, message: str):
        super().__init__(message)
        self.status, self.error_code, self.message = status, error_code, message

    @property
    def body(self) -> list[dict[str, str]]:
        return [{"message": self.message, "errorCode": self.error_code}]


@dataclass
class QueryCursor:
    query: Query
    cursor: duckdb.DuckDBPyConnection
    total: int
    batch: int
    sent: int = 0
    last_record: dict[str, Any] | None = None
    last_used: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class BulkJob:
    id: str
    operation: str
    soql: str
    query: Query
    polls: int = 0
    cursor: duckdb.DuckDBPyConnection | None = None
    processed: int = 0
    sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class OrgState:
    """Everything the endpoints share: records, sessions, cursors, jobs, quota, what the org lacks
    (`shape`) and the fault hook (`faults`: none by default)."""

    def __init__(self, store: OrgStore, credentials: auth.OrgCredentials, api_limit: int = 15000,
                 locator_ttl: float = 15 * 60, *, shape: OrgShape | None = None, faults: FaultHook | None = None):
        self.store = store
        self.locator_ttl = locator_ttl  # seconds a query cursor may stay idle before it expires
        self.credentials = credentials
        self.api_limit = api_limit
        self.api_usage = 0
        self.shape = shape or OrgShape()
        self.faults = faults or FaultHook()
        self.url = ""
        self.tokens: set[str] = set()
        self.issued: list[str] = []  # every token handed out, valid or expired since
        self.cursors: dict[str, QueryCursor] = {}
        self.jobs: dict[str, BulkJob] = {}
        self.calls: dict[str, int] = {}
        self.lock = threading.Lock()

    def issue_token(self) -> str:
        token = f"{ORG_ID}!{secrets.token_urlsafe(40)}"
        with self.lock:
            self.tokens.add(token)
            self.issued.append(token)
        return token

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())


class OrgHTTPServer(ThreadingHTTPServer):
    """Keeps track of its open connections, so that stopping it ends every handler thread
    (a client's keep-alive connection would otherwise hold one open past the server's life)."""

    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: OrgState):
        super().__init__(address, Handler)
        self.state = state
        self._connections: set[Any] = set()
        self._connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            open_now = list(self._connections)
        for connection in open_now:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: OrgHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests and demo read their own logs
        pass

    def date_time_string(self, timestamp: float | None = None) -> str:
        """Every answer's `Date` header: the org's own clock, as Salesforce's answers carry its."""
        return format_datetime(self.server.state.store.now().replace(tzinfo=timezone.utc), usegmt=True)

    # --- plumbing ---------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str = "application/json;charset=UTF-8", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        state = self.server.state
        limit = {"Sforce-Limit-Info": f"api-usage={state.api_usage}/{state.api_limit}"}
        self._send(status, orjson.dumps(payload), headers={**limit, **(headers or {})})

    def _error(self, error: ApiError) -> None:
        self._json(error.status, error.body)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        path = urlsplit(self.path).path
        try:
            if path == "/services/oauth2/token" and method == "POST":
                return self._oauth_token()
            if path.startswith("/services/Soap/u/") and method == "POST":
                return self._soap_login()
            if path.rstrip("/") == "/services/data":
                return self._json(200, [{"label": "Winter '24", "url": "/services/data/v59.0", "version": "59.0"}])
            match = _DATA.match(path)
            if not match:
                raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
            self._api(method, match.group("v"), match.group("rest").rstrip("/"))
        except ApiError as error:
            self._error(error)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    # --- logins -----------------------------------------------------------------------------
    def _oauth_token(self) -> None:
        state = self.server.state
        form = {k: v[0] for k, v in parse_qs(self._body().decode()).items()}
        grant, creds = form.get("grant_type"), state.credentials
        if grant == "password":
            ok = auth.client_ok(creds, form.get("client_id", ""), form.get("client_secret", "")) and auth.password_ok(
                creds, form.get("username", ""), form.get("password", "")
            )
        elif grant == "client_credentials":
            ok = auth.basic_client_ok(creds, self.headers.get("Authorization", ""))
        elif grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            ok = auth.jwt_ok(creds, form.get("assertion", ""))
        else:
            return self._send(400, orjson.dumps({"error": "unsupported_grant_type", "error_description": "grant type not supported"}))
        if not ok:
            return self._send(400, orjson.dumps({"error": "invalid_grant", "error_description": "authentication failure"}))
        token = state.issue_token()
        self._send(200, orjson.dumps({
            "access_token": token,
            "instance_url": state.url,
            "id": f"{state.url}/id/{ORG_ID}/{USER_ID}",
            "token_type": "Bearer",
            "issued_at": str(int(time.time() * 1000)),
            "signature": secrets.token_urlsafe(32),
            "scope": "api",
        }))

    def _soap_login(self) -> None:
        state = self.server.state
        body = self._body().decode("utf-8", "replace")
        username = re.search(r"<\w+:username>(.*?)</\w+:username>", body, re.S)
        password = re.search(r"<\w+:password>(.*?)</\w+:password>", body, re.S)
        if not (username and password and auth.password_ok(state.credentials, unescape(username.group(1)), unescape(password.group(1)))):
            fault = (
                '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
                'xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_LOGIN</faultcode>'
                "<faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out.</faultstring>"
                "<detail><sf:LoginFault><sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode><sf:exceptionMessage>"
                "Invalid username, password, security token; or user locked out.</sf:exceptionMessage></sf:LoginFault>"
                "</detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"
            )
            return self._send(500, fault.encode(), "text/xml;charset=UTF-8")
        version = self.path.rstrip("/").rsplit("/", 1)[-1]
        token = state.issue_token()
        envelope = (
            '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns="urn:partner.soap.sforce.com"><soapenv:Body><loginResponse><result>'
            f"<metadataServerUrl>{state.url}/services/Soap/m/{version}/{ORG_ID}</metadataServerUrl>"
            "<passwordExpired>false</passwordExpired><sandbox>false</sandbox>"
            f"<serverUrl>{state.url}/services/Soap/u/{version}/{ORG_ID}</serverUrl>"
            f"<sessionId>{token}</sessionId><userId>{USER_ID}</userId>"
            "</result></loginResponse></soapenv:Body></soapenv:Envelope>"
        )
        self._send(200, envelope.encode(), "text/xml;charset=UTF-8")

    # --- the REST API ----------------------------------------------------------------------
    def _api(self, method: str, version: str, rest: str) -> None:
        state = self.server.state
        body = self._body()  # read before any error answer, or it would prefix the connection's next request
        token = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        with state.lock:
            state.api_usage += 1
            call, fault, expired = state.faults.next_call(state.api_usage)
            if expired:
                state.tokens.clear()
            known = token in state.tokens
            kind = rest.split("/")[0] or "root"
            state.calls[kind] = state.calls.get(kind, 0) + 1
        if not known:
            raise ApiError(401, "INVALID_SESSION_ID", "Session expired or invalid")
        if fault is not None and fault.kind != "drop_after":
            return self._fault(fault)
        if fault is not None:  # answer in full (cursors move on), then lose the answer on the way
            self.wfile = io.BytesIO()
            self.close_connection = True
        params, parts = parse_qs(urlsplit(self.path).query), rest.split("/")
        if parts[:2] == ["jobs", "query"]:
            return self._bulk(method, parts[2:], params, body)
        if rest == "composite" and method == "POST":
            return self._json(*self._composite(body, call))
        self._json(*self._rest(version, rest, params, self.headers.get("Sforce-Query-Options", "")))

    def _rest(self, version: str, rest: str, params: dict[str, list[str]], query_options: str) -> tuple[int, Any]:
        """What a REST resource answers, as (status, payload); an error as Salesforce's error list.
        `_api` sends it, and a composite subrequest answers with it."""
        state = self.server.state
        parts = rest.split("/")
        try:
            if rest == "sobjects":
                return 200, {"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": [
                    self._summary(o) for o in OBJECTS.values() if not state.shape.refused(o.name)  # not in this org
                ]}
            if len(parts) == 3 and parts[0] == "sobjects" and parts[2] == "describe":
                return 200, self._describe(parts[1], version)
            if rest == "limits":
                return 200, {
                    "DailyApiRequests": {"Max": state.api_limit, "Remaining": max(state.api_limit - state.api_usage, 0)},
                    "DailyBulkV2QueryJobs": {"Max": 10000, "Remaining": 10000 - len(state.jobs)},
                }
            if parts[0] in ("query", "queryAll") and len(parts) == 1:
                return 200, self._start_query(version, params.get("q", [""])[0], parts[0] == "queryAll", query_options)
            if parts[0] == "query" and len(parts) == 2:
                return 200, self._page(version, parts[1])
            raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
        except ApiError as error:
            return error.status, error.body

    # --- Composite -------------------------------------------------------------------------
    def _composite(self, body: bytes, call: int) -> tuple[int, Any]:
        """The subrequests' answers in request order (see the module docstring); a request that
        fails whole raises ApiError."""
        try:
            spec = orjson.loads(body)
        except orjson.JSONDecodeError:
            spec = None
        results: dict[str, tuple[int, Any]] = {}
        halted = False
        for index, sub in enumerate(composite_subrequests(spec)):
            fault = self.server.state.faults.subrequest_fault(call, index)
            if fault is not None and not halted:
                status, payload = fault.status, ApiError(fault.status, fault.error_code, fault.message).body
            elif halted:
                status, payload = 400, _halted("The transaction was rolled back since another operation in the same transaction failed.").body
            else:
                status, payload = self._subrequest(sub, results)
            results[sub["referenceId"]] = status, payload
            halted = halted or (spec.get("allOrNone", False) and status >= 300)
        return 200, {"compositeResponse": [
            {"body": payload, "httpHeaders": {}, "httpStatusCode": status, "referenceId": ref}
            for ref, (status, payload) in results.items()
        ]}

    def _subrequest(self, sub: dict[str, Any], results: dict[str, tuple[int, Any]]) -> tuple[int, Any]:
        try:
            url = urlsplit(resolve_references(sub["url"], results))
            match = _DATA.match(url.path)
            if match is None:
                raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
            rest = match.group("rest").rstrip("/")
            if sub["method"] != "GET" or rest.split("/")[0] == "jobs":
                raise ApiError(400, "INVALID_REQUEST", f"{sub['method']} {url.path} is not supported in a composite request here: "
                               "only GET of sobjects, describe, limits, query, queryAll and Query More")
        except ApiError as error:
            return error.status, error.body
        headers = {name.lower(): value for name, value in sub.get("httpHeaders", {}).items()}
        return self._rest(match.group("v"), rest, parse_qs(url.query), headers.get("sforce-query-options", ""))

    def _fault(self, fault: Fault) -> None:
        if fault.kind == "drop":
            self.close_connection = True
            self.connection.close()
            return
        if fault.kind == "html":
            self.close_connection = True
            return self._send(fault.status, _MAINTENANCE, "text/html")
        if fault.kind == "truncated":
            return self._send(200, b'{"totalSize":1200,"done":false,"records":[{"attributes":{"type":"', "application/json")
        if fault.kind == "error_body":
            return self._json(200, [{"errorCode": fault.error_code, "message": fault.message}])
        raise ApiError(fault.status, fault.error_code, fault.message)

    @staticmethod
    def _summary(sobject) -> dict[str, Any]:
        return {"name": sobject.name, "label": sobject.name, "keyPrefix": sobject.key_prefix, "queryable": sobject.queryable}

    def _describe(self, name: str, version: str) -> dict[str, Any]:
        sobject = next((o for o in OBJECTS.values() if o.name.lower() == name.lower()), None)
        if sobject is None or self.server.state.shape.refused(name):
            raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
        return {
            **self._summary(sobject),
            "urls": {"describe": f"/services/data/v{version}/sobjects/{sobject.name}/describe"},
            "fields": [
                {
                    "name": f.name, "label": f.name, "type": f.type, "nillable": f.nillable,
                    "filterable": f.filterable, "groupable": f.groupable,
                    "referenceTo": [f.reference_to] if f.reference_to else [],
                    "relationshipName": f.relationship_name, "length": 255 if STRINGY.get(f.type) else 0,
                    "picklistValues": [{"active": True, "defaultValue": v == f.default, "label": v,
                                        "validFor": None, "value": v} for v in f.picklist],
                }
                for f in sobject.fields
                if not self.server.state.shape.hidden(sobject.name, f.name)
            ],
        }

    def _parse(self, soql: str) -> Query:
        try:
            query = parse(soql)
        except SoqlError as error:
            raise ApiError(400, error.error_code, error.message) from None
        shape = self.server.state.shape
        if shape.refused(query.sobject.name):
            raise ApiError(400, "INVALID_TYPE", f"sObject type '{query.sobject.name}' is not supported.")
        for column in query.columns:
            if not column.relationship and shape.hidden(query.sobject.name, column.field.name):
                raise ApiError(400, "INVALID_FIELD", f"No such column '{column.path}' on entity '{query.sobject.name}'.")
        if self.server.state.faults.take_query_timeout(query.sobject.name):
            raise ApiError(400, "QUERY_TIMEOUT", "Your query request was running for too long.")
        return query

    def _start_query(self, version: str, soql: str, include_deleted: bool, options: str) -> dict[str, Any]:
        state = self.server.state
        query = self._parse(soql)
        cursor, total = state.store.open_query(query, include_deleted, REST_DATETIME)
        if query.is_count:
            return {"totalSize": total, "done": True, "records": []}
        if query.grouped and total > 2000:  # GROUP BY answers in one batch: no query locator to page on
            raise ApiError(400, "MALFORMED_QUERY", f"a GROUP BY query answers at most 2,000 rows in one batch, "
                           f"and this one holds {total:,}: narrow its filter")
        match = re.search(r"batchSize=(\d+)", options)
        batch = 2000 if query.grouped else min(max(int(match.group(1)), 200), 2000) if match else 2000
        locator = "01g" + secrets.token_hex(8)[:15].upper()
        with state.lock:
            state.cursors[locator] = QueryCursor(query, cursor, total, batch)
        return self._page(version, f"{locator}-0", first=True)

    def _page(self, version: str, next_records: str, first: bool = False) -> dict[str, Any]:
        """The page a locator (`<cursor>-<records sent before it>`) names. Each is answered once:
        asking again, for one not yet reached, or of a cursor released or expired, is refused."""
        state = self.server.state
        locator, _, position = next_records.partition("-")
        now = time.monotonic()
        with state.lock:
            qc = state.cursors.get(locator)
            if qc is not None and not first and (
                now - qc.last_used > state.locator_ttl or state.faults.take_released_cursor(qc.query.sobject.name)
            ):
                state.cursors.pop(locator, None)
                qc = None
        if qc is None:
            raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        with qc.lock:
            if position != str(qc.sent):  # answered already, or not reached yet
                raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
            rows = qc.cursor.fetchmany(qc.batch)
            qc.sent += len(rows)
            done = qc.sent >= qc.total or not rows
        records = rest_records(qc.query, rows, version)
        faults, name = state.faults, qc.query.sobject.name
        if faults.repeats_across_pages(name) and qc.last_record is not None:
            records.insert(0, qc.last_record)
        qc.last_record = records[-1] if records else None
        wrong = faults.wrong_value_for(name)
        if wrong:
            for record in records:
                record[wrong[0]] = wrong[1]
        body: dict[str, Any] = {"totalSize": qc.total, "done": done, "records": records}
        qc.last_used = time.monotonic()
        if done:
            with state.lock:
                state.cursors.pop(locator, None)
        else:
            body["nextRecordsUrl"] = f"/services/data/v{version}/query/{locator}-{qc.sent}"
        return body

    # --- Bulk API 2.0 ----------------------------------------------------------------------
    def _bulk(self, method: str, parts: list[str], params: dict[str, list[str]], body: bytes) -> None:
        state = self.server.state
        if not parts and method == "POST":
            spec = orjson.loads(body or b"{}")
            operation = spec.get("operation")
            if operation not in ("query", "queryAll"):
                raise ApiError(400, "INVALIDJOB", f"Invalid operation: {operation}")
            try:
                query = parse(spec.get("query", ""))
            except SoqlError as error:
                raise ApiError(400, "INVALIDJOB", f"{error.error_code}: {error.message}") from None
            refused = not query.sobject.bulk_queryable or state.faults.bulk_refused(query.sobject.name)
            if refused or query.is_count or query.grouped:
                what = "Aggregate queries are" if query.is_count or query.grouped else f"Entity type {query.sobject.name} is"
                raise ApiError(400, "INVALIDJOB", f"{what} not supported by the Bulk API")
            job = BulkJob("750" + secrets.token_hex(8)[:15].upper(), operation, spec["query"], query)
            with state.lock:
                state.jobs[job.id] = job
            return self._json(200, self._job_info(job, "UploadComplete"))
        job = state.jobs.get(parts[0]) if parts else None
        if job is None:
            raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
        if len(parts) == 1 and method == "GET":
            job.polls += 1
            return self._json(200, self._job_info(job, "InProgress" if job.polls == 1 else "JobComplete"))
        if len(parts) == 1 and method == "DELETE":
            state.jobs.pop(job.id, None)
            return self._send(204, b"")
        if len(parts) == 2 and parts[1] == "results":
            return self._bulk_results(job, params)
        raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")

    def _job_info(self, job: BulkJob, status: str) -> dict[str, Any]:
        return {
            "id": job.id, "operation": job.operation, "object": job.query.sobject.name, "state": status,
            "jobType": "V2Query", "contentType": "CSV", "columnDelimiter": "COMMA", "lineEnding": "LF",
            "apiVersion": 59.0, "numberRecordsProcessed": job.processed,
        }

    def _bulk_results(self, job: BulkJob, params: dict[str, list[str]]) -> None:
        max_records = int(params.get("maxRecords", ["50000"])[0])
        with job.lock:
            if job.cursor is None:
                job.cursor, job.processed = self.server.state.store.open_query(job.query, job.operation == "queryAll", BULK_DATETIME)
            rows = job.cursor.fetchmany(max_records)
            job.sent += len(rows)
            more = job.sent < job.processed
        locator = secrets.token_hex(6) if more else "null"
        self._send(200, bulk_csv(job.query, rows), "text/csv", {
            "Sforce-NumberOfRecords": str(len(rows)),
            "Sforce-Locator": locator,
            "Sforce-Limit-Info": f"api-usage={self.server.state.api_usage}/{self.server.state.api_limit}",
        })


def composite_subrequests(spec: Any) -> list[dict[str, Any]]:
    """The subrequests of a composite request body, checked as Salesforce checks them before
    running any; ApiError(400) for the whole request otherwise."""
    if not (
        isinstance(spec, dict) and set(spec) <= {"allOrNone", "collateSubrequests", "compositeRequest"}
        and isinstance(spec.get("allOrNone", False), bool) and isinstance(spec.get("compositeRequest"), list)
    ):
        raise ApiError(400, "JSON_PARSER_ERROR", 'The body must be {"allOrNone": boolean, "compositeRequest": [subrequest, ...]}')
    subrequests = spec["compositeRequest"]
    if not 1 <= len(subrequests) <= 25:
        raise ApiError(400, "LIMIT_EXCEEDED", f"A composite request holds 1 to 25 subrequests, not {len(subrequests)}")
    seen: set[str] = set()
    for sub in subrequests:
        headers = sub.get("httpHeaders", {}) if isinstance(sub, dict) else None
        if not (
            isinstance(sub, dict) and set(sub) <= {"method", "url", "referenceId", "httpHeaders", "body"}
            and sub.get("method") in ("GET", "POST", "PUT", "PATCH", "DELETE")
            and isinstance(sub.get("url"), str) and isinstance(sub.get("referenceId"), str)
            and isinstance(headers, dict) and all(isinstance(v, str) for v in headers.values())
        ):
            raise ApiError(400, "JSON_PARSER_ERROR", 'Each subrequest must be {"method": "GET", "url": "...", "referenceId": "...", "httpHeaders": {...}}')
        ref = sub["referenceId"]
        if not _REFERENCE_ID.fullmatch(ref):
            raise ApiError(400, "INVALID_REQUEST", f"referenceId '{ref}' must start with a letter and hold only letters, digits and underscores")
        if ref in seen:
            raise ApiError(400, "INVALID_REQUEST", f"Duplicate referenceId '{ref}'")
        seen.add(ref)
        inherited = sorted(name for name in headers if name.lower() in _INHERITED_HEADERS)
        if inherited:
            raise ApiError(400, "INVALID_REQUEST", f"Subrequest '{ref}' sets {', '.join(inherited)} in httpHeaders: "
                           "subrequests inherit Accept, Authorization and Content-Type from the composite request")
    queries = sum(re.sub(r"^/services/data/v[^/]+/", "", sub["url"]).startswith(("query", "@{")) for sub in subrequests)
    if queries > 5:
        raise ApiError(400, "LIMIT_EXCEEDED", f"A composite request holds at most 5 query operations (Query, QueryAll, Query More), not {queries}")
    return subrequests


def resolve_references(url: str, results: dict[str, tuple[int, Any]]) -> str:
    """`url` with each `@{refId.path}` replaced by that value in the body of an earlier
    subrequest (`results`: referenceId → (status, body)); ApiError PROCESSING_HALTED otherwise."""

    def value(match: re.Match[str]) -> str:
        reference, (ref, path) = match.group(), match.groups()
        if ref not in results:
            raise _halted(f"Invalid reference specified: no subrequest before this one has referenceId '{ref}' ({reference}).")
        status, node = results[ref]
        if status >= 300:
            raise _halted(f"Invalid reference specified: subrequest '{ref}' failed with HTTP {status}, so {reference} has no value.")
        try:
            for key, index in _REFERENCE_STEP.findall(path):
                node = node[int(index)] if index else node[key]
        except (KeyError, IndexError, TypeError):
            node = None
        if node is None or isinstance(node, (dict, list)):
            raise _halted(f"Invalid reference specified: no value for {reference} found in the answer of '{ref}'.")
        return str(node)

    return _REFERENCE.sub(value, url)


def _halted(message: str) -> ApiError:
    return ApiError(400, "PROCESSING_HALTED", message)


STRINGY = {"string": True, "picklist": True, "email": True, "phone": True, "textarea": True}


def rest_records(query: Query, rows: list[tuple], version: str) -> list[dict[str, Any]]:
    """Rows as REST query records: attributes first, relationships nested, SELECT order."""
    name = query.sobject.name
    relationships = list(query.joins.items())
    offset = 1 + len(relationships)
    records = []
    for row in rows:
        record: dict[str, Any] = {"attributes": {"type": "AggregateResult"}} if query.grouped else {
            "attributes": {"type": name, "url": f"/services/data/v{version}/sobjects/{name}/{row[0]}"}}
        parent_ids = dict(zip((rel for rel, _ in relationships), row[1:offset]))
        for column, value in zip(query.columns, row[offset:]):
            if column.relationship is None:
                record[column.field.name] = value
                continue
            rel = column.relationship.relationship_name
            parent_id = parent_ids[rel]
            if parent_id is None:
                record[rel] = None
                continue
            parent = record.setdefault(rel, {"attributes": {
                "type": column.relationship.reference_to,
                "url": f"/services/data/v{version}/sobjects/{column.relationship.reference_to}/{parent_id}",
            }})
            parent[column.field.name] = value
        records.append(record)
    return records


def bulk_csv(query: Query, rows: list[tuple]) -> bytes:
    """Rows as a Bulk API 2.0 results page: header, every value quoted, nulls as empty fields."""
    out = io.StringIO()
    out.write(",".join(f'"{c.path}"' for c in query.columns) + "\n")
    offset = 1 + len(query.joins)
    for row in rows:
        out.write(",".join(_csv_value(v) for v in row[offset:]) + "\n")
    return out.getvalue().encode()


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "true" if value else "false"
    return '"' + str(value).replace('"', '""') + '"'
