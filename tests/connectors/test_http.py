"""The shared HTTP layer: retries, rate-limit gate and error mapping, against httpx2.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx2
import pytest

from customer_escalation.connectors._http import HttpApi, VendorPolicy, check_base_url, parse_retry_after
from customer_escalation.connectors.errors import (
    AuthError,
    ConfigError,
    EndpointGoneError,
    InvalidQueryError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    UpstreamError,
)
from tests.connectors.virtual_api import virtual_api
from tests.fakes.clock import VirtualClock as _Clock
from tests.fakes.timeouts import TimingOut

pytestmark = pytest.mark.anyio


class _Policy(VendorPolicy):
    system = "acme"
    credentials_hint = "ACME_TOKEN"

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": "Bearer t0ken"}


def _api(handler: Callable[[httpx2.Request], httpx2.Response], clock: _Clock | None = None) -> HttpApi:
    clock = clock or _Clock()
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    return virtual_api(_Policy(), client, clock, base_url="https://acme.example")


def _scripted(
    *responses: httpx2.Response,
) -> tuple[Callable[[httpx2.Request], httpx2.Response], list[httpx2.Request]]:
    queue = list(responses)
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return queue.pop(0)

    return handler, seen


async def test_sends_auth_header_and_returns_json() -> None:
    handler, seen = _scripted(httpx2.Response(200, json={"ok": True}))
    body = await _api(handler).get("/things", params={"q": "x", "skip": None})
    assert body == {"ok": True}
    assert seen[0].headers["authorization"] == "Bearer t0ken"
    assert seen[0].url.params.get("q") == "x" and "skip" not in seen[0].url.params


async def test_429_is_retried_after_the_vendor_delay() -> None:
    clock = _Clock()
    handler, seen = _scripted(
        httpx2.Response(429, headers={"Retry-After": "2"}, text="slow down"),
        httpx2.Response(200, json={"n": 1}),
    )
    assert await _api(handler, clock).get("/x") == {"n": 1}
    assert len(seen) == 2
    assert sum(clock.sleeps) == pytest.approx(2.0)


async def test_rate_limit_budget_exhausted_raises_rate_limited() -> None:
    clock = _Clock()

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(429, headers={"Retry-After": "20"})

    with pytest.raises(RateLimitedError) as info:
        await _api(handler, clock).get("/x")
    assert info.value.retry_after == 20
    assert info.value.system == "acme"
    assert sum(clock.sleeps) <= 60  # the rate-limit budget


async def test_5xx_retried_then_upstream_error_names_endpoint() -> None:
    handler, seen = _scripted(*(httpx2.Response(503, json={"message": "down"}) for _ in range(3)))
    with pytest.raises(UpstreamError) as info:
        await _api(handler).get("/api/search")
    assert len(seen) == 3
    assert "GET /api/search" in str(info.value) and info.value.status == 503


async def test_non_idempotent_post_is_not_retried_on_5xx() -> None:
    handler, seen = _scripted(httpx2.Response(500, json={}), httpx2.Response(200, json={}))
    with pytest.raises(UpstreamError):
        await _api(handler).request("POST", "/create", json_body={"a": 1})
    assert len(seen) == 1


async def test_timeout_becomes_upstream_error_after_retries() -> None:
    handler = TimingOut()
    with pytest.raises(UpstreamError, match="timed out"):
        await _api(handler).get("/x")
    assert handler.attempts == 3


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, AuthError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (400, InvalidQueryError),
        (422, InvalidQueryError),
        (410, EndpointGoneError),
    ],
)
async def test_4xx_are_mapped_and_never_retried(status: int, error: type[Exception]) -> None:
    handler, seen = _scripted(httpx2.Response(status, json={"message": "nope"}))
    with pytest.raises(error):
        await _api(handler).get("/x")
    assert len(seen) == 1


async def test_auth_error_names_the_credentials() -> None:
    handler, _ = _scripted(httpx2.Response(401, json={"error": "Couldn't authenticate you"}))
    with pytest.raises(AuthError, match="ACME_TOKEN"):
        await _api(handler).get("/x")


async def test_malformed_success_body_is_an_error_not_an_empty_result() -> None:
    handler, _ = _scripted(httpx2.Response(200, text="<html>maintenance</html>"))
    with pytest.raises(UpstreamError, match="not JSON"):
        await _api(handler).get("/x")


async def test_vendor_classify_can_turn_200_into_an_error() -> None:
    class SlackLike(_Policy):
        def classify(self, response: httpx2.Response, body: object) -> NotFoundError | None:
            if isinstance(body, dict) and body.get("ok") is False:
                return NotFoundError(str(body["error"]), system=self.system)
            return None

    client = httpx2.AsyncClient(
        transport=httpx2.MockTransport(
            lambda r: httpx2.Response(200, json={"ok": False, "error": "channel_not_found"})
        )
    )
    api = HttpApi(SlackLike(), base_url="https://slack.example", client=client)
    with pytest.raises(NotFoundError, match="channel_not_found"):
        await api.get("/api/conversations.history")


async def test_quota_without_delay_is_not_retried() -> None:
    class QuotaPolicy(_Policy):
        def classify(self, response: httpx2.Response, body: object) -> RateLimitedError | None:
            if response.status_code == 403:
                return RateLimitedError("daily quota exhausted", system=self.system)
            return None

    calls = 0

    def handler(request: httpx2.Request) -> httpx2.Response:
        nonlocal calls
        calls += 1
        return httpx2.Response(403, json=[{"errorCode": "REQUEST_LIMIT_EXCEEDED"}])

    client = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    with pytest.raises(RateLimitedError, match="quota"):
        await HttpApi(QuotaPolicy(), base_url="https://x.example", client=client).get("/q")
    assert calls == 1


async def test_a_rate_limit_holds_back_other_requests_of_the_same_client() -> None:
    clock = _Clock()
    sent_at: list[float] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        sent_at.append(clock.now)
        if len(sent_at) == 1:
            return httpx2.Response(429, headers={"Retry-After": "3"})
        return httpx2.Response(200, content=json.dumps({}).encode())

    api = _api(handler, clock)
    await api.get("/a")
    await api.get("/b")
    assert sent_at == [0.0, 3.0, 3.0]


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == pytest.approx(10.0)
    assert parse_retry_after("soon") is None


def test_base_url_must_be_https_unless_loopback() -> None:
    assert check_base_url("https://acme.zendesk.com/", variable="X") == "https://acme.zendesk.com"
    assert check_base_url("http://127.0.0.1:8080", variable="X") == "http://127.0.0.1:8080"
    with pytest.raises(ConfigError, match="https"):
        check_base_url("http://acme.zendesk.com", variable="ZENDESK_BASE_URL")


async def test_a_transient_failure_reported_in_a_200_body_is_retried() -> None:
    class SlackLike(_Policy):
        def classify(self, response: httpx2.Response, body: object) -> UpstreamError | None:
            if isinstance(body, dict) and body.get("ok") is False:
                return UpstreamError(str(body["error"]), system=self.system)
            return None

    replies = [
        httpx2.Response(200, json={"ok": False, "error": "service_unavailable"}),
        httpx2.Response(200, json={"ok": True}),
    ]
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(lambda r: replies.pop(0)))
    clock = _Clock()
    api = virtual_api(SlackLike(), client, clock, base_url="https://slack.example")
    assert await api.get("/api/search.messages") == {"ok": True}
    assert replies == []


async def test_after_a_rate_limit_requests_are_paced_at_the_observed_rate() -> None:
    clock = _Clock()
    window: dict[int, int] = {}

    def handler(request: httpx2.Request) -> httpx2.Response:
        second = int(clock.now)
        window[second] = window.get(second, 0) + 1
        if window[second] > 5:
            return httpx2.Response(429, headers={"Retry-After": str(second + 1 - clock.now)})
        return httpx2.Response(200, json={})

    api = _api(handler, clock)
    for _ in range(30):
        await api.get("/x")
    refused = sum(max(0, n - 5) for n in window.values())
    assert refused == 1
    assert 5.0 <= clock.now <= 6.0
