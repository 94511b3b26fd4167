"""Record Messages API traffic as JSON lines, and replay it without the network.

`RecordingTransport` wraps the HTTP transport of an `AsyncAnthropic` client and appends one line per
exchange to a file: the request (method, path, JSON body) and the response (status, JSON body), with
the time. No credential is written: request headers are dropped except the API version and beta
flags, response headers are kept only for the content type, request id and retry hints, and anything
shaped like an Anthropic key is masked wherever it appears. Turn it on with ``--record FILE`` on `brief` and
`eval`, or with CUSTOMER_ESCALATION_RECORD.

`ReplayTransport` answers requests from such a file in order, so a recorded run (or one written by hand
in the same wire format) drives the real loop through the real SDK in CI.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2

_KEY = re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}")
_KEEP_REQUEST_HEADERS = ("anthropic-version", "anthropic-beta")
_KEEP_RESPONSE_HEADERS = ("content-type", "request-id", "retry-after", "retry-after-ms", "x-should-retry")


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _KEY.sub("sk-ant-REDACTED", value)
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _json_or_text(content: bytes) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return content.decode("utf-8", errors="replace")


def exchange(request: httpx2.Request, response: httpx2.Response, body: bytes) -> dict[str, Any]:
    """One recorded line: the request and the response without credentials."""
    line: dict[str, Any] = _scrub(
        {
            "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "request": {
                "method": request.method,
                "path": request.url.path,
                "headers": {h: request.headers[h] for h in _KEEP_REQUEST_HEADERS if h in request.headers},
                "body": _json_or_text(request.content),
            },
            "response": {
                "status": response.status_code,
                "headers": {h: response.headers[h] for h in _KEEP_RESPONSE_HEADERS if h in response.headers},
                "body": _json_or_text(body),
            },
        }
    )
    return line


class RecordingTransport(httpx2.AsyncBaseTransport):
    """Passes every request to `inner` and appends the exchange to `path` as one JSON line.

    Args:
        path: the JSON-lines file (created, or appended to).
        inner: the transport that really sends (default: a new `httpx2.AsyncHTTPTransport`).
    """

    def __init__(self, path: Path, inner: httpx2.AsyncBaseTransport | None = None) -> None:
        self.path = Path(path)
        self._inner = inner or httpx2.AsyncHTTPTransport()
        self._lock = threading.Lock()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        response = await self._inner.handle_async_request(request)
        body = await response.aread()
        line = json.dumps(exchange(request, response, body), ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        return httpx2.Response(
            status_code=response.status_code,
            headers=[(k, v) for k, v in response.headers.items() if k.lower() != "content-encoding"],
            content=body,
            request=request,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


def load_exchanges(path: Path) -> list[dict[str, Any]]:
    """The exchanges in a recording, in order (blank lines and `#` comments skipped)."""
    entries = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            entries.append(json.loads(line))
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: not a JSON line: {exc}") from exc
    return entries


class ReplayExhaustedError(AssertionError):
    """The code under replay sent more requests than the recording holds."""


class ReplayTransport(httpx2.AsyncBaseTransport):
    """Answers requests with the recorded responses, in order; keeps the requests it received.

    A request must go to the recorded path (and name the recorded model, when both have one);
    anything else raises, so a replay cannot silently drift from the recording.
    """

    def __init__(self, exchanges: Iterable[dict[str, Any]]) -> None:
        self._script = list(exchanges)
        self._next = 0
        self.requests: list[dict[str, Any]] = []

    @classmethod
    def from_file(cls, path: Path) -> ReplayTransport:
        return cls(load_exchanges(path))

    @property
    def remaining(self) -> int:
        return len(self._script) - self._next

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        body = _json_or_text(request.content)
        self.requests.append(body if isinstance(body, dict) else {"raw": body})
        if self._next >= len(self._script):
            raise ReplayExhaustedError(
                f"request {self._next + 1} to {request.url.path} has no recorded response "
                f"(the recording holds {len(self._script)})"
            )
        recorded = self._script[self._next]
        self._next += 1
        want = recorded.get("request", {})
        if want.get("path") and want["path"] != request.url.path:
            raise AssertionError(f"replay expected {want['path']}, got {request.url.path}")
        wanted_model = (want.get("body") or {}).get("model") if isinstance(want.get("body"), dict) else None
        if wanted_model and isinstance(body, dict) and body.get("model") != wanted_model:
            raise AssertionError(f"replay expected model {wanted_model}, got {body.get('model')}")
        answer = recorded["response"]
        headers = {k: v for k, v in (answer.get("headers") or {}).items() if k != "retry-after-ms"}
        if "retry-after" in headers:
            headers["retry-after"] = "0"  # a replay never waits out the recorded back-off
        content = answer.get("body")
        if isinstance(content, str):
            return httpx2.Response(answer["status"], headers=headers, text=content, request=request)
        return httpx2.Response(answer["status"], headers=headers, json=content, request=request)


def anthropic_client(
    api_key: str | None,
    *,
    record: Path | None = None,
    transport: httpx2.AsyncBaseTransport | None = None,
    max_retries: int = 3,
) -> Any:
    """An `AsyncAnthropic`, recording to `record` when given, over `transport` when given (a replay).

    The SDK retries 408, 409, 429, 5xx and connection failures `max_retries` times, honouring
    `retry-after`.
    """
    from anthropic import AsyncAnthropic

    from . import anthropic as claude

    if transport is None and not claude.ALLOW_MODEL_REQUESTS:
        raise RuntimeError("requests to the Anthropic API are disabled (ALLOW_MODEL_REQUESTS is False)")
    if transport is None and record is None:
        return AsyncAnthropic(api_key=api_key, max_retries=max_retries)
    inner = transport
    if record is not None:
        inner = RecordingTransport(record, inner)
    return AsyncAnthropic(
        api_key=api_key or "replay", max_retries=max_retries, http_client=httpx2.AsyncClient(transport=inner)
    )


__all__ = [
    "RecordingTransport",
    "ReplayExhaustedError",
    "ReplayTransport",
    "anthropic_client",
    "exchange",
    "load_exchanges",
]
