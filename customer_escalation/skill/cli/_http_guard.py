"""What `serve --http` puts in front of the MCP app: a deadline for request headers (in the HTTP
protocol) and, as ASGI middleware, a deadline for request bodies, 405 for the stream a stateless
server does not offer (`GET /mcp`), and a slowdown for repeated failed sign-ins from one client.

None of it sleeps in a way that holds up other clients: the header deadline is a timer on the event
loop, and a slowed-down client waits in its own request.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import anyio

logger = logging.getLogger("customer_escalation.serve")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

HEADER_SECONDS = 10.0
"""A connection that has not sent a complete request head this long after it opened (or after the
previous response) is closed."""
BODY_SECONDS = 30.0
"""A request whose body has not arrived this long after its head is answered 408."""
KEEP_ALIVE_SECONDS = 5
"""An idle keep-alive connection is closed after this long (uvicorn's `timeout_keep_alive`)."""
MAX_CONNECTIONS = 256
"""Open connections and requests in progress beyond this are answered 503 (uvicorn's `limit_concurrency`)."""

MIN_TOKEN_CHARS = 32
MIN_TOKEN_DISTINCT = 10
TOKEN_ADVICE = 'make one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'

FREE_FAILURES = 5
"""Failed sign-ins a client may make within `FAILURE_WINDOW` before its failures are slowed down."""
FAILURE_WINDOW = 600.0
FIRST_DELAY = 0.25
MAX_DELAY = 8.0
MAX_WAITING = 8
"""Slowed-down failures one client may have waiting at once; beyond that it gets 429 at once."""
MAX_CLIENTS = 10_000


def weak_token_reason(token: str) -> str | None:
    """Why `token` is too weak to guard a server, or None when it is strong enough."""
    if token != token.strip():
        return "it starts or ends with whitespace"
    if len(token) < MIN_TOKEN_CHARS:
        return f"it has {len(token)} characters; use at least {MIN_TOKEN_CHARS} random ones"
    if len(set(token)) < MIN_TOKEN_DISTINCT:
        return f"it repeats a few characters; use at least {MIN_TOKEN_DISTINCT} different ones"
    return None


def guarded_protocol(header_seconds: float = HEADER_SECONDS) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol (httptools when installed, else h11) with a deadline for request heads.

    uvicorn times out idle keep-alive connections, but not one that trickles its request head in a byte
    at a time. Both protocols start a new request cycle once a head is complete, so a connection whose
    cycle has not changed by the deadline is still waiting for one, and is closed.
    """
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    base: Any = AutoHTTPProtocol

    class HeaderDeadlineProtocol(base):  # type: ignore[misc]
        _head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._await_head()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._await_head()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
            super().connection_lost(exc)

        def _await_head(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
            cycle = self.cycle
            self._head_timer = self.loop.call_later(header_seconds, self._head_overdue, cycle)

        def _head_overdue(self, cycle: Any) -> None:
            self._head_timer = None
            if self.cycle is cycle and not self.transport.is_closing():
                logger.info("closed a connection that sent no complete request within %gs", header_seconds)
                self.transport.close()

    return HeaderDeadlineProtocol


@dataclass
class _Client:
    failures: deque[float] = field(default_factory=deque)
    waiting: int = 0


class HttpGuard:
    """ASGI middleware in front of the MCP app.

    Args:
        app: the MCP Starlette app.
        token: the bearer token; when set, failed sign-ins on the MCP endpoint are slowed down per client.
        max_body_bytes: bodies are read up to one byte past this, then handed to `app` (which refuses them).
        body_seconds: the deadline for a request body, from the request head.
        clock, sleep: for tests.
    """

    def __init__(
        self,
        app: App,
        *,
        token: str | None,
        max_body_bytes: int,
        path: str = "/mcp",
        body_seconds: float = BODY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        self.app = app
        self._token = token.encode() if token else None
        self._max_body = max_body_bytes
        self._path = path
        self._body_seconds = body_seconds
        self._clock = clock
        self._sleep = sleep
        self._clients: OrderedDict[str, _Client] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        endpoint = scope["path"].rstrip("/") == self._path
        if endpoint and scope["method"] == "GET":
            # A stateless server offers no server-to-client stream (the MCP transport says 405).
            await _respond(send, 405, "this server is stateless: POST requests to /mcp", allow="POST")
            return
        if endpoint and self._token is not None and not await self._admit(scope, send):
            return
        replay = await self._read_body(scope, receive, send)
        if replay is not None:
            await self.app(scope, replay, send)

    # -- failed sign-ins -----------------------------------------------------------------------

    async def _admit(self, scope: Scope, send: Send) -> bool:
        """False when the request was answered here (429); a failed sign-in is delayed, then passed on
        for the app's own 401."""
        host = (scope.get("client") or ("unknown", 0))[0]
        client = self._client(host)
        if client.waiting >= MAX_WAITING:
            await _respond(send, 429, "too many failed sign-ins; wait and retry", retry_after=int(MAX_DELAY))
            return False
        if self._authorized(scope):
            return True
        now = self._clock()
        client.failures.append(now)
        while client.failures and client.failures[0] < now - FAILURE_WINDOW:
            client.failures.popleft()
        excess = len(client.failures) - FREE_FAILURES
        if excess > 0:
            delay = min(FIRST_DELAY * 2 ** (excess - 1), MAX_DELAY)
            if excess == 1:
                logger.info("repeated failed sign-ins from %s: slowing its failures down", host)
            client.waiting += 1
            try:
                await self._sleep(delay)
            finally:
                client.waiting -= 1
        return True

    def _client(self, host: str) -> _Client:
        client = self._clients.get(host)
        if client is None:
            client = self._clients[host] = _Client()
            if len(self._clients) > MAX_CLIENTS:
                self._clients.popitem(last=False)
        else:
            self._clients.move_to_end(host)
        return client

    def _authorized(self, scope: Scope) -> bool:
        assert self._token is not None
        for name, value in scope.get("headers", ()):
            if name.lower() == b"authorization":
                scheme, _, presented = value.partition(b" ")
                return scheme.lower() == b"bearer" and hmac.compare_digest(presented, self._token)
        return False

    # -- request bodies --------------------------------------------------------------------------

    async def _read_body(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """A `receive` that replays the body read here, or None when it did not arrive in time (408)."""
        chunks: list[Message] = []
        size = 0
        with anyio.move_on_after(self._body_seconds) as waited:
            while size <= self._max_body:
                message = await receive()
                chunks.append(message)
                if message["type"] != "http.request":
                    break
                size += len(message.get("body", b""))
                if not message.get("more_body", False):
                    break
        if waited.cancelled_caught:
            logger.info("a request body did not arrive within %gs: answered 408", self._body_seconds)
            await _respond(send, 408, f"the request body did not arrive within {self._body_seconds:g}s")
            return None

        async def replay() -> Message:
            if chunks:
                return chunks.pop(0)
            return await receive()

        return replay


async def _respond(
    send: Send, status: int, message: str, *, allow: str | None = None, retry_after: int | None = None
) -> None:
    body = json.dumps({"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": message}}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    if allow is not None:
        headers.append((b"allow", allow.encode()))
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


__all__ = [
    "BODY_SECONDS",
    "HEADER_SECONDS",
    "KEEP_ALIVE_SECONDS",
    "MAX_CONNECTIONS",
    "HttpGuard",
    "guarded_protocol",
    "weak_token_reason",
]
