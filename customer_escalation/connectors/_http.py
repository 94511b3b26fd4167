"""The one HTTP layer every vendor connector uses.

`HttpApi` wraps an injected `httpx2.AsyncClient` (or builds one with sane timeouts and connection
limits) and applies a per-vendor `VendorPolicy`: the auth header, how the vendor signals a rate limit
and how its error bodies read. It is the single place where transport and HTTP failures become the
errors of `connectors.errors`:

* 429 (or a vendor's own rate-limit signal) is retried after the vendor's delay (`Retry-After`,
  `retry-after-ms`, or a reset header the policy reads), capped per wait and in total; while one request
  waits, every request of the same client waits too, so a burst drains at the rate the vendor allows.
  When the budget is spent: `RateLimitedError`.
* 5xx, 408 and transport errors (timeouts, refused connections) are retried a few times with jittered
  exponential backoff for idempotent requests, then become `UpstreamError`.
* 401 `AuthError`, 403 `PermissionDeniedError`, 404 `NotFoundError`, 400/422 `InvalidQueryError`,
  410 `EndpointGoneError`: never retried, since repeating cannot help.
* A 2xx body that is not JSON is `UpstreamError` naming the endpoint, never an empty result.

Every error leaving `HttpApi.request` has its message scrubbed of credentials (`connectors.scrub`):
the policy's own auth header values, every other configured secret and anything shaped like one,
since vendors echo request headers in error bodies. The auth header values are also registered with
`remember_secret`, so that log lines are scrubbed of them too.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx2
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type
from tenacity.stop import stop_base
from tenacity.wait import wait_base, wait_exponential_jitter

from .errors import (
    AuthError,
    ConfigError,
    ConnectorError,
    EndpointGoneError,
    InvalidQueryError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    UpstreamError,
)
from .net import is_loopback
from .scrub import remember_secret, scrub
from .vendor import ModelT, parse_body

logger = logging.getLogger("customer_escalation.http")

Sleep = Callable[[float], Awaitable[None]]
Json = Any

DEFAULT_TIMEOUT = httpx2.Timeout(30.0, connect=5.0)
DEFAULT_LIMITS = httpx2.Limits(max_connections=10, max_keepalive_connections=10)
RETRYABLE_STATUS = frozenset({408, 500, 502, 503, 504, 529})


class VendorPolicy:
    """How one vendor's API authenticates, rate-limits and reports errors. Subclass per vendor.

    Attributes:
        system: short name used in error messages (`zendesk`, `jira`, ...).
        credentials_hint: the variables that hold the credentials, named in auth errors.
    """

    system: str = "vendor"
    credentials_hint: str = "the credentials"

    def auth_headers(self) -> Mapping[str, str]:
        """Headers that authenticate every request."""
        return {}

    def retry_after(self, response: httpx2.Response) -> float | None:
        """Seconds to wait before retrying a rate-limited or unavailable response, if the vendor says."""
        headers = response.headers
        if (ms := headers.get("retry-after-ms")) is not None:
            try:
                return max(0.0, float(ms) / 1000.0)
            except ValueError:
                pass
        if (value := headers.get("retry-after")) is not None:
            return parse_retry_after(value)
        return None

    def is_rate_limited(self, response: httpx2.Response, body: Json | None) -> bool:
        """True when this response means "slow down". Vendors that signal it differently override."""
        return response.status_code == 429

    def classify(self, response: httpx2.Response, body: Json | None) -> ConnectorError | None:
        """A vendor-specific error for a response the generic rules would get wrong, else None.

        Called for every response, successful or not (Slack reports errors as HTTP 200 `ok: false`).
        """
        return None

    def error_detail(self, response: httpx2.Response, body: Json | None) -> str:
        """A short human-readable reason from the vendor's error body."""
        if isinstance(body, dict):
            for key in ("message", "description", "error_description", "error", "errorMessages", "errors"):
                value = body.get(key)
                if isinstance(value, str) and value:
                    return value[:300]
                if isinstance(value, list) and value:
                    return "; ".join(str(v) for v in value)[:300]
                if isinstance(value, dict) and value:
                    title = value.get("message") or value.get("title")
                    return str(title)[:300] if title else json.dumps(value)[:300]
        text = response.text.strip() if response.content else ""
        return text[:300] if text else response.reason_phrase


