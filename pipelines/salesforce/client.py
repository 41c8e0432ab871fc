"""The calls Flywheel makes to Salesforce, on top of simple-salesforce.

simple-salesforce sends every request (and renews an expired session where the auth mode can);
this layer adds what a pipeline needs around it: pages parsed with orjson, 5xx and dropped
connections retried with bounded backoff, every call counted, and errors that name the object,
the call and what to do. Every retry, with its reason, and each Bulk job's state go to the
client's `log`: in a run, the step's own logger, so they show in the run's log in the Dagster UI.

Small requests travel together in Composite calls (`/composite`): Salesforce counts one such call,
up to 25 subrequests of which up to 5 are queries, as a single call toward the daily API limit.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urlsplit

import orjson
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceAuthenticationFailed, SalesforceError

from pipelines.salesforce.progress import Progress
from pipelines.salesforce.auth import AuthMode, redact


class SalesforceApiError(RuntimeError):
    """A call failed in a way the run cannot recover from. Says what, where, and what to do."""

    def __init__(self, object_name: str, call: str, problem: str, *, error_code: str | None = None, hint: str = ""):
        self.object_name = object_name
        self.call = call
        self.error_code = error_code
        message = f"Salesforce {call} for {object_name} failed: {problem}"
        super().__init__(f"{message}. {hint}".strip() if hint else message)


class RequestLimitExceeded(SalesforceApiError):
    """The org's API quota is used up (`REQUEST_LIMIT_EXCEEDED`): stop cleanly, retry later."""


class QuotaGuardReached(RequestLimitExceeded):
    """The run used the share of the daily API quota it may use: stop before the next call."""


class BulkRefused(SalesforceApiError):
    """Bulk API 2.0 will not run this query (object not supported, job failed): use REST."""


class QueryTimeout(SalesforceApiError):
    """Salesforce gave up on a query (`QUERY_TIMEOUT`): ask for a narrower window."""


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff for 5xx answers and dropped connections."""

    attempts: int = 5
    first_delay: float = 0.5
    max_delay: float = 8.0

    def delays(self) -> Iterator[float]:
        delay = self.first_delay
        for _ in range(self.attempts - 1):
            yield delay
            delay = min(delay * 2, self.max_delay)


@dataclass(frozen=True)
class Page:
    records: list[dict[str, Any]]
    done: bool


@dataclass(frozen=True)
class Subrequest:
    """One GET inside a Composite call. `url` is a path under `/services/data/`, or a reference
    to an earlier subrequest's answer such as `@{q1.nextRecordsUrl}` (its next page)."""

    reference_id: str
    url: str
    is_query: bool = False  # query, queryAll or a next page: at most 5 in one call
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SubResult:
    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


# Salesforce's limits on one Composite call.
MAX_SUBREQUESTS = 25
MAX_QUERY_SUBREQUESTS = 5

_REFERENCE = re.compile(r"@\{(\w+)((?:\.\w+|\[\d+\])*)\}")
_REFERENCE_STEP = re.compile(r"\.(\w+)|\[(\d+)\]")
_TRANSIENT = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class SalesforceClient:
    """What the extraction asks of an org: describe, count, and query pages."""

    def __init__(
        self,
        sf: Salesforce,
        *,
        mode: AuthMode,
        secrets: list[str] | None = None,
        retry: RetryPolicy = RetryPolicy(),
        quota_share: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        log: logging.Logger | None = None,
    ):
        """`quota_share`: stop before a call once this share of the org's daily API requests
        (as the last `Sforce-Limit-Info` reported) is used, leaving the rest to other tools.
        `log`: where retries, Bulk job states and read progress go (a run's `context.log`)."""
        self.sf = sf
        self.log = log or logging.getLogger(__name__)
        self.mode = mode
        self.quota_share = quota_share
        self.calls = 0
        # Salesforce's own clock (UTC), as the `Date` header of its last answer read it; None
        # before the first answer, or when the answers carry no such header
        self.clock: datetime | None = None
        self._secrets = secrets or []
        self._retry = retry
        self._sleep = sleep

    # --- the calls -----------------------------------------------------------------------
    def describe_many(self, names: Sequence[str]) -> dict[str, dict[str, Any] | SalesforceApiError]:
        """Each object's describe, 25 to a Composite call; an object the org refuses gets its error."""
        answers: dict[str, dict[str, Any] | SalesforceApiError] = {}
        for chunk in _chunks(list(dict.fromkeys(names)), MAX_SUBREQUESTS):
            results = self.composite(
                [Subrequest(f"d{i}", self.resource_path(f"sobjects/{n}/describe")) for i, n in enumerate(chunk)],
                object_name=", ".join(chunk), call="describe",
            )
            for i, name in enumerate(chunk):
                result = results[f"d{i}"]
                if not result.ok:
                    answers[name] = self.subrequest_error(result, name, "describe")
                elif not isinstance(result.body, dict) or not isinstance(result.body.get("fields"), list):
                    answers[name] = SalesforceApiError(name, "describe", "the answer has no field list")
                else:
                    answers[name] = result.body
        return answers

    def count_many(self, counts: Mapping[str, str]) -> dict[str, int | SalesforceApiError]:
        """`totalSize` of each object's `SELECT COUNT()` queryAll, five to a Composite call."""
        answers: dict[str, int | SalesforceApiError] = {}
        for chunk in _chunks(list(counts.items()), MAX_QUERY_SUBREQUESTS):
            results = self.composite(
                [Subrequest(f"c{i}", self.query_path(soql), is_query=True) for i, (_, soql) in enumerate(chunk)],
                object_name=", ".join(name for name, _ in chunk), call="COUNT() query",
            )
            for i, (name, _) in enumerate(chunk):
                result = results[f"c{i}"]
                try:
                    if not result.ok:
                        raise self.subrequest_error(result, name, "COUNT() query")
                    answers[name] = int(query_body(result.body, name, "COUNT() query")["totalSize"])
                except SalesforceApiError as error:
                    answers[name] = error
        return answers

    def composite(self, subrequests: Sequence[Subrequest], *, object_name: str, call: str) -> dict[str, SubResult]:
        """One Composite call (one API call, however many subrequests): each answer by reference.
        `call` names what the subrequests do, for errors.

        `allOrNone` is off, so a subrequest that fails leaves the others standing (those that
        refer to it are not run). A subrequest answering 5xx is sent again, alone with those
        that refer to it, with the same bounded backoff as a whole call; past the retries its
        answer stands.
        """
        queries = sum(1 for s in subrequests if s.is_query)
        if len(subrequests) > MAX_SUBREQUESTS or queries > MAX_QUERY_SUBREQUESTS:
            raise ValueError(f"{len(subrequests)} subrequests ({queries} queries) do not fit one Composite call")
        call = f"{call} (Composite)"
        results = self._composite_once(subrequests, object_name=object_name, call=call)
        delays = self._retry.delays()
        while True:
            again = {ref for ref, result in results.items() if result.status >= 500}
            if not again:
                return results
            for sub in subrequests:  # and those halted because they refer to one of them
                if {ref for ref, _ in _REFERENCE.findall(sub.url)} & again:
                    again.add(sub.reference_id)
            delay = next(delays, None)
            if delay is None:
                return results  # each failed subrequest fails its own object
            failed = ", ".join(f"{ref} HTTP {results[ref].status}" for ref in sorted(again) if results[ref].status >= 500)
            self.log.warning(f"{call} for {object_name}: subrequest {failed}; resending it (only it) in {delay:.2f}s")
            self._sleep(delay)
            resend = [replace(s, url=_resolve(s.url, results, again)) for s in subrequests if s.reference_id in again]
            results |= self._composite_once(resend, object_name=object_name, call=call)

    def _composite_once(self, subrequests: Sequence[Subrequest], *, object_name: str, call: str) -> dict[str, SubResult]:
        body = self._get_json(
            f"{self.sf.base_url}composite", method="POST", object_name=object_name, call=call,
            data=orjson.dumps({
                "allOrNone": False,
                "compositeRequest": [
                    {"method": "GET", "url": s.url, "referenceId": s.reference_id,
                     **({"httpHeaders": dict(s.headers)} if s.headers else {})}
                    for s in subrequests
                ],
            }),
        )
        answers = body.get("compositeResponse") if isinstance(body, dict) else None
        if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
            raise SalesforceApiError(object_name, call, _not_an_answer(body, "a composite result"))
        results = {a.get("referenceId"): SubResult(int(a.get("httpStatusCode", 0)), a.get("body")) for a in answers}
        lacking = [s.reference_id for s in subrequests if s.reference_id not in results]
        if lacking:
            raise SalesforceApiError(object_name, call, f"the answer lacks {', '.join(lacking)}")
        return results

    def resource_path(self, resource: str) -> str:
        """`/services/data/vXX.X/<resource>`, as a Composite subrequest names it."""
        return urlsplit(self.sf.base_url).path + resource

    def query_path(self, soql: str, *, include_deleted: bool = True) -> str:
        return self.resource_path(("queryAll/" if include_deleted else "query/") + "?q=" + quote(soql, safe=""))

    def subrequest_error(self, result: SubResult, object_name: str, call: str) -> SalesforceApiError:
        """A failed subrequest as the error the same call on its own would raise."""
        return self._translate(result.status, result.body, object_name, call, SalesforceApiError)

    def bulk_query_pages(
        self,
        soql: str,
        *,
        object_name: str,
        include_deleted: bool = True,
        max_records: int = 50_000,
        max_poll_seconds: float = 5.0,
        timeout_seconds: float = 3600.0,
    ) -> Iterator[bytes]:
        """A Bulk API 2.0 query job's results, one CSV page (with its header) at a time.

        Raises `BulkRefused` when Salesforce will not run the job (an object Bulk does not
        support, a failed or aborted job), so the caller can fall back to REST.
        """
        jobs = f"{self.sf.bulk2_url}query"
        job = self._get_json(
            jobs, method="POST", object_name=object_name, call="Bulk API 2.0 job",
            data=orjson.dumps({
                "operation": "queryAll" if include_deleted else "query",
                "query": soql, "columnDelimiter": "COMMA", "lineEnding": "LF",
            }),
            refuse=BulkRefused,
        )
        job_url = f"{jobs}/{job['id']}"
        deadline = time.monotonic() + timeout_seconds
        progress = Progress(self.log, f"Bulk API 2.0 read of {object_name}")
        poll = 0.25  # small jobs finish in a moment; large ones are polled less and less often
        state = job.get("state")
        self.log.info(f"Bulk API 2.0 job {job['id']} for {object_name}: {state}")
        while True:
            info = self._get_json(job_url, object_name=object_name, call="Bulk API 2.0 job status")
            if info.get("state") != state:
                state = info.get("state")
                self.log.info(f"Bulk API 2.0 job {job['id']} for {object_name}: {state}"
                              + (f", {info['numberRecordsProcessed']:,} records" if info.get("numberRecordsProcessed") else ""))
            if state == "JobComplete":
                break
            if state in ("Failed", "Aborted"):
                raise BulkRefused(
                    object_name, "Bulk API 2.0 job", f"the job {state.lower()}: {info.get('errorMessage', 'no reason given')}"
                )
            if time.monotonic() > deadline:
                raise BulkRefused(object_name, "Bulk API 2.0 job", f"still {state} after {timeout_seconds:.0f}s")
            progress.advance(state=state)
            self._sleep(poll)
            poll = min(poll * 2, max_poll_seconds)
        locator: str | None = None
        while True:
            params = {"maxRecords": str(max_records), **({"locator": locator} if locator else {})}
            response = self._request(
                "GET", f"{job_url}/results", object_name=object_name, call="Bulk API 2.0 results",
                params=params, headers={"Accept": "text/csv"},
            )
            yield response.content
            progress.advance(int(response.headers.get("Sforce-NumberOfRecords") or 0), state="JobComplete")
            locator = response.headers.get("Sforce-Locator")
            if not locator or locator == "null":
                return

    @property
    def api_usage(self) -> tuple[int, int] | None:
        """(used, max) of the org's daily API requests, from the last `Sforce-Limit-Info`."""
        usage = self.sf.api_usage.get("api-usage")
        return (usage.used, usage.total) if usage else None

    # --- one request, retried and translated ----------------------------------------------
    def _get_json(self, url: str, *, object_name: str, call: str, method: str = "GET", **kwargs: Any) -> Any:
        response = self._request(method, url, object_name=object_name, call=call, **kwargs)
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            snippet = response.content[:80].decode("utf-8", "replace")
            raise SalesforceApiError(
                object_name,
                call,
                f"the answer was not JSON (HTTP {response.status_code}, "
                f"{response.headers.get('Content-Type', 'no content type')}, begins {snippet!r})",
                hint="Salesforce may be in maintenance; the run can be repeated later.",
            ) from None

    def _request(
        self,
        method: str,
        url: str,
        *,
        object_name: str,
        call: str,
        refuse: type[SalesforceApiError] = SalesforceApiError,
        **kwargs: Any,
    ) -> requests.Response:
        """One call, retried on 5xx and dropped connections; a 4xx other than quota or session
        is raised as `refuse` (so a Bulk job Salesforce turns down can fall back to REST)."""
        delays = self._retry.delays()
        while True:
            self._check_quota(object_name, call)
            self.calls += 1
            try:
                response = self.sf._call_salesforce(method, url, name=object_name, **kwargs)
                self.clock = clock_reading(response) or self.clock
                return response
            except _TRANSIENT as exc:
                problem = f"the connection failed ({type(exc).__name__})"
            except SalesforceAuthenticationFailed as exc:
                raise SalesforceApiError(
                    object_name, call,
                    redact(f"logging in again failed ({exc.code}: {exc.auth_message})", self._secrets),
                    hint="Check the SALESFORCE_* credentials.",
                ) from None
            except SalesforceError as exc:
                if exc.status < 500:
                    raise self._translate(exc.status, exc.content, object_name, call, refuse) from None
                problem = f"HTTP {exc.status} {_error_code(exc.content) or ''}".strip()
            delay = next(delays, None)
            if delay is None:
                raise SalesforceApiError(
                    object_name, call, f"{problem}, still after {self._retry.attempts} attempts",
                    hint="Salesforce or the network is unavailable; run again later.",
                )
            self.log.warning(f"{call} for {object_name}: {problem}; retrying in {delay:.2f}s")
            self._sleep(delay)

    def _check_quota(self, object_name: str, call: str) -> None:
        usage = self.api_usage
        if self.quota_share is None or usage is None or not usage[1]:
            return
        used, limit = usage
        if used >= self.quota_share * limit:
            raise QuotaGuardReached(
                object_name, call,
                f"{used:,} of the org's {limit:,} daily API requests are used, and Flywheel stops "
                f"at {self.quota_share:.0%}",
                hint="Objects already synced keep their watermarks; the next run goes on from there.",
            )

    def _translate(
        self, status: int, content: Any, object_name: str, call: str, refuse: type[SalesforceApiError]
    ) -> SalesforceApiError:
        code = _error_code(content)
        message = redact(_error_message(content), self._secrets)
        problem = f"HTTP {status} {code or ''}: {message}".replace("  ", " ")
        if code == "REQUEST_LIMIT_EXCEEDED":
            return RequestLimitExceeded(
                object_name, call, problem, error_code=code,
                hint="The org's daily API quota is used up; the next run goes on from the last watermark.",
            )
        if code == "QUERY_TIMEOUT":
            return QueryTimeout(object_name, call, problem, error_code=code)
        if code == "INVALID_SESSION_ID":
            hint = (
                "The access token expired and this auth mode cannot renew it: refresh "
                "SALESFORCE_ACCESS_TOKEN or configure a login flow."
                if not self.mode.can_renew
                else "The session could not be renewed; check the credentials."
            )
            return SalesforceApiError(object_name, call, problem, error_code=code, hint=hint)
        if code in ("INVALID_FIELD", "INVALID_TYPE"):
            hint = "The user may lack access to this object or field (profile, permission set)."
            return refuse(object_name, call, problem, error_code=code, hint=hint)
        return refuse(object_name, call, problem, error_code=code)