def parse_retry_after(value: str, *, now: float | None = None) -> float | None:
    """Seconds from a `Retry-After` value: delta-seconds or an HTTP date. None when unreadable."""
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    current = time.time() if now is None else now
    return max(0.0, moment.timestamp() - current)


def check_base_url(url: str, *, variable: str) -> str:
    """Require https, except for loopback hosts (fakes and local proxies). Returns the url without a
    trailing slash.

    Raises:
        ConfigError: the url is not https and not loopback, or is not a url at all.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(f"{variable}={url!r} is not an http(s) URL")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigError(f"{variable} must use https (plain http is only allowed for localhost)")
    return url.rstrip("/")


class _RetryableError(Exception):
    """Internal: this attempt failed in a way worth repeating; `final` is raised if we give up."""

    def __init__(self, final: ConnectorError, *, delay: float | None, rate_limited: bool) -> None:
        super().__init__(str(final))
        self.final = final
        self.delay = delay
        self.rate_limited = rate_limited


class _WaitForVendor(wait_base):
    def __init__(self, api: HttpApi) -> None:
        self._api = api
        self._backoff = wait_exponential_jitter(multiplier=0.25, max=api.max_backoff, jitter=0.25)

    def __call__(self, retry_state: RetryCallState) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, _RetryableError) and exc.delay is not None:
            return min(exc.delay, self._api.max_wait)
        if isinstance(exc, _RetryableError) and exc.rate_limited:
            return min(1.0, self._api.max_wait)
        return float(self._backoff(retry_state))


class _StopRetrying(stop_base):
    def __init__(self, api: HttpApi) -> None:
        self._api = api

    def __call__(self, retry_state: RetryCallState) -> bool:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if not isinstance(exc, _RetryableError):
            return True
        if exc.rate_limited:
            waited = retry_state.idle_for + (exc.delay or 0.0)
            return waited > self._api.rate_limit_budget or retry_state.attempt_number >= 50
        return retry_state.attempt_number >= self._api.max_attempts


@dataclass
class _Gate:
    """Shared by all requests of one client; times are monotonic seconds.

    Nobody sends before `not_before` (set by a rate limit). After a rate limit, requests start at most one
    every `pace` seconds, the rate the vendor was seen to allow, so a burst drains without a storm of
    repeated 429s. After `RELAX_AFTER` seconds without a rate limit the pace is dropped again.
    """

    RELAX_AFTER = 60.0

    not_before: float = 0.0
    pace: float = 0.0
    next_slot: float = 0.0
    ok_since_limit: int = 0
    window_start: float | None = None
    limited_at: float | None = None

    def reserve(self, now: float) -> float:
        """The start time of the next request (reserved before any await, so callers never share a slot)."""
        if self.pace and self.limited_at is not None and now - self.limited_at > self.RELAX_AFTER:
            self.pace = 0.0
        start = max(now, self.not_before, self.next_slot)
        self.next_slot = start + self.pace
        if self.window_start is None:
            self.window_start = start
        return start

    def succeeded(self) -> None:
        self.ok_since_limit += 1

    def limited(self, now: float, wait: float) -> None:
        self.not_before = max(self.not_before, now + wait)
        if self.ok_since_limit > 0 and self.window_start is not None:
            allowed = self.ok_since_limit / max(now + wait - self.window_start, 1e-3)
            self.pace = 1.001 / allowed  # a hair under the observed rate, so float error never adds one
        self.ok_since_limit = 0
        self.window_start = self.not_before
        self.limited_at = now


class HttpApi:
    """A vendor API client: one per connector instance.

    Args:
        policy: the vendor's auth, rate-limit and error rules.
        base_url: the API root, e.g. ``https://acme.zendesk.com``.
        client: an `httpx2.AsyncClient` to use (tests inject one over `MockTransport` or
            `ASGITransport`); when omitted one is created and closed by `aclose`.
        max_attempts: attempts for 5xx and transport failures of idempotent requests.
        rate_limit_budget: total seconds to spend waiting on rate limits before giving up.
        max_wait: cap on any single wait, whatever the vendor asks.
        sleep: the sleep function (tests inject a fake one).
    """

    def __init__(
        self,
        policy: VendorPolicy,
        *,
        base_url: str,
        client: httpx2.AsyncClient | None = None,
        max_attempts: int = 3,
        rate_limit_budget: float = 60.0,
        max_wait: float = 30.0,
        max_backoff: float = 8.0,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy
        self.base_url = base_url.rstrip("/")
        self._owns_client = client is None
        self._client = client or httpx2.AsyncClient(timeout=DEFAULT_TIMEOUT, limits=DEFAULT_LIMITS)
        self.max_attempts = max_attempts
        self.rate_limit_budget = rate_limit_budget
        self.max_wait = max_wait
        self.max_backoff = max_backoff
        self._sleep = sleep
        self._monotonic = monotonic
        self._gate = _Gate()
        remember_secret(*policy.auth_headers().values())

    @property
    def system(self) -> str:
        return self.policy.system

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    async def get(
        self, path: str, *, params: Mapping[str, Any] | None = None, endpoint: str | None = None
    ) -> Json:
        """GET a JSON document."""
        return await self.request("GET", path, params=params, endpoint=endpoint)

    async def get_model(
        self,
        path: str,
        model: type[ModelT],
        *,
        params: Mapping[str, Any] | None = None,
        endpoint: str | None = None,
    ) -> ModelT:
        """GET a JSON document and validate it against the vendor's response model."""
        return await self.request_model("GET", path, model, params=params, endpoint=endpoint)

    async def request_model(self, method: str, path: str, model: type[ModelT], **kwargs: Any) -> ModelT:
        """`request`, then validate the body against `model` (see `parse_body`)."""
        body = await self.request(method, path, **kwargs)
        name = kwargs.get("endpoint") or f"{method} {urlsplit(self.url(path)).path}"
        return parse_body(model, body, system=self.system, endpoint=name)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        form: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        endpoint: str | None = None,
        idempotent: bool | None = None,
        response_headers: dict[str, str] | None = None,
    ) -> Json:
        """Send a request and return its JSON body.

        Args:
            endpoint: a short name for messages, e.g. ``"GET /api/v2/search.json"``; defaults to method
                and path.
            idempotent: whether 5xx and timeouts may be retried; defaults to True for GET, PUT and
                DELETE. Pass True for read-only POSTs (search endpoints). 429s are always retried,
                since the vendor did not process the request.
            response_headers: filled with the successful response's headers, for vendors that page
                with a ``Link`` header.

        Raises:
            ConnectorError: one of its subclasses, as described in the module docstring.
        """
        name = endpoint or f"{method} {urlsplit(self.url(path)).path}"
        safe = idempotent if idempotent is not None else method.upper() in {"GET", "HEAD", "PUT", "DELETE"}
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_RetryableError),
            wait=_WaitForVendor(self),
            stop=_StopRetrying(self),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            try:
                async for attempt in retrying:
                    with attempt:
                        return await self._attempt(
                            method,
                            path,
                            name,
                            safe,
                            params=params,
                            json_body=json_body,
                            form=form,
                            headers=headers,
                            response_headers=response_headers,
                        )
            except _RetryableError as exc:
                raise exc.final from exc.__cause__
        except ConnectorError as exc:
            # Vendors echo the request (headers included) in error bodies: no credential leaves here.
            exc.args = (scrub(str(exc), self.policy.auth_headers().values()), *exc.args[1:])
            raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def _wait_for_gate(self) -> None:
        now = self._monotonic()
        delay = self._gate.reserve(now) - now
        if delay > 0:
            await self._sleep(min(delay, self.max_wait))

    async def _attempt(
        self,
        method: str,
        path: str,
        name: str,
        retry_failures: bool,
        *,
        params: Mapping[str, Any] | None,
        json_body: Any,
        form: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        response_headers: dict[str, str] | None = None,
    ) -> Json:
        await self._wait_for_gate()
        system = self.policy.system
        all_headers = {"Accept": "application/json", **self.policy.auth_headers(), **(headers or {})}
        try:
            response = await self._client.request(
                method,
                self.url(path),
                params=_clean_params(params),
                json=json_body,
                data=dict(form) if form is not None else None,
                headers=all_headers,
            )
        except httpx2.TimeoutException as exc:
            error = UpstreamError(f"{system}: {name} timed out", system=system)
            if retry_failures:
                raise _RetryableError(error, delay=None, rate_limited=False) from exc
            raise error from exc
        except httpx2.TransportError as exc:
            error = UpstreamError(f"{system}: {name} is unreachable ({type(exc).__name__})", system=system)
            if retry_failures:
                raise _RetryableError(error, delay=None, rate_limited=False) from exc
            raise error from exc

        body = _json_or_none(response)
        logger.debug("%s %s -> %s", system, name, response.status_code)

        special = self.policy.classify(response, body)
        if self.policy.is_rate_limited(response, body) or isinstance(special, RateLimitedError):
            delay = self.policy.retry_after(response)
            if delay is None and isinstance(special, RateLimitedError):
                if special.retry_after is None:
                    raise special  # a quota that waiting will not fix
                delay = special.retry_after
            wait = min(delay if delay is not None else 1.0, self.max_wait)
            self._gate.limited(self._monotonic(), wait)
            final = RateLimitedError(
                f"{system} is rate limiting requests to {name}; try again in a minute",
                system=system,
                retry_after=delay,
            )
            raise _RetryableError(final, delay=delay, rate_limited=True)
        if isinstance(special, UpstreamError) and retry_failures:
            # a transient failure reported in a 2xx body (Slack does this): retry like a 5xx
            raise _RetryableError(special, delay=self.policy.retry_after(response), rate_limited=False)
        if special is not None:
            raise special

        status = response.status_code
        if 200 <= status < 300:
            self._gate.succeeded()
            if response_headers is not None:
                response_headers.update(response.headers)
            if status == 204 or not response.content:
                return None
            if body is None:
                raise UpstreamError(
                    f"{system}: {name} returned a body that is not JSON", system=system, status=status
                )
            return body

        detail = self.policy.error_detail(response, body)
        if status in RETRYABLE_STATUS:
            error = UpstreamError(
                f"{system}: {name} failed with HTTP {status}: {detail}", system=system, status=status
            )
            if retry_failures:
                raise _RetryableError(error, delay=self.policy.retry_after(response), rate_limited=False)
            raise error
        raise self._map_status(status, name, detail)

    def _map_status(self, status: int, name: str, detail: str) -> ConnectorError:
        system = self.policy.system
        if status == 401:
            return AuthError(
                f"{system} rejected the credentials ({detail}); check {self.policy.credentials_hint}",
                system=system,
            )
        if status == 403:
            return PermissionDeniedError(
                f"{system} refused {name}: {detail}; the token may lack a scope", system=system
            )
        if status == 404:
            return NotFoundError(f"{system}: not found ({name})", system=system)
        if status == 410:
            return EndpointGoneError(
                f"{system} has removed {name} (HTTP 410); this connector needs an update", system=system
            )
        if status in {400, 409, 412, 413, 414, 415, 422}:
            return InvalidQueryError(f"{system} rejected {name}: {detail}", system=system)
        return UpstreamError(
            f"{system}: {name} failed with HTTP {status}: {detail}", system=system, status=status
        )


def _clean_params(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if params is None:
        return None
    return {k: v for k, v in params.items() if v is not None}


def _json_or_none(response: httpx2.Response) -> Json | None:
    if not response.content:
        return None
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        return None


__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_TIMEOUT",
    "HttpApi",
    "VendorPolicy",
    "check_base_url",
    "parse_retry_after",
]