def clock_reading(response: requests.Response) -> datetime | None:
    """The moment the `Date` header of an answer names, in UTC (naive, as the raw tables keep
    datetimes); None when it is missing or not an HTTP date."""
    try:
        moment = parsedate_to_datetime(response.headers.get("Date") or "")
    except (TypeError, ValueError):
        return None
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def _resolve(url: str, results: Mapping[str, SubResult], pending: set[str]) -> str:
    """`url` with each reference to an answered subrequest (not one in `pending`, which is sent
    again with it) replaced by its value, as Salesforce would have resolved it."""

    def value(match: re.Match[str]) -> str:
        ref, path = match.groups()
        if ref in pending or ref not in results:
            return match.group()
        node: Any = results[ref].body
        try:
            for key, index in _REFERENCE_STEP.findall(path):
                node = node[int(index)] if index else node[key]
        except (KeyError, IndexError, TypeError):
            node = None
        return match.group() if node is None or isinstance(node, (dict, list)) else str(node)

    return _REFERENCE.sub(value, url)


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def query_body(body: Any, object_name: str, call: str) -> dict[str, Any]:
    """A query answer, checked: records and totalSize, or a clear error."""
    if not isinstance(body, dict) or not isinstance(body.get("records"), list) or "totalSize" not in body:
        raise SalesforceApiError(object_name, call, _not_an_answer(body, "a query result"))
    return body


def _not_an_answer(body: Any, expected: str) -> str:
    code = _error_code(body)
    return f"an error body came with HTTP 200 ({code})" if code else f"the answer is not {expected}"


def _first_error(content: Any) -> dict[str, Any]:
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return content[0]
    return {}


def _error_code(content: Any) -> str | None:
    return _first_error(content).get("errorCode")


def _error_message(content: Any) -> str:
    message = _first_error(content).get("message")
    if message:
        return str(message)
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else str(content)
    return text[:200]
